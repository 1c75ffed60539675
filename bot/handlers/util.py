"""Small helpers shared by handlers."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from bot.services.families import FamilyView

MAX_INPUT = 1000


def when_local(dt: datetime | None, tz: str) -> str:
    if dt is None:
        return "not scheduled"
    local = dt.astimezone(ZoneInfo(tz))
    return local.strftime("%a %d %b at %H:%M")


def next_text(view: FamilyView) -> str:
    if not view.active:
        return "paused until you tap /start"
    return when_local(view.next_send_at, view.timezone)


def cb_message(query: CallbackQuery) -> Message | None:
    msg = query.message
    if msg is None or isinstance(msg, InaccessibleMessage):
        return None
    return msg


def parse_int(part: str) -> int | None:
    """Callback fields are untrusted: only plain, bounded decimal numbers pass."""
    if not part.isdigit() or len(part) > 12:
        return None
    return int(part)
