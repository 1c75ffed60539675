"""The fake Bot API's webhook side: pushes with the secret header, retries, and 409 for getUpdates meanwhile."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiohttp import web

from tests.fakebot import FakeTelegram


class Receiver:
    """A plain aiohttp endpoint standing in for the bot; answers with `status` and records what came in."""

    def __init__(self) -> None:
        self.status = 200
        self.seen: list[tuple[str, str | None, dict[str, Any]]] = []
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        self.seen.append((request.path, request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.json_response({}, status=self.status)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    b = tg.make_bot()
    yield b
    await b.session.close()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    await r.start()
    yield r
    await r.stop()


async def test_updates_are_pushed_with_the_secret_and_retried_until_accepted(
    tg: FakeTelegram, bot: Bot, receiver: Receiver
) -> None:
    receiver.status = 500
    assert await bot.set_webhook("https://bot.example.org/tg/hook", secret_token="s3cret_-X")
    tg.route_webhook(f"http://127.0.0.1:{receiver.port}")
    await tg.send_text(7, "/start")
    for _ in range(250):  # refused at least once, so it comes again
        if len(receiver.seen) >= 2:
            break
        await asyncio.sleep(0.02)
    assert tg.pending_updates == 1
    receiver.status = 200
    await tg.wait_idle()
    assert tg.pending_updates == 0
    paths = {p for p, _, _ in receiver.seen}
    secrets = {s for _, s, _ in receiver.seen}
    update_ids = {u["update_id"] for _, _, u in receiver.seen}
    assert paths == {"/tg/hook"} and secrets == {"s3cret_-X"} and len(update_ids) == 1
    assert receiver.seen[-1][2]["message"]["text"] == "/start"
    assert [d.status for d in tg.webhook.deliveries][-1] == 200


async def test_get_updates_conflicts_while_a_webhook_is_set(tg: FakeTelegram, bot: Bot) -> None:
    assert await bot.set_webhook("https://bot.example.org/hook", secret_token="abc")
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates(timeout=0)
    assert await bot.delete_webhook(drop_pending_updates=False)
    assert await bot.get_updates(timeout=0) == []


async def test_set_webhook_checks_the_url_and_secret(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="HTTPS URL must be provided"):
        await bot.set_webhook("http://bot.example.org/hook")
    with pytest.raises(TelegramBadRequest, match="secret token contains unallowed characters"):
        await bot.set_webhook("https://bot.example.org/hook", secret_token="no spaces")
