"""/settings (with editing children), /pause, /resume, /export, /delete."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot import keyboards as K
from bot import texts as T
from bot.callbacks import DeleteCb, PauseCb, SettingsCb
from bot.clock import Clock
from bot.content import Library
from bot.domain.parsing import parse_date
from bot.handlers.states import Pausing, Setup
from bot.handlers.therapist import notify
from bot.handlers.util import Fresh, Ready, ask, cb_message, need_ready, next_text
from bot.handlers.views import show_children, show_settings
from bot.render import h
from bot.services.families import FamilyService, Who
from bot.services.household import HouseholdService
from bot.services.therapists import TherapistService

HTML = ParseMode.HTML


async def settings_cmd(message: Message, state: FSMContext, who: Who, families: FamilyService) -> None:
    await state.clear()
    await show_settings(message, who, families)


async def settings_button(
    query: CallbackQuery,
    callback_data: SettingsCb,
    state: FSMContext,
    who: Who,
    families: FamilyService,
    library: Library,
    clock: Clock,
) -> None:
    msg = cb_message(query)
    if msg is None:
        await query.answer(T.BUTTON_NOT_YOURS, show_alert=True)
        return
    action, child_id = callback_data.action, callback_data.child_id
    view = await families.view(who.family_id)
    child = next((c for c in view.children if c.id == child_id), None)
    if action in ("rm", "edit", "nick", "birth") and child is None:
        await query.answer(T.BUTTON_NOT_YOURS, show_alert=True)
        return
    if action == "rm":
        try:
            ok = await families.remove_child(who.family_id, child_id)
        except ValueError:
            await query.answer("A family needs at least one child. Add another first.", show_alert=True)
            return
        await query.answer("Removed." if ok else T.BUTTON_NOT_YOURS)
        await show_children(msg, who, families, library)
        return
    await query.answer()
    if action in ("time", "days", "tz"):
        new_state = {"time": Setup.time, "days": Setup.days, "tz": Setup.timezone}[action]
        await state.set_state(new_state)
        await state.update_data(mode="settings")
        if action == "time":
            await msg.answer(T.ASK_TIME, parse_mode=HTML, reply_markup=K.times())
        elif action == "days":
            await msg.answer(T.ASK_DAYS, parse_mode=HTML, reply_markup=K.cadences())
        else:
            await msg.answer(T.ASK_TZ, parse_mode=HTML, reply_markup=K.timezones(view.timezone))
    elif action == "nudges":
        await families.update_plan(who.family_id, nudges_enabled=not view.nudges_enabled)
        await show_settings(msg, who, families, prefix=f"🔔 Reminders {'off' if view.nudges_enabled else 'on'}.")
    elif action == "children":
        await show_children(msg, who, families, library)
    elif action == "addchild":
        await state.set_state(Setup.nickname)
        await state.update_data(mode="settings", nick=None)
        await msg.answer(T.ASK_NICKNAME_MORE, reply_markup=K.skip_nickname())
    elif action == "edit" and child is not None:
        name = h(child.nickname) or "this child"
        await msg.answer(
            f"✏️ <b>{name}</b>, born {child.birth_year}-{child.birth_month:02d}. What would you like to change?",
            parse_mode=HTML,
            reply_markup=K.edit_child(child.id),
        )
    elif action == "nick":
        await state.set_state(Setup.nickname)
        await state.update_data(mode="edit", child_id=child_id)
        await msg.answer("What should I call this child? Type a nickname (up to 32 characters).")
    elif action == "birth":
        await state.set_state(Setup.birth)
        await state.update_data(mode="edit", child_id=child_id)
        await msg.answer(T.ask_birth(None), parse_mode=HTML, reply_markup=K.birth_years(clock.now().date()))
    elif action == "back":
        await show_settings(msg, who, families)
    else:
        await msg.answer(T.BUTTON_EXPIRED)


# ---- pause and resume ---------------------------------------------------------------------------


async def pause_cmd(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(T.PAUSE_ASK, parse_mode=HTML, reply_markup=K.pause())


async def pause_button(
    query: CallbackQuery, callback_data: PauseCb, state: FSMContext, who: Who, families: FamilyService, clock: Clock
) -> None:
    msg = cb_message(query)
    if msg is None:
        await query.answer(T.BUTTON_NOT_YOURS, show_alert=True)
        return
    action = callback_data.action
    await query.answer()
    if action == "menu":
        await msg.answer(T.PAUSE_ASK, parse_mode=HTML, reply_markup=K.pause())
    elif action in ("7", "14"):
        view = await families.view(who.family_id)
        today = clock.now().astimezone(ZoneInfo(view.timezone)).date()
        await _pause_until(msg, who, families, today + timedelta(days=int(action)))
    elif action == "date":
        await ask(state, clock, Pausing.until)
        await msg.answer(T.PAUSE_ASK_DATE, parse_mode=HTML)
    elif action == "resume":
        await _resume(msg, who, families)
    else:
        await msg.answer(T.BUTTON_EXPIRED)


async def pause_date(
    message: Message, state: FSMContext, who: Who | None, families: FamilyService, clock: Clock
) -> None:
    if who is None:
        await state.clear()
        return
    view = await families.view(who.family_id)
    today = clock.now().astimezone(ZoneInfo(view.timezone)).date()
    until = parse_date((message.text or "")[:100], today)
    if until is None:
        await message.answer(T.PAUSE_DATE_UNCLEAR, parse_mode=HTML)
        return
    if until <= today:
        await message.answer(T.PAUSE_DATE_PAST)
        return
    if until > today + timedelta(days=366):
        await message.answer(T.PAUSE_DATE_FAR)
        return
    await state.clear()
    await _pause_until(message, who, families, until)


async def _pause_until(msg: Message, who: Who, families: FamilyService, until: date) -> None:
    view = await families.pause(who.family_id, until)
    await msg.answer(
        f"⏸ Paused until {until.strftime('%a %d %b')}. No prompts and no reminders until then. "
        f"Next idea: {next_text(view)}. Changed your mind? /resume"
    )


async def resume_cmd(message: Message, state: FSMContext, who: Who, families: FamilyService) -> None:
    await state.clear()
    await _resume(message, who, families)


async def _resume(msg: Message, who: Who, families: FamilyService) -> None:
    before = await families.view(who.family_id)
    view = await families.resume(who.family_id)
    template = T.RESUMED if before.paused_until else T.NOT_PAUSED
    await msg.answer(template.format(next=next_text(view)))


# ---- export and delete ---------------------------------------------------------------------------


async def export_cmd(message: Message, who: Who | None, families: FamilyService, clock: Clock) -> None:
    if who is None:
        await message.answer(T.NEED_START)
        return
    data = await families.export_json(who.family_id)
    name = f"family-export-{clock.now().date().isoformat()}.json"
    await message.answer_document(BufferedInputFile(data, filename=name), caption=T.EXPORT_CAPTION)


async def delete_cmd(message: Message, state: FSMContext, who: Who | None, household: HouseholdService) -> None:
    if who is None:
        await message.answer("There's nothing stored about you. 🌱")
        return
    await state.clear()
    shared = len(await household.members(who.family_id)) > 1
    text = T.DELETE_ASK + (f"\n\n{T.DELETE_SHARED}" if shared else "")
    await message.answer(text, parse_mode=HTML, reply_markup=K.delete_confirm())


async def delete_button(
    query: CallbackQuery,
    callback_data: DeleteCb,
    who: Who | None,
    families: FamilyService,
    therapists: TherapistService,
    bot: Bot,
) -> None:
    msg = cb_message(query)
    if msg is None or who is None:
        await query.answer("There's nothing stored about you.", show_alert=True)
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    if callback_data.action != "yes":
        await msg.answer(T.DELETE_CANCELLED)
        return
    await erase_family(who, families, therapists, bot)
    await msg.answer(T.DELETED)


async def erase_family(who: Who, families: FamilyService, therapists: TherapistService, bot: Bot) -> None:
    """Erase for good, then tell each linked therapist and every other caregiver."""
    leaving = await therapists.leaving_family(who.family_id)
    caregivers = await families.delete_family(who.family_id)
    for chat, label in leaving:
        await notify(
            bot, chat, f"ℹ️ <b>{h(label)}</b> has left the bot and erased its data, so it is no longer in your caseload."
        )
    for chat in caregivers:
        if chat != who.telegram_id:
            await notify(bot, chat, "ℹ️ Your family's data here was erased by a co-parent. Tap /start to begin again.")


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
