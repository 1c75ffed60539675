"""The plan steps of set-up, reused by /settings to change one thing: timezone, time, days."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.enums import ParseMode
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot import keyboards as K
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
from bot.i18n import Translator
from bot.render import days_text, h
from bot.services.families import FamilyService, FamilyView, Who
from bot.services.therapists import TherapistService

HTML = ParseMode.HTML


async def tz_button(
    query: CallbackQuery,
    callback_data: SetupCb,
    state: FSMContext,
    who: Who | None,
    families: FamilyService,
    t: Translator,
) -> None:
    zone = parse_timezone(callback_data.arg)
    msg = cb_message(query)
    if zone is None or msg is None or who is None:
        await query.answer(t("button-expired"))
        return
    await query.answer(zone)
    await msg.edit_reply_markup(reply_markup=None)
    await set_tz(msg, state, who, families, zone, t)


async def tz_typed(
    message: Message, state: FSMContext, who: Who | None, families: FamilyService, clock: Clock, t: Translator
) -> None:
    text = (message.text or "")[:100]
    if who is None:
        return
    offset = parse_offset(text)
    if offset is not None:
        # An offset changes with summer time where people live; offer the real zones that have it now.
        zones = zones_with_offset(offset, clock.now())
        if not zones:
            await message.answer(t("tz-unknown"), parse_mode=HTML)
            return
        await message.answer(
            t("tz-which-offset", offset=h(text.strip())), parse_mode=HTML, reply_markup=K.timezones_choice(zones)
        )
        return
    zone = await asyncio.to_thread(resolve_zone, text)  # the first call may build the city table
    if zone is None:
        await message.answer(t("tz-unknown"), parse_mode=HTML)
        return
    await set_tz(message, state, who, families, zone, t)


async def set_tz(msg: Message, state: FSMContext, who: Who, families: FamilyService, zone: str, t: Translator) -> None:
    await families.update_plan(who.family_id, timezone=zone)
    if await _settings_mode(state):
        await _back_to_settings(msg, state, who, families, t, t("tz-set", zone=zone))
        return
    await state.set_state(Setup.time)
    await msg.answer(t("tz-got-it", zone=zone), parse_mode=HTML, reply_markup=K.times())


async def time_button(
    query: CallbackQuery,
    callback_data: SetupCb,
    state: FSMContext,
    who: Who | None,
    families: FamilyService,
    t: Translator,
) -> None:
    raw = callback_data.arg
    when = parse_time(f"{raw[:2]}:{raw[2:]}") if len(raw) == 4 and raw.isascii() and raw.isdigit() else None
    msg = cb_message(query)
    if when is None or msg is None or who is None:
        await query.answer(t("button-expired"))
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    await set_time(msg, state, who, families, when.strftime("%H:%M"), t)


async def time_typed(
    message: Message, state: FSMContext, who: Who | None, families: FamilyService, t: Translator
) -> None:
    when = parse_time_words((message.text or "")[:50])
    if when is None or who is None:
        await message.answer(t("time-unclear"), parse_mode=HTML)
        return
    await set_time(message, state, who, families, when.strftime("%H:%M"), t)


async def set_time(
    msg: Message, state: FSMContext, who: Who, families: FamilyService, hhmm: str, t: Translator
) -> None:
    when = parse_time(hhmm)
    assert when is not None
    await families.update_plan(who.family_id, send_time=when)
    # Quiet hours run 21:00-08:00; a time before 08:00 sits in their early-morning end, not the evening.
    part = "morning" if when.hour < 12 else "evening"
    note = "\n" + t("time-quiet-note", part=part) if in_quiet_hours(when) else ""
    if await _settings_mode(state):
        await _back_to_settings(msg, state, who, families, t, t("time-set-settings", time=t.time(when), note=note))
        return
    await state.set_state(Setup.days)
    await msg.answer(t("time-set", time=t.time(when), note=note), parse_mode=HTML, reply_markup=K.cadences(t))


async def days_button(
    query: CallbackQuery,
    callback_data: SetupCb,
    state: FSMContext,
    who: Who | None,
    families: FamilyService,
    library: Library,
    therapists: TherapistService,
    t: Translator,
) -> None:
    raw = callback_data.arg
    msg = cb_message(query)
    if raw not in Cadence.__members__ or raw == Cadence.custom.value or msg is None or who is None:
        await query.answer(t("button-expired"))
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    view = await families.update_plan(who.family_id, cadence=Cadence(raw))
    await _days_chosen(msg, state, who, families, library, therapists, view, t)


async def day_picker(
    query: CallbackQuery,
    callback_data: DaysCb,
    state: FSMContext,
    who: Who | None,
    families: FamilyService,
    library: Library,
    therapists: TherapistService,
    t: Translator,
) -> None:
    msg = cb_message(query)
    mask = callback_data.mask
    if msg is None or who is None or not 0 <= mask < 128 or not 0 <= callback_data.day <= 7:
        await query.answer(t("button-expired"))
        return
    if callback_data.action == "toggle":
        if callback_data.day < 7:
            mask ^= 1 << callback_data.day
        # Edit before answering: the next tap must find the new buttons.
        await msg.edit_text(t("ask-own-days"), parse_mode=HTML, reply_markup=K.day_picker(mask, t))
        await query.answer()
        return
    if mask == 0:
        await query.answer(t("toast-pick-a-day"), show_alert=True)
        return
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    view = await families.update_plan(who.family_id, days=frozenset(d for d in range(7) if mask >> d & 1))
    await _days_chosen(msg, state, who, families, library, therapists, view, t)


async def _days_chosen(
    msg: Message,
    state: FSMContext,
    who: Who,
    families: FamilyService,
    library: Library,
    therapists: TherapistService,
    view: FamilyView,
    t: Translator,
) -> None:
    days = days_text(view.cadence.value, view.days, t)
    if await _settings_mode(state):
        await _back_to_settings(msg, state, who, families, t, t("days-set", days=days))
        return
    view = await families.finish_onboarding(who.family_id)
    pending = (await state.get_data()).get("pending_invite")
    await state.clear()
    kids = ", ".join(
        t("child-with-band", name=h(c.nickname) or t("your-child"), band=t(f"band-{c.band}") if c.band else "—")
        for c in view.children
    )
    summary = t(
        "all-set", children=kids, time=t.time(view.send_time), zone=view.timezone, days=days, next=next_text(view, t)
    )
    await msg.answer(summary, parse_mode=HTML, reply_markup=K.first_now(t))
    if isinstance(pending, str):
        await show_consent(msg, pending, therapists, t)


async def _settings_mode(state: FSMContext) -> bool:
    return (await state.get_data()).get("mode") == "settings"


async def _back_to_settings(
    msg: Message, state: FSMContext, who: Who, families: FamilyService, t: Translator, note: str
) -> None:
    await state.clear()
    await show_settings(msg, who, families, t, prefix=note)


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
