"""The plan steps of set-up, reused by /settings to change one thing: timezone, time, days."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.enums import ParseMode
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot import keyboards as K
from bot import texts as T
from bot.callbacks import DaysCb, SetupCb
from bot.clock import Clock
from bot.content import Library
from bot.domain.parsing import parse_time, parse_timezone
from bot.domain.places import parse_offset, parse_time_words, resolve_zone, zones_with_offset
from bot.domain.schedule import Cadence, in_quiet_hours
from bot.handlers.states import Setup
from bot.handlers.therapist import show_consent
from bot.handlers.util import cb_message, next_text
from bot.handlers.views import show_settings
from bot.render import h
from bot.services.families import FamilyService, FamilyView, Who
from bot.services.therapists import TherapistService

HTML = ParseMode.HTML


async def tz_button(
    query: CallbackQuery, callback_data: SetupCb, state: FSMContext, who: Who | None, families: FamilyService
) -> None:
    zone = parse_timezone(callback_data.arg)
    msg = cb_message(query)
    if zone is None or msg is None or who is None:
        await query.answer(T.BUTTON_EXPIRED)
        return
    await query.answer(zone)
    await msg.edit_reply_markup(reply_markup=None)
    await set_tz(msg, state, who, families, zone)


async def tz_typed(message: Message, state: FSMContext, who: Who | None, families: FamilyService, clock: Clock) -> None:
    text = (message.text or "")[:100]
    if who is None:
        return
    offset = parse_offset(text)
    if offset is not None:
        # An offset changes with summer time where people live; offer the real zones that have it now.
        zones = zones_with_offset(offset, clock.now())
        if not zones:
            await message.answer(T.TZ_UNKNOWN, parse_mode=HTML)
            return
        await message.answer(
            f"Which of these is yours? They are at {h(text.strip())} right now, and each follows its own summer time.",
            reply_markup=K.timezones_choice(zones),
        )
        return
    zone = await asyncio.to_thread(resolve_zone, text)  # the first call may build the city table
    if zone is None:
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


async def time_button(
    query: CallbackQuery, callback_data: SetupCb, state: FSMContext, who: Who | None, families: FamilyService
) -> None:
    raw = callback_data.arg
    t = parse_time(f"{raw[:2]}:{raw[2:]}") if len(raw) == 4 and raw.isascii() and raw.isdigit() else None
    msg = cb_message(query)
    if t is None or msg is None or who is None:
        await query.answer(T.BUTTON_EXPIRED)
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    await set_time(msg, state, who, families, t.strftime("%H:%M"))


async def time_typed(message: Message, state: FSMContext, who: Who | None, families: FamilyService) -> None:
    t = parse_time_words((message.text or "")[:50])
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


async def days_button(
    query: CallbackQuery,
    callback_data: SetupCb,
    state: FSMContext,
    who: Who | None,
    families: FamilyService,
    library: Library,
    therapists: TherapistService,
) -> None:
    raw = callback_data.arg
    msg = cb_message(query)
    if raw not in Cadence.__members__ or raw == Cadence.custom.value or msg is None or who is None:
        await query.answer(T.BUTTON_EXPIRED)
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    view = await families.update_plan(who.family_id, cadence=Cadence(raw))
    await _days_chosen(msg, state, who, families, library, therapists, view)


async def day_picker(
    query: CallbackQuery,
    callback_data: DaysCb,
    state: FSMContext,
    who: Who | None,
    families: FamilyService,
    library: Library,
    therapists: TherapistService,
) -> None:
    msg = cb_message(query)
    mask = callback_data.mask
    if msg is None or who is None or not 0 <= mask < 128 or not 0 <= callback_data.day <= 7:
        await query.answer(T.BUTTON_EXPIRED)
        return
    if callback_data.action == "toggle":
        if callback_data.day < 7:
            mask ^= 1 << callback_data.day
        # Edit before answering: the next tap must find the new buttons.
        await msg.edit_text(T.ASK_OWN_DAYS, parse_mode=HTML, reply_markup=K.day_picker(mask))
        await query.answer()
        return
    if mask == 0:
        await query.answer("Pick at least one day first.", show_alert=True)
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    view = await families.update_plan(who.family_id, days=frozenset(d for d in range(7) if mask >> d & 1))
    await _days_chosen(msg, state, who, families, library, therapists, view)


async def _days_chosen(
    msg: Message,
    state: FSMContext,
    who: Who,
    families: FamilyService,
    library: Library,
    therapists: TherapistService,
    view: FamilyView,
) -> None:
    if await _settings_mode(state):
        await _back_to_settings(msg, state, who, families, f"📅 Days: {T.days_text(view.cadence.value, view.days)}.")
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
        f"📅 {T.days_text(view.cadence.value, view.days)}\n"
        f"🔔 One gentle reminder if a prompt goes unanswered (change it in /settings)\n\n"
        f"First idea: <b>{next_text(view)}</b>.\n\n{T.FIRST_NOW_OFFER}"
    )
    await msg.answer(summary, parse_mode=HTML, reply_markup=K.first_now())
    if isinstance(pending, str):
        await show_consent(msg, pending, therapists)


async def _settings_mode(state: FSMContext) -> bool:
    return (await state.get_data()).get("mode") == "settings"


async def _back_to_settings(msg: Message, state: FSMContext, who: Who, families: FamilyService, note: str) -> None:
    await state.clear()
    await show_settings(msg, who, families, prefix=note)


def setup() -> Router:
    router = Router(name="plan")
    text = (F.text, ~F.text.startswith("/"))
    router.callback_query.register(tz_button, SetupCb.filter(F.action == "tz"), StateFilter(Setup.timezone))
    router.message.register(tz_typed, StateFilter(Setup.timezone), *text)
    router.callback_query.register(time_button, SetupCb.filter(F.action == "t"), StateFilter(Setup.time))
    router.message.register(time_typed, StateFilter(Setup.time), *text)
    router.callback_query.register(days_button, SetupCb.filter(F.action == "c"), StateFilter(Setup.days))
    router.callback_query.register(day_picker, DaysCb.filter(), StateFilter(Setup.days))
    return router
