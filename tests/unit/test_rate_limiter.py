"""The token bucket paces sends under Telegram's limits, measured on a fake monotonic clock."""

from __future__ import annotations

import asyncio
import itertools

from bot.sender import RateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.t = 0.0
        self.slept: list[float] = []

    def mono(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds


async def test_global_rate_is_respected() -> None:
    ft = FakeTime()
    limiter = RateLimiter(rate=25, per_chat_interval=1.0, monotonic=ft.mono, sleep=ft.sleep)
    for chat in range(100):
        await limiter.acquire(chat)
    # 25 go at once (a full bucket), the other 75 at 25 per second.
    assert 2.9 <= ft.t <= 3.1


async def test_one_chat_gets_at_most_one_message_per_interval() -> None:
    ft = FakeTime()
    limiter = RateLimiter(rate=25, per_chat_interval=1.0, monotonic=ft.mono, sleep=ft.sleep)
    stamps = []
    for _ in range(4):
        await limiter.acquire(42)
        stamps.append(ft.t)
    assert [round(b - a, 6) for a, b in itertools.pairwise(stamps)] == [1.0, 1.0, 1.0]


async def test_concurrent_callers_are_serialised() -> None:
    ft = FakeTime()
    limiter = RateLimiter(rate=5, per_chat_interval=0, monotonic=ft.mono, sleep=ft.sleep)
    await asyncio.gather(*(limiter.acquire(i) for i in range(15)))
    assert 1.9 <= ft.t <= 2.1
