"""/settings (with editing children), /pause, /resume, /export, /delete."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot import keyboards as K
from bot.callbacks import DeleteCb, PauseCb, SettingsCb
from bot.clock import Clock
from bot.content import Library
from bot.domain.parsing import parse_date
from bot.handlers.states import Pausing, Setup
from bot.handlers.therapist import notify, tell_family_left
from bot.handlers.util import Fresh, Ready, ask, cb_message, need_ready, next_text
from bot.handlers.views import child_label, show_children, show_settings
from bot.i18n import Locales, Translator
from bot.render import h
from bot.services.families import FamilyService, Who
from bot.services.household import HouseholdService
from bot.services.therapists import TherapistService

HTML = ParseMode.HTML


async def settings_cmd(message: Message, state: FSMContext, who: Who, families: FamilyService, t: Translator) -> None:
    await state.clear()
    await show_settings(message, who, families, t)


async def settings_button(
    query: CallbackQuery,
    callback_data: SettingsCb,
    state: FSMContext,
    who: Who,
    families: FamilyService,
    library: Library,
    clock: Clock,
    t: Translator,
) -> None:
    msg = cb_message(query)
    if msg is None:
        await query.answer(t("button-not-yours"), show_alert=True)
        return
    action, child_id = callback_data.action, callback_data.child_id
    view = await families.view(who.family_id)
    child = next((c for c in view.children if c.id == child_id), None)
    if action in ("rm", "edit", "nick", "birth") and child is None:
        await query.answer(t("button-not-yours"), show_alert=True)
        return
    if action == "rm":
        try:
            ok = await families.remove_child(who.family_id, child_id)
        except ValueError:
            await query.answer(t("toast-last-child"), show_alert=True)
            return
        await query.answer(t("toast-removed") if ok else t("button-not-yours"))
        await show_children(msg, who, families, t, library)
        return
    await query.answer()
    if action in ("time", "days", "tz"):
        new_state = {"time": Setup.time, "days": Setup.days, "tz": Setup.timezone}[action]
        await state.set_state(new_state)
        await state.update_data(mode="settings")
        if action == "time":
            await msg.answer(t("ask-time"), parse_mode=HTML, reply_markup=K.times())
        elif action == "days":
            await msg.answer(t("ask-days"), parse_mode=HTML, reply_markup=K.cadences(t))
        else:
            await msg.answer(t("ask-tz"), parse_mode=HTML, reply_markup=K.timezones(view.timezone, t))
    elif action == "nudges":
        await families.update_plan(who.family_id, nudges_enabled=not view.nudges_enabled)
        note = t("reminders-now", on="off" if view.nudges_enabled else "on")
        await show_settings(msg, who, families, t, prefix=note)
    elif action == "children":
        await show_children(msg, who, families, t, library)
    elif action == "addchild":
        await state.set_state(Setup.nickname)
        await state.update_data(mode="settings", nick=None)
        await msg.answer(t("ask-nickname-more"), parse_mode=HTML, reply_markup=K.skip_nickname(t))
    elif action == "edit" and child is not None:
        when = child_label(replace(child, nickname=None), t)
        text = (
            t("edit-child", name=h(child.nickname), born=when) if child.nickname else t("edit-child-unnamed", born=when)
        )
        await msg.answer(text, parse_mode=HTML, reply_markup=K.edit_child(child.id, t))
    elif action == "nick":
        await state.set_state(Setup.nickname)
        await state.update_data(mode="edit", child_id=child_id)
        await msg.answer(t("ask-new-nickname"), parse_mode=HTML)
    elif action == "birth":
        await state.set_state(Setup.birth)
        await state.update_data(mode="edit", child_id=child_id)
        await msg.answer(t("ask-birth-unnamed"), parse_mode=HTML, reply_markup=K.birth_years(clock.now().date()))
    elif action == "back":
        await show_settings(msg, who, families, t)
    else:
        await msg.answer(t("button-expired"), parse_mode=HTML)


# ---- pause and resume ---------------------------------------------------------------------------


async def pause_cmd(message: Message, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await message.answer(t("pause-ask"), parse_mode=HTML, reply_markup=K.pause(t))


async def pause_button(
    query: CallbackQuery,
    callback_data: PauseCb,
    state: FSMContext,
    who: Who,
    families: FamilyService,
    clock: Clock,
    t: Translator,
) -> None:
    msg = cb_message(query)
    if msg is None:
        await query.answer(t("button-not-yours"), show_alert=True)
        return
    action = callback_data.action
    await query.answer()
    if action == "menu":
        await msg.answer(t("pause-ask"), parse_mode=HTML, reply_markup=K.pause(t))
    elif action in ("7", "14"):
        view = await families.view(who.family_id)
        today = clock.now().astimezone(ZoneInfo(view.timezone)).date()
        await _pause_until(msg, who, families, today + timedelta(days=int(action)), t)
    elif action == "date":
        await ask(state, clock, Pausing.until)
        await msg.answer(t("pause-ask-date"), parse_mode=HTML)
    elif action == "resume":
        await _resume(msg, who, families, t)
    else:
        await msg.answer(t("button-expired"), parse_mode=HTML)


async def pause_date(
    message: Message, state: FSMContext, who: Who | None, families: FamilyService, clock: Clock, t: Translator
) -> None:
    if who is None:
        await state.clear()
        return
    view = await families.view(who.family_id)
    today = clock.now().astimezone(ZoneInfo(view.timezone)).date()
    until = parse_date((message.text or "")[:100], today)
    if until is None:
        await message.answer(t("pause-date-unclear"), parse_mode=HTML)
        return
    if until <= today:
        await message.answer(t("pause-date-past"), parse_mode=HTML)
        return
    if until > today + timedelta(days=366):
        await message.answer(t("pause-date-far"), parse_mode=HTML)
        return
    await state.clear()
    await _pause_until(message, who, families, until, t)


async def _pause_until(msg: Message, who: Who, families: FamilyService, until: date, t: Translator) -> None:
    view = await families.pause(who.family_id, until)
    await msg.answer(t("paused", day=t.date(until), next=next_text(view, t)), parse_mode=HTML)


async def resume_cmd(message: Message, state: FSMContext, who: Who, families: FamilyService, t: Translator) -> None:
    await state.clear()
    await _resume(message, who, families, t)


async def _resume(msg: Message, who: Who, families: FamilyService, t: Translator) -> None:
    before = await families.view(who.family_id)
    view = await families.resume(who.family_id)
    key = "resumed" if before.paused_until else "not-paused"
    await msg.answer(t(key, next=next_text(view, t)), parse_mode=HTML)


# ---- export and delete ---------------------------------------------------------------------------


async def export_cmd(message: Message, who: Who | None, families: FamilyService, clock: Clock, t: Translator) -> None:
    if who is None:
        await message.answer(t("need-start"), parse_mode=HTML)
        return
    data = await families.export_json(who.family_id)
    name = f"family-export-{clock.now().date().isoformat()}.json"
    await message.answer_document(BufferedInputFile(data, filename=name), caption=t("export-caption"), parse_mode=HTML)


async def delete_cmd(
    message: Message, state: FSMContext, who: Who | None, household: HouseholdService, t: Translator
) -> None:
    if who is None:
        await message.answer(t("nothing-stored"), parse_mode=HTML)
        return
    await state.clear()
    shared = len(await household.members(who.family_id)) > 1
    text = t("delete-ask") + (f"\n\n{t('delete-shared')}" if shared else "")
    await message.answer(text, parse_mode=HTML, reply_markup=K.delete_confirm(t))


async def delete_button(
    query: CallbackQuery,
    callback_data: DeleteCb,
    who: Who | None,
    families: FamilyService,
    therapists: TherapistService,
    household: HouseholdService,
    bot: Bot,
    t: Translator,
    locales: Locales,
) -> None:
    msg = cb_message(query)
    if msg is None or who is None:
        await query.answer(t("toast-nothing-stored"), show_alert=True)
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    if callback_data.action != "yes":
        await msg.answer(t("delete-cancelled"), parse_mode=HTML)
        return
    await erase_family(who, families, therapists, household, bot, locales)
    await msg.answer(t("deleted"), parse_mode=HTML)


async def erase_family(
    who: Who,
    families: FamilyService,
    therapists: TherapistService,
    household: HouseholdService,
    bot: Bot,
    locales: Locales,
) -> None:
    """Erase for good, then tell each linked therapist and every other caregiver (each in their own language,
    read before the rows go)."""
    leaving = await therapists.leaving(who.family_id)
    others = [m for m in await household.members(who.family_id) if m.telegram_id != who.telegram_id]
    await families.delete_family(who.family_id)
    await tell_family_left(bot, locales, leaving)
    for member in others:
        await notify(bot, member.telegram_id, locales.for_person(member.language, None)("erased-by-coparent"))


def setup() -> Router:
    router = Router(name="account")
    ready = Ready()
    router.message.register(settings_cmd, Command("settings"), ready)
    router.message.register(pause_cmd, Command("pause"), ready)
    router.message.register(resume_cmd, Command("resume"), ready)
    router.message.register(need_ready, Command("settings", "pause", "resume"))
    router.callback_query.register(settings_button, SettingsCb.filter(), ready)
    router.callback_query.register(pause_button, PauseCb.filter(), ready)
    router.callback_query.register(need_ready, SettingsCb.filter())
    router.callback_query.register(need_ready, PauseCb.filter())
    router.message.register(pause_date, StateFilter(Pausing.until), F.text, ~F.text.startswith("/"), Fresh())
    router.message.register(export_cmd, Command("export"))
    router.message.register(delete_cmd, Command("delete"))
    router.callback_query.register(delete_button, DeleteCb.filter())
    return router
