"""/history, /settings, /pause, /resume, /export, /delete."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot import keyboards as K
from bot import texts as T
from bot.clock import Clock
from bot.config import Settings
from bot.content import Library
from bot.domain.parsing import parse_date
from bot.handlers.states import Pausing, Setup
from bot.handlers.util import Fresh, ask, cb_message, next_text, parse_int, when_local
from bot.handlers.views import show_children, show_settings
from bot.render import fit, h, outcome_label, skill_label
from bot.services.deliveries import DeliveryService
from bot.services.families import FamilyService, Who

router = Router(name="account")
HTML = ParseMode.HTML


def _ready(who: Who | None) -> str | None:
    if who is None:
        return T.NEED_START
    if not who.onboarded:
        return T.NEED_SETUP
    return None


# ---- history ---------------------------------------------------------------------------------------


@router.message(Command("history"))
async def history(
    message: Message, state: FSMContext, who: Who | None, deliveries: DeliveryService, families: FamilyService
) -> None:
    if problem := _ready(who):
        await message.answer(problem)
        return
    assert who is not None
    await state.clear()
    view = await families.view(who.family_id)
    hist = await deliveries.history(who.family_id)
    if not hist.recent:
        await message.answer("📖 No prompts yet. Your first one comes " + next_text(view) + ", or try /prompt now.")
        return
    lines = ["📖 <b>Your recent prompts</b>", ""]
    for item in hist.recent:
        when = when_local(item.sent_at or item.slot_at, view.timezone).split(" at ")[0]
        for_whom = f" ({h(item.child_nickname)})" if item.child_nickname else ""
        lines.append(f"• {when} — {h(item.title)}{for_whom} — {outcome_label(item.outcome, item.rating)}")
    lines.append("")
    if hist.tried_by_skill:
        lines.append("<b>Tried, by skill:</b>")
        lines += [f"  {skill_label(k)}: {v}" for k, v in hist.tried_by_skill.items()]
        lines.append("")
    lines.append(f"Sent {hist.sent} · tried {hist.tried} · skipped {hist.skipped}")
    if hist.streak_weeks:
        weeks = "week" if hist.streak_weeks == 1 else "weeks in a row"
        lines.append(f"🔥 Streak: {hist.streak_weeks} {weeks} with at least one try.")
    else:
        lines.append("Try one this week to start a streak 🌱")
    await message.answer(fit("\n".join(lines)), parse_mode=HTML)


# ---- settings -------------------------------------------------------------------------------------


@router.message(Command("settings"))
async def settings_cmd(message: Message, state: FSMContext, who: Who | None, families: FamilyService) -> None:
    if problem := _ready(who):
        await message.answer(problem)
        return
    assert who is not None
    await state.clear()
    await show_settings(message, who, families)


@router.callback_query(F.data.startswith("st:"))
async def settings_button(
    query: CallbackQuery,
    state: FSMContext,
    who: Who | None,
    families: FamilyService,
    settings: Settings,
    library: Library,
    clock: Clock,
) -> None:
    msg = cb_message(query)
    if msg is None or who is None or not who.onboarded:
        await query.answer(T.BUTTON_NOT_YOURS, show_alert=True)
        return
    action = (query.data or "")[3:]
    if not action.startswith("rm:"):
        await query.answer()
    if action == "time":
        await state.set_state(Setup.time)
        await state.update_data(mode="settings")
        await msg.answer(T.ASK_TIME, parse_mode=HTML, reply_markup=K.times())
    elif action == "days":
        await state.set_state(Setup.days)
        await state.update_data(mode="settings")
        await msg.answer(T.ASK_DAYS, parse_mode=HTML, reply_markup=K.cadences())
    elif action == "tz":
        await state.set_state(Setup.timezone)
        await state.update_data(mode="settings")
        view = await families.view(who.family_id)
        await msg.answer(T.ASK_TZ, parse_mode=HTML, reply_markup=K.timezones(view.timezone))
    elif action == "nudges":
        view = await families.view(who.family_id)
        await families.update_plan(who.family_id, nudges_enabled=not view.nudges_enabled)
        await show_settings(msg, who, families, prefix=f"🔔 Reminders {'off' if view.nudges_enabled else 'on'}.")
    elif action == "children":
        await show_children(msg, who, families, library)
    elif action == "addchild":
        await state.set_state(Setup.nickname)
        await state.update_data(mode="settings", nick=None)
        await msg.answer(T.ASK_NICKNAME_MORE, reply_markup=K.skip_nickname())
    elif action.startswith("rm:"):
        child_id = parse_int(action[3:])
        try:
            ok = child_id is not None and await families.remove_child(who.family_id, child_id)
        except ValueError:
            await query.answer("A family needs at least one child. Add another first.", show_alert=True)
            return
        if not ok:
            await query.answer(T.BUTTON_NOT_YOURS, show_alert=True)
            return
        await query.answer("Removed.")
        await show_children(msg, who, families, library)
    elif action == "back":
        await show_settings(msg, who, families)
    else:
        await msg.answer(T.BUTTON_EXPIRED)


# ---- pause and resume ---------------------------------------------------------------------------


@router.message(Command("pause"))
async def pause_cmd(message: Message, state: FSMContext, who: Who | None) -> None:
    if problem := _ready(who):
        await message.answer(problem)
        return
    await state.clear()
    await message.answer(T.PAUSE_ASK, parse_mode=HTML, reply_markup=K.pause())


@router.callback_query(F.data.startswith("pz:"))
async def pause_button(
    query: CallbackQuery, state: FSMContext, who: Who | None, families: FamilyService, clock: Clock
) -> None:
    msg = cb_message(query)
    if msg is None or who is None or not who.onboarded:
        await query.answer(T.BUTTON_NOT_YOURS, show_alert=True)
        return
    action = (query.data or "")[3:]
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


@router.message(StateFilter(Pausing.until), F.text, ~F.text.startswith("/"), Fresh())
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


@router.message(Command("resume"))
async def resume_cmd(message: Message, state: FSMContext, who: Who | None, families: FamilyService) -> None:
    if problem := _ready(who):
        await message.answer(problem)
        return
    assert who is not None
    await state.clear()
    await _resume(message, who, families)


async def _resume(msg: Message, who: Who, families: FamilyService) -> None:
    before = await families.view(who.family_id)
    view = await families.resume(who.family_id)
    template = T.RESUMED if before.paused_until else T.NOT_PAUSED
    await msg.answer(template.format(next=next_text(view)))


# ---- export and delete ---------------------------------------------------------------------------


@router.message(Command("export"))
async def export_cmd(message: Message, who: Who | None, families: FamilyService, clock: Clock) -> None:
    if who is None:
        await message.answer(T.NEED_START)
        return
    data = await families.export_json(who.family_id)
    name = f"family-export-{clock.now().date().isoformat()}.json"
    await message.answer_document(BufferedInputFile(data, filename=name), caption=T.EXPORT_CAPTION)


@router.message(Command("delete"))
async def delete_cmd(message: Message, state: FSMContext, who: Who | None) -> None:
    if who is None:
        await message.answer("There's nothing stored about you. 🌱")
        return
    await state.clear()
    await message.answer(T.DELETE_ASK, parse_mode=HTML, reply_markup=K.delete_confirm())


@router.callback_query(F.data.in_({"del:yes", "del:no"}))
async def delete_button(query: CallbackQuery, who: Who | None, families: FamilyService) -> None:
    msg = cb_message(query)
    if msg is None or who is None:
        await query.answer("There's nothing stored about you.", show_alert=True)
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    if query.data == "del:no":
        await msg.answer(T.DELETE_CANCELLED)
        return
    await families.delete_family(who.family_id)
    await msg.answer(T.DELETED)
