"""Every Bot API call passes the limiter: an aiogram request middleware on the bot's session.

Calls made inside `broadcast()` (the sender's) take the broadcast lane and hand a 429 back to the sender, which
re-queues the row. Everything else (replies, callback answers, edits) takes the priority lane and is retried
after a 429, never dropped.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from contextvars import ContextVar

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.delivery.limiter import Limiter
from bot.delivery.queue import Job
from bot.metrics import LIMITER_WAIT, RETRY_AFTER, SEND_LATENCY

log = logging.getLogger(__name__)

# Calls that don't send anything to a person: no token needed.
UNLIMITED = frozenset(
    {
        "getUpdates",
        "getMe",
        "setWebhook",
        "deleteWebhook",
        "getWebhookInfo",
        "setMyCommands",
        "getMyCommands",
        "deleteMyCommands",
        "close",
        "logOut",
        "getFile",
        "getChat",
    }
)
# Telegram's flood control counts the bot putting something in a chat; a chat action is not counted.
COUNTED = ("send", "edit", "copy", "forward")
NEW_MESSAGE = ("send", "copy", "forward")
NOT_COUNTED = frozenset({"sendChatAction"})


def is_counted(name: str) -> bool:
    return name.startswith(COUNTED) and name not in NOT_COUNTED


# A reply that keeps meeting 429s is retried this many times before the error reaches the handler.
REPLY_RETRIES = 8
MAX_REPLY_WAIT = 60.0

_lane: ContextVar[str] = ContextVar("bot_send_lane", default="reply")
# The claimed job a sender task is working on: its request is marked as having left, or refused at shutdown.
current_job: ContextVar[Job | None] = ContextVar("bot_send_job", default=None)


class JobReleased(Exception):
    """The engine is stopping and this job's request had not left yet: the row goes back to the queue."""


@contextlib.contextmanager
def broadcast() -> Iterator[None]:
    """Bot API calls in this block use the broadcast lane."""
    token = _lane.set("broadcast")
    try:
        yield
    finally:
        _lane.reset(token)


def in_broadcast() -> bool:
    return _lane.get() == "broadcast"


def _chat_of(method: TelegramMethod[TelegramType]) -> int | None:
    chat = getattr(method, "chat_id", None)
    if isinstance(chat, int):
        return chat
    if isinstance(chat, str) and chat.lstrip("-").isdigit():
        return int(chat)
    return None


class LimiterMiddleware(BaseRequestMiddleware):
    def __init__(self, limiter: Limiter) -> None:
        self.limiter = limiter

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = method.__api_method__
        if name in UNLIMITED:
            return await make_request(bot, method)
        lane = _lane.get()
        priority = lane != "broadcast"
        counted = is_counted(name)
        # Per-chat spacing is for new messages; edits take a slot, callback answers and chat actions none.
        chat = _chat_of(method) if name.startswith(NEW_MESSAGE) else None
        attempt = 0
        while True:
            start = time.perf_counter()
            grant = await self.limiter.acquire(chat, priority=priority, counted=counted)
            sent = time.perf_counter()
            LIMITER_WAIT.labels(lane).observe(sent - start)
            job = current_job.get()
            if job is not None:
                if job.cancel_requested:
                    self.limiter.answered(grant)  # the slot goes unused
                    raise JobReleased
                job.in_http = True
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                scope = await self.limiter.retry_after(_chat_of(method), exc.retry_after)
                RETRY_AFTER.labels(scope).inc()
                log.warning("Telegram asked to wait %ss (%s, %s lane)", exc.retry_after, scope, lane)
                attempt += 1
                if not priority or attempt > REPLY_RETRIES or exc.retry_after > MAX_REPLY_WAIT:
                    raise
            finally:
                self.limiter.answered(grant)
                SEND_LATENCY.labels(lane).observe(time.perf_counter() - sent)
