"""The fake Bot API's state, and the helpers its driver, checks and methods share."""

from __future__ import annotations

import asyncio
import copy
import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.sandbox.errors import _bad
from bot.sandbox.models import (
    ApiCall,
    CallbackAnswer,
    FakeUser,
    SentDocument,
    SentMessage,
    _CallbackQuery,
    _Chat,
    _Fault,
)
from bot.sandbox.network import Network
from bot.sandbox.rules import DEFAULT_TOKEN

_Handler = Callable[[dict[str, Any]], Awaitable[Any]]
Predicate = Callable[[SentMessage], bool]


class _Core:
    """State shared by the server's parts, and the helpers they all use."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "coach_test_bot",
        bot_first_name: str = "Coach Test Bot",
        host: str = "127.0.0.1",
        strict_html: bool = True,
        per_chat_limit: float | None = None,
        network: Network | None = None,
        port: int = 0,
    ) -> None:
        left, sep, right = token.partition(":")
        if not sep or not left.isdigit() or not right:
            raise ValueError("token must look like '<digits>:<secret>' (aiogram validates it)")
        self.token = token
        self.host = host
        self.port = port
        """Port to listen on; 0 (tests) picks a free one."""
        self.now: Callable[[], float] = time.time
        """Seconds since the epoch for message dates; the sandbox passes its movable clock."""
        self.extra_routes: list[Callable[[web.Application], None]] = []
        """Called with the server's aiohttp app before it starts: the sandbox adds its chat page here."""
        self.strict_html = strict_html
        self.network = network or Network()
        """Latency, Telegram's flood limits and injected faults (see ``tests/fakebot/network.py``)."""
        self.per_chat_limit: float | None = per_chat_limit
        """Max messages per second to one chat; exceeding it answers 429 with retry_after=1."""
        self.bot_user = FakeUser(
            id=int(left), first_name=bot_first_name, username=bot_username, language_code=None, is_bot=True
        )
        self.calls: list[ApiCall] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.webhook_url = ""
        from bot.sandbox.webhook import WebhookPusher  # local: keeps the webhook side a separate add-on

        self.webhook = WebhookPusher(self)
        """Delivers updates while a webhook is set; tests point it at the bot with ``route_webhook``."""

        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, _Chat] = {}
        self._pending: list[dict[str, Any]] = []
        self._update_ids = itertools.count(100_000_001)
        self._query_ids = itertools.count(7_000_000_001)
        self._file_ids = itertools.count(1)
        self._files: dict[str, SentDocument] = {}
        self._queries: dict[str, _CallbackQuery] = {}
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._faults: list[_Fault] = []
        self._cond: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing = False
        self._polls_waiting = 0
        self._poll_generation = 0
        self._poll_count = 0
        self._inflight = 0
        self._activity = 0
        self._handlers: dict[str, _Handler] = self._method_table()

    # ---------------------------------------------------------------- internals: state helpers

    def _is_idle(self) -> bool:
        listening = self._polls_waiting > 0 or (bool(self.webhook_url) and not self.webhook.busy)
        return listening and not self._pending and self._inflight == 0

    def _chat_events(self, chat_id: int) -> list[SentMessage]:
        chat = self._chats.get(chat_id)
        return chat.events if chat else []

    def _chat_for_driver(self, user_id: int) -> _Chat:
        chat = self._chats.get(user_id)
        if chat is None:
            raise AssertionError(f"unknown fake user {user_id}; call tg.add_user() or tg.send_text() first")
        return chat

    def _log(self, chat: _Chat, line: str) -> None:
        chat.log.append(line)

    def _member_api(self, status: str) -> dict[str, Any]:
        member: dict[str, Any] = {"status": status, "user": self.bot_user.to_api()}
        if status == "kicked":
            member["until_date"] = 0
        return member

    async def _notify(self) -> None:
        if self._cond is None:
            return
        async with self._cond:
            self._cond.notify_all()

    async def _wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:  # noqa: ASYNC109
        if self._cond is None:
            raise RuntimeError("FakeTelegram is not started")
        try:
            async with self._cond:
                async with asyncio.timeout(timeout):
                    await self._cond.wait_for(predicate)
        except TimeoutError:
            return predicate()
        return True

    @property
    def closing(self) -> bool:
        return self._closing

    @property
    def version(self) -> int:
        """Grows with every change of state: a watcher compares it to what it last saw."""
        return self._activity

    async def wait_changed(self, seen: int, timeout: float) -> int:  # noqa: ASYNC109
        """Wait until ``version`` differs from ``seen`` (or the server closes, or timeout); return it."""
        await self._wait_until(lambda: self._activity != seen or self._closing, timeout)
        return self._activity

    async def touch(self) -> None:
        """Tell watchers something changed outside the Bot API (the sandbox's clock moved)."""
        self._activity += 1
        await self._notify()

    async def _enqueue(self, body: dict[str, Any]) -> None:
        update = {"update_id": next(self._update_ids), **body}
        self._pending.append(update)
        self._activity += 1
        await self._notify()

    def _message_api(self, chat: _Chat, sm: SentMessage) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "message_id": sm.message_id,
            "from": self.bot_user.to_api(),
            "chat": chat.user.chat_api(),
            "date": sm.date,
        }
        if sm.edit_date is not None:
            msg["edit_date"] = sm.edit_date
        if sm.reply_to_message_id is not None:
            replied = chat.user_messages.get(sm.reply_to_message_id)
            if replied is None and sm.reply_to_message_id in chat.sent_by_id:
                replied = self._message_api(chat, chat.sent_by_id[sm.reply_to_message_id])
            if replied is not None:
                msg["reply_to_message"] = replied
        if sm.text is not None:
            msg["text"] = sm.text
            if sm.entities:
                msg["entities"] = copy.deepcopy(sm.entities)
        if sm.document is not None:
            doc = sm.document
            msg["document"] = {
                "file_id": doc.file_id,
                "file_unique_id": doc.file_unique_id,
                "file_name": doc.filename,
                "mime_type": doc.mime_type,
                "file_size": len(doc.data),
            }
            if sm.caption:
                msg["caption"] = sm.caption
                if sm.caption_entities:
                    msg["caption_entities"] = copy.deepcopy(sm.caption_entities)
        if sm.inline_markup is not None:
            msg["reply_markup"] = copy.deepcopy(sm.inline_markup)
        return msg

    @staticmethod
    def scope_key(scope: dict[str, Any] | None) -> str:
        """``default``, ``all_private_chats``, ``all_group_chats``, ``all_chat_administrators``,
        ``chat:<id>``, ``chat_administrators:<id>`` or ``chat_member:<chat_id>:<user_id>``."""
        if not scope:
            return "default"
        kind = scope.get("type")
        if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
            return str(kind)
        if kind in ("chat", "chat_administrators"):
            return f"{kind}:{scope.get('chat_id')}"
        if kind == "chat_member":
            return f"chat_member:{scope.get('chat_id')}:{scope.get('user_id')}"
        raise _bad("unsupported bot command scope type")

    def _method_table(self) -> dict[str, _Handler]:
        raise NotImplementedError
