"""A fake Telegram Bot API HTTP server for end-to-end tests.

The production bot talks to it through aiogram's real ``AiohttpSession`` and real long polling::

    async with FakeTelegram() as tg:
        session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
        bot = Bot(tg.token, session=session)
        ...
        tg.add_user(42, first_name="Ann")
        await tg.send_text(42, "/start")
        (reply,) = await tg.wait_for(42)

Everything runs on the test's own event loop, so the driver API (``send_text``, ``press``,
``wait_for`` ...) and the HTTP handlers share state without locks; waiting is done on an
``asyncio.Condition`` that every state change notifies, never by sleeping through fixed delays.

Scope: private chats only (chat id == user id), the subset of methods a polling bot needs, and
Telegram-like validation with the descriptions real Telegram returns.  Deliberate differences
from real Telegram are listed in ``FakeTelegram``'s docstring.
"""

from __future__ import annotations

import asyncio
import socket
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from bot.sandbox.driver import _Driver
from bot.sandbox.methods import _Methods
from bot.sandbox.rules import MAX_FILE_SIZE


class FakeTelegram(_Driver, _Methods):
    """In-process fake of the Telegram Bot API (private chats only).

    Deliberate differences from real Telegram:
      * with ``strict_html`` (default) a bare ``&`` in HTML is a parse error (Telegram keeps it);
      * ``parse_mode`` Markdown/MarkdownV2 is accepted but not parsed (text stored verbatim);
      * texts are not trimmed; message ids are per chat and shared by user and bot messages;
      * ``chat_member_update(uid, "kicked"|"member")`` also blocks/unblocks the user.
    """

    async def start(self, sock: socket.socket | None = None) -> None:
        """Listen on ``host:port``, or on ``sock`` when the caller bound it already (the sandbox's preflight)."""
        if self._runner is not None:
            raise RuntimeError("FakeTelegram is already running")
        self._cond = asyncio.Condition()
        self._closing = False
        app = web.Application(client_max_size=MAX_FILE_SIZE + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        for add in self.extra_routes:
            add(app)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        if sock is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if self.port:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            if sock.getsockname()[1] == 0:
                sock.bind((self.host, self.port))
            site = web.SockSite(runner, sock)
            await site.start()
        except BaseException:
            sock.close()
            await runner.cleanup()
            raise
        self._port = int(sock.getsockname()[1])
        self._runner = runner

    async def stop(self) -> None:
        if self._runner is None:
            return
        self._closing = True
        await self._notify()
        await self.webhook.stop()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` — pass to ``TelegramAPIServer.from_base``."""
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://{self.host}:{self._port}"

    def make_bot(self, **kwargs: Any) -> Any:
        """A real ``aiogram.Bot`` wired to this server (caller closes ``bot.session``)."""
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        session = AiohttpSession(api=TelegramAPIServer.from_base(self.base_url))
        return Bot(self.token, session=session, **kwargs)
