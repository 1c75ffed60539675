"""The fake Bot API's network conditions: latency, Telegram's flood limits and injected faults."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError

from tests.fakebot import Chaos, FakeTelegram, Network


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeTelegram, Bot]]:
    async with FakeTelegram() as tg:
        for uid in range(1, 40):
            tg.add_user(uid)
        bot = tg.make_bot()
        yield tg, bot
        await bot.session.close()


async def test_latency_is_added_to_each_request(fake: tuple[FakeTelegram, Bot]) -> None:
    tg, bot = fake
    tg.network.latency = 0.1
    start = time.monotonic()
    await bot.send_message(1, "hello")
    assert time.monotonic() - start >= 0.1


async def test_over_30_a_second_gets_429_with_retry_after(fake: tuple[FakeTelegram, Bot]) -> None:
    tg, bot = fake
    tg.network.global_limit = 30
    for uid in range(1, 31):
        await bot.send_message(uid, "hi")
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(31, "one too many")
    assert info.value.retry_after >= 1
    assert tg.network.rejected == {"global": 1, "chat": 0}
    assert tg.sent(31) == []


async def test_over_the_per_chat_limit_gets_429(fake: tuple[FakeTelegram, Bot]) -> None:
    tg, bot = fake
    tg.network.per_chat_limit = 1
    await bot.send_message(5, "one")
    await bot.send_message(6, "another chat is fine")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(5, "two")
    assert tg.network.rejected == {"global": 0, "chat": 1}


@pytest.mark.parametrize(("kind", "error"), [("5xx", TelegramServerError), ("drop", TelegramNetworkError)])
async def test_injected_faults_deliver_nothing(
    fake: tuple[FakeTelegram, Bot], kind: str, error: type[Exception]
) -> None:
    tg, bot = fake
    tg.network.chaos = Chaos(rate=1.0, kinds=(kind,))
    with pytest.raises(error):
        await bot.send_message(7, "lost in transit")
    assert tg.sent(7) == [] and tg.network.chaos.injected == {kind: 1}


async def test_a_hang_outlasts_the_client_timeout(fake: tuple[FakeTelegram, Bot]) -> None:
    tg, bot = fake
    tg.network.chaos = Chaos(rate=1.0, kinds=("hang",), hang_seconds=5)
    start = time.monotonic()
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(8, "never answered", request_timeout=1)
    assert time.monotonic() - start < 4
    assert tg.sent(8) == []


def test_network_defaults_change_nothing() -> None:
    net = Network()
    assert net.check_flood("sendmessage", 1) is None and net.chaos is None
