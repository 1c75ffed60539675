"""/start, consent, joining a family by a co-parent's link, the children steps and the quick start.

The plan steps (timezone, time, days) live in bot.handlers.plan and are reused by /settings.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import time

from aiogram import Bot, F, Router
from aiogram.enums import ParseMode
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot import keyboards as K
from bot.callbacks import SetupCb
from bot.clock import Clock
from bot.config import Settings
from bot.content import Library
from bot.domain.bands import BirthCheck
from bot.domain.parsing import parse_birth_month
from bot.domain.schedule import Cadence
from bot.handlers.language import PENDING_KEY as PENDING_LANGUAGE
from bot.handlers.states import Setup
from bot.handlers.therapist import notify, show_consent
from bot.handlers.util import MAX_INPUT, cb_message, next_text
from bot.handlers.views import send_prompt_now, show_children
from bot.i18n import Locales, Translator
from bot.render import born, days_text, h
from bot.sender import Sender
from bot.services.deliveries import DeliveryService
from bot.services.families import FamilyService, Who, clean_nickname
from bot.services.household import HouseholdService, JoinProblem
from bot.services.therapists import TherapistService

HTML = ParseMode.HTML
QUICK_TIME = time(19, 30)


def invite_code(command: CommandObject | None, prefix: str = "c_") -> str | None:
    args = (command.args or "") if command else ""
    return args[2:] if args.startswith(prefix) and len(args) > 2 else None


async def start(
    message: Message,
    state: FSMContext,
    who: Who | None,
    families: FamilyService,
    therapists: TherapistService,
    household: HouseholdService,
    bot: Bot,
    t: Translator,
    locales: Locales,
    command: CommandObject | None = None,
) -> None:
    code, join = invite_code(command), invite_code(command, "p_")
    if who is None:
        await fresh_state(state)
        if join:
            # A co-parent's link: consent, then straight into the family, with no set-up of their own.
            await state.update_data(pending_join=join)
            await message.answer(t("join-welcome"), parse_mode=HTML, reply_markup=K.consent(t))
            return
        if code:
            # Remember the therapist's invite through consent and set-up, then show its consent screen.
            await state.update_data(pending_invite=code)
        await message.answer(t("welcome"), parse_mode=HTML, reply_markup=K.consent(t))
        return
    reactivated = await families.reactivate(who.telegram_id)
    if join:
        await state.clear()
        await _join(message, who.telegram_id, t, join, families, household, bot, locales)
        return
    if not who.onboarded:
        if code:
            await state.update_data(pending_invite=code)
        await resume_setup(message, state, who, families, t)
        return
    await state.clear()
    if code:
        await show_consent(message, code, therapists, t)
        return
    view = await families.view(who.family_id)
    key = "welcome-back" if reactivated else "already-set-up"
    await message.answer(t(key, next=next_text(view, t)), parse_mode=HTML)


async def fresh_state(state: FSMContext) -> None:
    """Start over, but keep a language chosen with /language before consent (bot.handlers.language)."""
    language = (await state.get_data()).get(PENDING_LANGUAGE)
    await state.clear()
    if isinstance(language, str):
        await state.update_data({PENDING_LANGUAGE: language})


async def _join(
    msg: Message,
    telegram_id: int,
    t: Translator,
    code: str,
    families: FamilyService,
    household: HouseholdService,
    bot: Bot,
    locales: Locales,
) -> None:
    # The language they are spoken to in is stored with their consent; /language changes it.
    result = await household.join(telegram_id, t.locale, code)
    if isinstance(result, JoinProblem):
        await msg.answer(t(f"join-{result.value}"), parse_mode=HTML)
        return
    await msg.answer(t("joined"), parse_mode=HTML)
    view = await families.view(result)
    await msg.answer(t("joined-next", next=next_text(view, t)), parse_mode=HTML)
    for member in await household.members(result):
        if member.telegram_id != telegram_id:
            # Each co-parent hears it in their own language.
            await notify(bot, member.telegram_id, locales.for_person(member.language, None)("coparent-joined"))


async def resume_setup(message: Message, state: FSMContext, who: Who, families: FamilyService, t: Translator) -> None:
    view = await families.view(who.family_id)
    await state.update_data(mode="setup")
    if not view.children:
        await state.set_state(Setup.nickname)
        await message.answer(t("ask-nickname"), parse_mode=HTML, reply_markup=K.skip_nickname(t))
    else:
        await state.set_state(Setup.timezone)
        await message.answer(t("ask-tz"), parse_mode=HTML, reply_markup=K.timezones(view.timezone, t))


async def privacy_button(query: CallbackQuery, t: Translator) -> None:
    await query.answer()
    if msg := cb_message(query):
        await msg.answer(t("privacy"), parse_mode=HTML, reply_markup=K.consent(t))


async def agree(
    query: CallbackQuery,
    t: Translator,
    state: FSMContext,
    who: Who | None,
    families: FamilyService,
    household: HouseholdService,
    bot: Bot,
    locales: Locales,
) -> None:
    await query.answer()
    msg = cb_message(query)
    if msg is None:
        return
    if who is not None and who.onboarded:
        await msg.answer(t("step-gone"), parse_mode=HTML)
        return
    join = (await state.get_data()).get("pending_join")
    await msg.edit_reply_markup(reply_markup=None)
    if isinstance(join, str):
        await state.clear()
        await _join(msg, query.from_user.id, t, join, families, household, bot, locales)
        return
    # The language they are being spoken to in is stored with their consent: /language changes it.
    who = await families.agree(query.from_user.id, t.locale)
    await resume_setup(msg, state, who, families, t)


# ---- child ---------------------------------------------------------------------------------------------


async def nickname_skip(query: CallbackQuery, state: FSMContext, clock: Clock, t: Translator) -> None:
    await query.answer()
    await state.update_data(nick=None)
    await ask_birth(query, state, clock, None, t)


async def nickname_typed(
    message: Message, state: FSMContext, clock: Clock, who: Who | None, families: FamilyService, t: Translator
) -> None:
    text = message.text or ""
    try:
        nick = clean_nickname(text[:MAX_INPUT])
    except ValueError:
        await message.answer(t("nickname-too-long"), parse_mode=HTML, reply_markup=K.skip_nickname(t))
        return
    if nick is None:
        await message.answer(t("nickname-empty"), parse_mode=HTML, reply_markup=K.skip_nickname(t))
        return
    data = await state.get_data()
    if data.get("mode") == "edit" and who is not None and isinstance(data.get("child_id"), int):
        await families.edit_child(who.family_id, data["child_id"], nickname=nick)
        await state.clear()
        await show_children(message, who, families, t, note=t("nickname-changed", name=h(nick)))
        return
    await state.update_data(nick=nick)
    await ask_birth(message, state, clock, nick, t)


async def ask_birth(
    target: Message | CallbackQuery, state: FSMContext, clock: Clock, nick: str | None, t: Translator
) -> None:
    msg = target if isinstance(target, Message) else cb_message(target)
    if msg is None:
        return
    await state.set_state(Setup.birth)
    text = t("ask-birth", name=h(nick)) if nick else t("ask-birth-unnamed")
    await msg.answer(text, parse_mode=HTML, reply_markup=K.birth_years(clock.now().date()))


async def birth_year(query: CallbackQuery, callback_data: SetupCb, t: Translator) -> None:
    msg = cb_message(query)
    year = callback_data.extra
    if msg is None or not 1900 < year < 2200:
        await query.answer(t("button-expired"))
        return
    await query.answer()
    await msg.edit_text(
        f"{msg.html_text}\n\n{t('birth-pick-month', year=year)}", parse_mode=HTML, reply_markup=K.birth_months(year, t)
    )


async def birth_month(
    query: CallbackQuery,
    callback_data: SetupCb,
    state: FSMContext,
    who: Who | None,
    families: FamilyService,
    library: Library,
    t: Translator,
) -> None:
    year = int(callback_data.arg) if callback_data.arg.isascii() and callback_data.arg.isdigit() else None
    msg = cb_message(query)
    if year is None or msg is None or who is None:
        await query.answer(t("button-expired"))
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    await save_child(msg, state, who, families, library, t, year, callback_data.extra)


async def birth_typed(
    message: Message, state: FSMContext, who: Who | None, families: FamilyService, library: Library, t: Translator
) -> None:
    parsed = parse_birth_month((message.text or "")[:MAX_INPUT])
    if parsed is None or who is None:
        await message.answer(t("birth-unclear"), parse_mode=HTML)
        return
    await save_child(message, state, who, families, library, t, *parsed)


BIRTH_MESSAGES = {
    BirthCheck.future: "birth-future",
    BirthCheck.too_young: "birth-too-young",
    BirthCheck.too_old: "birth-too-old",
    BirthCheck.invalid: "birth-invalid",
}


async def save_child(
    msg: Message,
    state: FSMContext,
    who: Who,
    families: FamilyService,
    library: Library,
    t: Translator,
    year: int,
    month: int,
) -> None:
    check = families.check_birth(year, month)
    if check is not BirthCheck.ok:
        await msg.answer(t(BIRTH_MESSAGES[check]), parse_mode=HTML)
        return
    data = await state.get_data()
    if data.get("mode") == "edit" and isinstance(data.get("child_id"), int):
        await families.edit_child(who.family_id, data["child_id"], birth=(year, month))
        await state.clear()
        note = t("birth-changed", born=born(year, month, t))
        await show_children(msg, who, families, t, library, note=note)
        return
    try:
        child = await families.add_child(who.family_id, data.get("nick"), year, month)
    except ValueError:
        await msg.answer(t("too-many-children"), parse_mode=HTML)
        return
    band_name = t(f"band-{child.band}") if child.band else "—"
    await state.update_data(nick=None)
    if data.get("mode") == "settings":
        await state.set_state(None)
        await show_children(msg, who, families, t, library)
        return
    await state.set_state(Setup.more)
    added = (
        t("child-added", name=h(child.nickname), band=band_name)
        if child.nickname
        else t("child-added-unnamed", band=band_name)
    )
    await msg.answer(added, parse_mode=HTML, reply_markup=K.more_children(t))


async def more(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await query.answer()
    if msg := cb_message(query):
        await state.set_state(Setup.nickname)
        await msg.answer(t("ask-nickname-more"), parse_mode=HTML, reply_markup=K.skip_nickname(t))


async def kids_done(query: CallbackQuery, state: FSMContext, settings: Settings, t: Translator) -> None:
    await query.answer()
    if msg := cb_message(query):
        await msg.edit_reply_markup(reply_markup=None)
        await state.set_state(Setup.timezone)
        await msg.answer(t("ask-tz"), parse_mode=HTML, reply_markup=K.timezones(settings.default_timezone, t))


async def quick_start(
    query: CallbackQuery,
    state: FSMContext,
    who: Who | None,
    families: FamilyService,
    therapists: TherapistService,
    deliveries: DeliveryService,
    sender: Sender,
    t: Translator,
) -> None:
    """Everything defaulted (the bot's default zone, 19:30, three a week) and the first idea at once."""
    msg = cb_message(query)
    if msg is None or who is None:
        await query.answer(t("toast-step-gone"))
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    await families.update_plan(who.family_id, send_time=QUICK_TIME, cadence=Cadence.three)
    view = await families.finish_onboarding(who.family_id)
    pending = (await state.get_data()).get("pending_invite")
    await state.clear()
    days = days_text(view.cadence.value, view.days, t)
    summary = t("quick-summary", time=t.time(view.send_time), zone=view.timezone, days=days)
    await msg.answer(summary, parse_mode=HTML)
    ready = replace(who, onboarded=True)
    await send_prompt_now(msg, ready, deliveries, sender, t)
    if isinstance(pending, str):
        await show_consent(msg, pending, therapists, t)


async def first_prompt(
    query: CallbackQuery,
    callback_data: SetupCb,
    who: Who | None,
    deliveries: DeliveryService,
    sender: Sender,
    t: Translator,
) -> None:
    msg = cb_message(query)
    if msg is None or who is None or not who.onboarded:
        await query.answer(t("toast-step-gone"))
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    if callback_data.action == "first_wait":
        await msg.answer(t("first-wait"), parse_mode=HTML)
        return
    await send_prompt_now(msg, who, deliveries, sender, t)


# Buttons from a step that has passed (or forged ones) get a kind answer instead of acting.
async def stale_step(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("toast-step-gone"), show_alert=True)


def setup() -> Router:
    router = Router(name="onboarding")
    text = (F.text, ~F.text.startswith("/"))
    router.message.register(start, CommandStart())
    router.callback_query.register(privacy_button, SetupCb.filter(F.action == "privacy"))
    router.callback_query.register(agree, SetupCb.filter(F.action == "agree"))
    router.callback_query.register(nickname_skip, SetupCb.filter(F.action == "nick_skip"), StateFilter(Setup.nickname))
    router.message.register(nickname_typed, StateFilter(Setup.nickname), *text)
    router.callback_query.register(birth_year, SetupCb.filter(F.action == "y"), StateFilter(Setup.birth))
    router.callback_query.register(birth_month, SetupCb.filter(F.action == "m"), StateFilter(Setup.birth))
    router.message.register(birth_typed, StateFilter(Setup.birth), *text)
    router.callback_query.register(more, SetupCb.filter(F.action == "more"), StateFilter(Setup.more))
    router.callback_query.register(kids_done, SetupCb.filter(F.action == "kids_done"), StateFilter(Setup.more))
    router.callback_query.register(quick_start, SetupCb.filter(F.action == "quick"), StateFilter(Setup.more))
    router.callback_query.register(first_prompt, SetupCb.filter(F.action.in_({"first_now", "first_wait"})))
    return router


def setup_stale() -> Router:
    """After the plan steps: any other set-up button is a step that has passed."""
    router = Router(name="onboarding.stale")
    router.callback_query.register(stale_step, SetupCb.filter())
    router.callback_query.register(stale_step, F.data.startswith("ob:"))
    return router
