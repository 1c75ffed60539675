"""Quiet handling of stale-button errors: an old button pressed again is normal use, not a fault.

* A callback answer that comes too late ("query is too old") only fails to stop a spinner: the request
  middleware reports it as done, so the handler carries on with its real work.
* An edit that changes nothing, or of a message that is gone, ends the handler: the dispatcher's error handler
  logs one quiet line instead of a traceback.
"""

from __future__ import annotations

import contextlib
import logging

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import ErrorEvent

log = logging.getLogger(__name__)

STALE = ("message is not modified", "query is too old", "message to edit not found", "message can't be edited")


def is_stale(exc: BaseException) -> bool:
    return isinstance(exc, TelegramBadRequest) and any(s in exc.message for s in STALE)


def _kind(exc: BaseException) -> str:
    text = str(exc)
    return next((s for s in STALE if s in text), "stale")


class LateAnswerMiddleware(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if not isinstance(method, AnswerCallbackQuery) or "query is too old" not in exc.message:
                raise
            log.info("stale button ignored: %s", _kind(exc))
            return Response[TelegramType](ok=True, result=True)


def stale_filter(event: ErrorEvent) -> bool:
    return is_stale(event.exception)


async def on_stale_error(event: ErrorEvent) -> bool:
    """The dispatcher's error handler for stale-button errors (see `stale_filter`); other errors pass by."""
    log.info("stale button ignored: %s", _kind(event.exception))
    query = event.update.callback_query
    if query is not None:
        # Stop the button's spinner; the message itself is already as it should be.
        with contextlib.suppress(TelegramBadRequest):
            await query.answer()
    return True
