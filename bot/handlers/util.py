"""Small helpers shared by handlers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from bot.clock import Clock
from bot.i18n import Translator
from bot.i18n.catalog import english
from bot.services.families import FamilyView, Who

MAX_INPUT = 1000


def local(dt: datetime, tz: str) -> datetime:
    return dt.astimezone(ZoneInfo(tz))


def when_local(dt: datetime | None, tz: str, t: Translator | None = None) -> str:
    """A day and a time in the zone, in the reader's language: "Tue 3 Mar at 19:00". (``t`` defaults to English
    only while the therapist side is converted.)"""
    t = t or english()
    if dt is None:
        return t("next-not-scheduled")
    return t.when(local(dt, tz))


def day_local(dt: datetime, tz: str, t: Translator) -> str:
    return t.date(local(dt, tz))


def next_text(view: FamilyView, t: Translator) -> str:
    if not view.active:
        return t("next-paused")
    return when_local(view.next_send_at, view.timezone, t)


def cb_message(query: CallbackQuery) -> Message | None:
    msg = query.message
    if msg is None or isinstance(msg, InaccessibleMessage):
        return None
    return msg


def parse_int(part: str) -> int | None:
    """Callback fields are untrusted: only plain, bounded decimal numbers pass."""
    if not (part.isascii() and part.isdigit()) or len(part) > 12:
        return None
    return int(part)


class Fresh(Filter):
    """Matches only while a question we asked is recent. An old wait (a note asked for two days ago) is dropped,
    so the text is handled like any other message instead of being stored as an answer to a stale question."""

    def __init__(self, minutes: int = 30) -> None:
        self.window = timedelta(minutes=minutes)

    async def __call__(self, message: Message, state: FSMContext, clock: Clock) -> bool:
        asked = (await state.get_data()).get("asked_at")
        if isinstance(asked, str):
            try:
                if clock.now() - datetime.fromisoformat(asked) <= self.window:
                    return True
            except ValueError:
                pass
        await state.clear()
        return False


async def ask(state: FSMContext, clock: Clock, new_state: State, **data: Any) -> None:
    """Enter a state that waits for typed text, remembering when we asked."""
    await state.set_state(new_state)
    await state.update_data(asked_at=clock.now().isoformat(), **data)


class Ready(Filter):
    """Passes for a caregiver whose family finished set-up; other callers fall through to a kind answer."""

    async def __call__(self, event: Message | CallbackQuery, who: Who | None) -> bool:
        return who is not None and who.onboarded


async def need_ready(event: Message | CallbackQuery, who: Who | None, t: Translator) -> None:
    """The answer for a family command from someone not set up yet."""
    text = t("need-start") if who is None else t("need-setup")
    if isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)
    else:
        await event.answer(text, parse_mode="HTML")
