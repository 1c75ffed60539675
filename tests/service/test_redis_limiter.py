"""The Redis limiter: two limiter objects (two instances) sharing one Redis share one budget.

Uses TEST_REDIS_URL (default: the local Redis, db 5) and a key prefix of its own per test; skipped when no Redis
answers. Pacing here is real time (Redis TIME is the shared clock), so the figures are kept small.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from redis.asyncio import Redis

from bot.clock import FakeClock
from bot.delivery.limiter import RedisLimiter
from tests.conftest import START

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture
async def pair() -> AsyncIterator[tuple[RedisLimiter, RedisLimiter, FakeClock]]:
    probe = Redis.from_url(REDIS_URL)
    try:
        await probe.ping()
    except Exception as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    finally:
        await probe.aclose()
    prefix = f"test:{uuid.uuid4().hex[:10]}"
    clock = FakeClock(START)
    a = RedisLimiter.from_url(REDIS_URL, rate=20, per_chat_interval=0.5, clock=clock, prefix=prefix)
    b = RedisLimiter.from_url(REDIS_URL, rate=20, per_chat_interval=0.5, clock=clock, prefix=prefix)
    yield a, b, clock
    cleanup = Redis.from_url(REDIS_URL)
    keys = [k async for k in cleanup.scan_iter(f"{prefix}:*")]
    if keys:
        await cleanup.delete(*keys)
    await cleanup.aclose()
    await a.close()
    await b.close()


async def test_two_instances_share_one_rate(pair: tuple[RedisLimiter, RedisLimiter, FakeClock]) -> None:
    a, b, _ = pair
    stamps: list[float] = []

    async def send(lim: RedisLimiter, chat: int) -> None:
        await lim.acquire(chat)
        stamps.append(time.monotonic())

    start = time.monotonic()
    await asyncio.gather(*(send(a if i % 2 else b, 1000 + i) for i in range(24)))
    elapsed = time.monotonic() - start
    # Alone, each would send its 12 in ~0.5 s; sharing 20/s, the 24 need (24 - 2) / 20 = 1.1 s.
    assert elapsed >= 1.0
    # And no one-second window ever holds more than the rate plus the small burst.
    stamps.sort()
    worst = max(sum(1 for t in stamps if s <= t < s + 1.0) for s in stamps)
    assert worst <= 20 + 3


async def test_a_chat_turn_is_shared(pair: tuple[RedisLimiter, RedisLimiter, FakeClock]) -> None:
    a, b, _ = pair
    await a.acquire(77)
    start = time.monotonic()
    await b.acquire(77)
    assert time.monotonic() - start >= 0.45
    start = time.monotonic()
    await b.acquire(78)
    assert time.monotonic() - start < 0.3


async def test_a_reply_finds_a_token_while_the_other_instance_broadcasts(
    pair: tuple[RedisLimiter, RedisLimiter, FakeClock],
) -> None:
    a, b, _ = pair
    pump = asyncio.create_task(asyncio.wait_for(asyncio.gather(*(a.acquire(2000 + i) for i in range(30))), 10))
    await asyncio.sleep(0.4)
    start = time.monotonic()
    await b.acquire(5, priority=True)
    waited = time.monotonic() - start
    await pump
    assert waited < 0.15


async def test_pauses_are_shared_and_scoped(pair: tuple[RedisLimiter, RedisLimiter, FakeClock]) -> None:
    a, b, clock = pair
    assert await a.retry_after(9, 30) == "chat"
    assert await b.paused_until() is None
    # Chat 9 is paused for everyone until the clock passes the pause; chat 10 is not.
    blocked = asyncio.create_task(b.acquire(9, priority=True))
    await b.acquire(10, priority=True)
    await asyncio.sleep(0.3)
    assert not blocked.done()
    clock.advance(seconds=31)
    await asyncio.wait_for(blocked, 2)
    for chat in (11, 12, 13, 14):
        await a.retry_after(chat, 5)
    assert await b.paused_until() == START + timedelta(seconds=31 + 5)
