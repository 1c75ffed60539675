"""Start-up checks in process, against the fake Bot API: retries with backoff, clear refusals."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot

from bot import preflight
from bot.preflight import StartupError, bind_socket, wait_for_telegram
from tests.fakebot import FakeTelegram


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    b = tg.make_bot()
    yield b
    await b.session.close()


async def test_telegram_errors_at_start_are_retried_with_backoff(
    tg: FakeTelegram, bot: Bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(preflight, "TELEGRAM_FIRST_BACKOFF", 0.05)
    tg.fail_next("getMe", status=502, count=2)
    with caplog.at_level(logging.WARNING, logger="bot.preflight"):
        await wait_for_telegram(bot, tg.base_url, timeout=10)
    retries = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
    assert len(retries) == 2 and all("Telegram is not reachable" in r for r in retries)
    assert [c.status for c in tg.calls if c.method == "getMe"] == [502, 502, 200]


async def test_a_revoked_token_is_not_retried(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("getMe", status=401, description="Unauthorized")
    with pytest.raises(StartupError, match="Telegram rejected BOT_TOKEN"):
        await wait_for_telegram(bot, tg.base_url, timeout=10)
    assert len(tg.calls_to("getMe")) == 1


def test_a_port_in_use_names_the_setting() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(StartupError, match=f"port {port} on 127.0.0.1 is already in use.*WEBHOOK_PORT"):
            bind_socket("127.0.0.1", port, "WEBHOOK_PORT")
