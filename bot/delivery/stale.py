"""Quiet handling of stale-button errors: an old button pressed again is normal use, not a fault."""

from __future__ import annotations

import contextlib
import logging

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import ErrorEvent

log = logging.getLogger(__name__)

STALE = ("message is not modified", "query is too old", "message to edit not found", "message can't be edited")


def is_stale(exc: BaseException) -> bool:
    return isinstance(exc, TelegramBadRequest) and any(s in exc.message for s in STALE)


def stale_filter(event: ErrorEvent) -> bool:
    return is_stale(event.exception)


async def on_stale_error(event: ErrorEvent) -> bool:
    """The dispatcher's error handler for stale-button errors (see `stale_filter`); other errors pass by."""
    log.info("stale button ignored: %s", event.exception.message.split(":")[0])  # type: ignore[attr-defined]
    query = event.update.callback_query
    if query is not None and "query is too old" not in str(event.exception):
        # Stop the button's spinner; the message itself is already as it should be.
        with contextlib.suppress(TelegramBadRequest):
            await query.answer()
    return True
