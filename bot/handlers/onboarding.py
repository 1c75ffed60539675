"""/start, consent, and the set-up steps (also reused by /settings to change one thing)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ParseMode
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot import keyboards as K
from bot import texts as T
from bot.clock import Clock
from bot.config import Settings
from bot.content import Library
from bot.domain.bands import BirthCheck
from bot.domain.parsing import parse_birth_month, parse_time, parse_timezone
from bot.domain.schedule import Cadence, in_quiet_hours
from bot.handlers.states import Setup
from bot.handlers.therapist import show_consent
from bot.handlers.util import MAX_INPUT, cb_message, next_text, parse_int
from bot.handlers.views import send_prompt_now, show_children, show_settings
from bot.render import h
from bot.sender import Sender
from bot.services.deliveries import DeliveryService
from bot.services.families import FamilyService, Who, clean_nickname
from bot.services.therapists import TherapistService

router = Router(name="onboarding")
HTML = ParseMode.HTML


def invite_code(command: CommandObject | None) -> str | None:
    args = (command.args or "") if command else ""
    return args[2:] if args.startswith("c_") and len(args) > 2 else None


@router.message(CommandStart())
async def start(
    message: Message,
    state: FSMContext,
    who: Who | None,
    families: FamilyService,
    therapists: TherapistService,
    command: CommandObject | None = None,
) -> None:
    code = invite_code(command)
    if who is None:
        await state.clear()
        if code:
            # Remember the therapist's invite through consent and set-up, then show its consent screen.
            await state.update_data(pending_invite=code)
        await message.answer(T.WELCOME, parse_mode=HTML, reply_markup=K.consent())
        return
    reactivated = await families.reactivate(who.telegram_id)
    if not who.onboarded:
        if code:
            await state.update_data(pending_invite=code)
        await resume_setup(message, state, who, families)
        return
    await state.clear()
    if code:
        await show_consent(message, code, therapists)
        return
    view = await families.view(who.family_id)
    template = T.WELCOME_BACK if reactivated else T.ALREADY_SET_UP
    await message.answer(template.format(next=next_text(view)), parse_mode=HTML)


async def resume_setup(message: Message, state: FSMContext, who: Who, families: FamilyService) -> None:
    view = await families.view(who.family_id)
    await state.update_data(mode="setup")
    if not view.children:
        await state.set_state(Setup.nickname)
        await message.answer(T.ASK_NICKNAME, parse_mode=HTML, reply_markup=K.skip_nickname())
    else:
        await state.set_state(Setup.timezone)
        await message.answer(T.ASK_TZ, parse_mode=HTML, reply_markup=K.timezones(view.timezone))


@router.callback_query(F.data == "ob:privacy")
async def privacy_button(query: CallbackQuery) -> None:
    await query.answer()
    if msg := cb_message(query):
        await msg.answer(T.PRIVACY, parse_mode=HTML, reply_markup=K.consent())


@router.callback_query(F.data == "ob:agree")
async def agree(query: CallbackQuery, state: FSMContext, who: Who | None, families: FamilyService) -> None:
    await query.answer()
    msg = cb_message(query)
    if msg is None:
        return
    if who is not None and who.onboarded:
        await msg.answer(T.STEP_GONE)
        return
    who = await families.agree(query.from_user.id, query.from_user.language_code)
    await msg.edit_reply_markup(reply_markup=None)
    await resume_setup(msg, state, who, families)


# ---- child ---------------------------------------------------------------------------------------------


@router.callback_query(F.data == "ob:nick_skip", StateFilter(Setup.nickname))
async def nickname_skip(query: CallbackQuery, state: FSMContext, clock: Clock, families: FamilyService) -> None:
    await query.answer()
    await state.update_data(nick=None)
    await ask_birth(query, state, clock, families, None)


@router.message(StateFilter(Setup.nickname), F.text, ~F.text.startswith("/"))
async def nickname_typed(message: Message, state: FSMContext, clock: Clock, families: FamilyService) -> None:
    text = message.text or ""
    try:
        nick = clean_nickname(text[:MAX_INPUT])
    except ValueError:
        await message.answer(T.NICKNAME_TOO_LONG, reply_markup=K.skip_nickname())
        return
    if nick is None:
        await message.answer(T.NICKNAME_EMPTY, reply_markup=K.skip_nickname())
        return
    await state.update_data(nick=nick)
    await ask_birth(message, state, clock, families, nick)


async def ask_birth(
    target: Message | CallbackQuery, state: FSMContext, clock: Clock, families: FamilyService, nick: str | None
) -> None:
    msg = target if isinstance(target, Message) else cb_message(target)
    if msg is None:
        return
    await state.set_state(Setup.birth)
    await msg.answer(
        T.ask_birth(h(nick) if nick else None), parse_mode=HTML, reply_markup=K.birth_years(clock.now().date())
    )


@router.callback_query(F.data.startswith("ob:y:"), StateFilter(Setup.birth))
async def birth_year(query: CallbackQuery) -> None:
    year = parse_int((query.data or "").split(":")[2])
    msg = cb_message(query)
    if year is None or msg is None:
        await query.answer(T.BUTTON_EXPIRED)
        return
    await query.answer()
    await msg.edit_text(
        f"{msg.html_text}\n\n<b>{year}</b> — {T.BIRTH_PICK_MONTH}", parse_mode=HTML, reply_markup=K.birth_months(year)
    )


@router.callback_query(F.data.startswith("ob:m:"), StateFilter(Setup.birth))
async def birth_month(
    query: CallbackQuery, state: FSMContext, who: Who | None, families: FamilyService, library: Library
) -> None:
    parts = (query.data or "").split(":")
    year = parse_int(parts[2]) if len(parts) == 4 else None
    month = parse_int(parts[3]) if len(parts) == 4 else None
    msg = cb_message(query)
    if year is None or month is None or msg is None or who is None:
        await query.answer(T.BUTTON_EXPIRED)
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    await save_child(msg, state, who, families, library, year, month)


@router.message(StateFilter(Setup.birth), F.text, ~F.text.startswith("/"))
async def birth_typed(
    message: Message, state: FSMContext, who: Who | None, families: FamilyService, library: Library
) -> None:
    parsed = parse_birth_month((message.text or "")[:MAX_INPUT])
    if parsed is None or who is None:
        await message.answer(T.BIRTH_UNCLEAR, parse_mode=HTML)
        return
    await save_child(message, state, who, families, library, *parsed)


BIRTH_MESSAGES = {
    BirthCheck.future: T.BIRTH_FUTURE,
    BirthCheck.too_young: T.BIRTH_TOO_YOUNG,
    BirthCheck.too_old: T.BIRTH_TOO_OLD,
    BirthCheck.invalid: T.BIRTH_INVALID,
}


async def save_child(
    msg: Message, state: FSMContext, who: Who, families: FamilyService, library: Library, year: int, month: int
) -> None:
    check = families.check_birth(year, month)
    if check is not BirthCheck.ok:
        await msg.answer(BIRTH_MESSAGES[check], parse_mode=HTML)
        return
    data = await state.get_data()
    try:
        child = await families.add_child(who.family_id, data.get("nick"), year, month)
    except ValueError:
        await msg.answer("You've added as many children as I can hold. You can remove one in /settings.")
        return
    band_name = library.band(child.band).name if child.band else "—"
    await state.update_data(nick=None)
    if data.get("mode") == "settings":
        await state.set_state(None)
        await show_children(msg, who, families)
        return
    await state.set_state(Setup.more)
    await msg.answer(T.child_added(h(child.nickname), band_name), parse_mode=HTML, reply_markup=K.more_children())


@router.callback_query(F.data == "ob:more", StateFilter(Setup.more))
async def more(query: CallbackQuery, state: FSMContext) -> None:
    await query.answer()
    if msg := cb_message(query):
        await state.set_state(Setup.nickname)
        await msg.answer(T.ASK_NICKNAME_MORE, reply_markup=K.skip_nickname())


@router.callback_query(F.data == "ob:kids_done", StateFilter(Setup.more))
async def kids_done(query: CallbackQuery, state: FSMContext, settings: Settings) -> None:
    await query.answer()
    if msg := cb_message(query):
        await msg.edit_reply_markup(reply_markup=None)
        await state.set_state(Setup.timezone)
        await msg.answer(T.ASK_TZ, parse_mode=HTML, reply_markup=K.timezones(settings.default_timezone))


# ---- plan: timezone, time, days ---------------------------------------------------------------------


@router.callback_query(F.data.startswith("ob:tz:"), StateFilter(Setup.timezone))
async def tz_button(query: CallbackQuery, state: FSMContext, who: Who | None, families: FamilyService) -> None:
    zone = parse_timezone((query.data or "")[len("ob:tz:") :])
    msg = cb_message(query)
    if zone is None or msg is None or who is None:
        await query.answer(T.BUTTON_EXPIRED)
        return
    await query.answer(zone)
    await msg.edit_reply_markup(reply_markup=None)
    await set_tz(msg, state, who, families, zone)


@router.message(StateFilter(Setup.timezone), F.text, ~F.text.startswith("/"))
async def tz_typed(message: Message, state: FSMContext, who: Who | None, families: FamilyService) -> None:
    zone = parse_timezone((message.text or "")[:100])
    if zone is None or who is None:
        await message.answer(T.TZ_UNKNOWN, parse_mode=HTML)
        return
    await set_tz(message, state, who, families, zone)


async def set_tz(msg: Message, state: FSMContext, who: Who, families: FamilyService, zone: str) -> None:
    await families.update_plan(who.family_id, timezone=zone)
    if await _settings_mode(state):
        await _back_to_settings(msg, state, who, families, f"🌍 Timezone set to {zone}.")
        return
    await state.set_state(Setup.time)
    await msg.answer(f"🌍 {zone} — got it.\n\n{T.ASK_TIME}", parse_mode=HTML, reply_markup=K.times())


@router.callback_query(F.data.startswith("ob:t:"), StateFilter(Setup.time))
async def time_button(query: CallbackQuery, state: FSMContext, who: Who | None, families: FamilyService) -> None:
    raw = (query.data or "")[len("ob:t:") :]
    t = parse_time(f"{raw[:2]}:{raw[2:]}") if len(raw) == 4 and raw.isdigit() else None
    msg = cb_message(query)
    if t is None or msg is None or who is None:
        await query.answer(T.BUTTON_EXPIRED)
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    await set_time(msg, state, who, families, t.strftime("%H:%M"))


@router.message(StateFilter(Setup.time), F.text, ~F.text.startswith("/"))
async def time_typed(message: Message, state: FSMContext, who: Who | None, families: FamilyService) -> None:
    t = parse_time((message.text or "")[:50])
    if t is None or who is None:
        await message.answer(T.TIME_UNCLEAR, parse_mode=HTML)
        return
    await set_time(message, state, who, families, t.strftime("%H:%M"))


async def set_time(msg: Message, state: FSMContext, who: Who, families: FamilyService, hhmm: str) -> None:
    t = parse_time(hhmm)
    assert t is not None
    await families.update_plan(who.family_id, send_time=t)
    note = f"\n{T.time_quiet_note(t.hour)}" if in_quiet_hours(t) else ""
    if await _settings_mode(state):
        await _back_to_settings(msg, state, who, families, f"🕖 Time set to {hhmm}.{note}")
        return
    await state.set_state(Setup.days)
    await msg.answer(f"🕖 {hhmm} it is.{note}\n\n{T.ASK_DAYS}", parse_mode=HTML, reply_markup=K.cadences())


@router.callback_query(F.data.startswith("ob:c:"), StateFilter(Setup.days))
async def days_button(
    query: CallbackQuery,
    state: FSMContext,
    who: Who | None,
    families: FamilyService,
    library: Library,
    therapists: TherapistService,
) -> None:
    raw = (query.data or "")[len("ob:c:") :]
    msg = cb_message(query)
    if raw not in Cadence.__members__ or msg is None or who is None:
        await query.answer(T.BUTTON_EXPIRED)
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    view = await families.update_plan(who.family_id, cadence=Cadence(raw))
    if await _settings_mode(state):
        await _back_to_settings(msg, state, who, families, f"📅 Days: {T.CADENCE_LABELS[raw]}.")
        return
    view = await families.finish_onboarding(who.family_id)
    pending = (await state.get_data()).get("pending_invite")
    await state.clear()
    kids = ", ".join(
        f"{h(c.nickname) or 'your child'} ({library.band(c.band).name if c.band else '—'})" for c in view.children
    )
    summary = (
        "🎉 <b>You're all set!</b>\n\n"
        f"👶 {kids}\n"
        f"🕖 {view.send_time.strftime('%H:%M')} ({view.timezone})\n"
        f"📅 {T.CADENCE_LABELS[view.cadence.value]}\n"
        f"🔔 One gentle reminder if a prompt goes unanswered (change it in /settings)\n\n"
        f"First idea: <b>{next_text(view)}</b>.\n\n{T.FIRST_NOW_OFFER}"
    )
    await msg.answer(summary, parse_mode=HTML, reply_markup=K.first_now())
    if isinstance(pending, str):
        await show_consent(msg, pending, therapists)


@router.callback_query(F.data.in_({"ob:first_now", "ob:first_wait"}))
async def first_prompt(query: CallbackQuery, who: Who | None, deliveries: DeliveryService, sender: Sender) -> None:
    msg = cb_message(query)
    if msg is None or who is None or not who.onboarded:
        await query.answer(T.STEP_GONE)
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    if query.data == "ob:first_wait":
        await msg.answer(T.FIRST_WAIT)
        return
    await send_prompt_now(msg, who, deliveries, sender)


# Buttons from a step that has passed (or forged ones) get a kind answer instead of acting.
@router.callback_query(F.data.startswith("ob:"))
async def stale_step(query: CallbackQuery) -> None:
    await query.answer(T.STEP_GONE, show_alert=True)


async def _settings_mode(state: FSMContext) -> bool:
    return (await state.get_data()).get("mode") == "settings"


async def _back_to_settings(msg: Message, state: FSMContext, who: Who, families: FamilyService, note: str) -> None:
    await state.clear()
    await show_settings(msg, who, families, prefix=note)
