"""The in-process limiter: pacing, per-chat turns that block no one else, the reply lane and scoped 429 pauses.

Pacing runs on virtual time: `sleep` parks the caller on a timer and a driver moves time to the next timer once
every task is parked, so concurrent callers are measured exactly and nothing sleeps for real.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable
from datetime import timedelta
from typing import TypeVar

from bot.clock import FakeClock
from bot.delivery.limiter import LocalLimiter
from tests.conftest import START

T = TypeVar("T")


class VirtualTime:
    def __init__(self, clock: FakeClock | None = None) -> None:
        self.t = 0.0
        self.clock = clock
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def mono(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.t + seconds, next(self._seq), fut))
        await fut

    async def run(self, work: Awaitable[T]) -> T:
        """Run `work`, moving virtual time (and the FakeClock, if any) whenever everyone is asleep."""
        task = asyncio.ensure_future(work)
        while not task.done():
            for _ in range(20):
                await asyncio.sleep(0)
            if task.done() or not self._timers:
                continue
            when, _, fut = heapq.heappop(self._timers)
            if self.clock is not None and when > self.t:
                self.clock.advance(seconds=when - self.t)
            self.t = max(self.t, when)
            fut.set_result(None)
        return task.result()


def limiter(vt: VirtualTime, rate: float = 25, per_chat: float = 0.0, clock: FakeClock | None = None) -> LocalLimiter:
    return LocalLimiter(rate, per_chat, clock or FakeClock(START), monotonic=vt.mono, sleep=vt.sleep)


async def test_broadcast_runs_at_the_rate_after_a_small_burst() -> None:
    vt = VirtualTime()
    lim = limiter(vt, rate=25)

    async def go() -> list[float]:
        stamps = []
        for chat in range(100):
            await lim.acquire(chat)
            stamps.append(vt.t)
        return stamps

    stamps = await vt.run(go())
    # Two go at once (the bucket keeps one token of headroom for replies), then exactly one every 40 ms.
    assert stamps[:2] == [0.0, 0.0]
    assert all(abs((b - a) - 0.04) < 1e-6 for a, b in itertools.pairwise(stamps[1:]))
    assert 98 / 25 - 1e-6 <= vt.t <= 98 / 25 + 1e-6


async def test_concurrent_callers_share_the_bucket() -> None:
    vt = VirtualTime()
    lim = limiter(vt, rate=5)
    await vt.run(asyncio.gather(*(lim.acquire(i) for i in range(15))))
    assert abs(vt.t - 13 / 5) < 1e-6


async def test_one_chat_gets_one_message_per_interval() -> None:
    vt = VirtualTime()
    lim = limiter(vt, rate=25, per_chat=1.0)

    async def go() -> list[float]:
        stamps = []
        for _ in range(4):
            await lim.acquire(42)
            stamps.append(vt.t)
        return stamps

    stamps = await vt.run(go())
    assert [round(b - a, 6) for a, b in itertools.pairwise(stamps)] == [1.0, 1.0, 1.0]


async def test_a_chat_waiting_for_its_turn_blocks_no_other_chat() -> None:
    vt = VirtualTime()
    lim = limiter(vt, rate=25, per_chat=1.0)
    done: dict[str, float] = {}

    async def send(name: str, chat: int) -> None:
        await lim.acquire(chat)
        done[name] = vt.t

    async def go() -> None:
        await send("first", 1)
        await asyncio.gather(send("same chat", 1), send("other chat", 2))

    await vt.run(go())
    assert done["same chat"] == 1.0
    assert done["other chat"] < 0.05


async def test_a_reply_jumps_ahead_of_a_busy_broadcast() -> None:
    vt = VirtualTime()
    lim = limiter(vt, rate=10)
    reply_at: list[float] = []

    async def broadcast() -> None:
        await asyncio.gather(*(lim.acquire(1000 + i) for i in range(50)))

    async def reply() -> None:
        await vt.sleep(2.05)
        start = vt.t
        await lim.acquire(7, priority=True)
        reply_at.append(vt.t - start)

    await vt.run(asyncio.gather(broadcast(), reply()))
    # 50 broadcasts queued ahead of it, yet the reply waits at most one token's time.
    assert reply_at[0] <= 0.1 + 1e-6


async def test_a_429_for_one_chat_pauses_only_that_chat_until_the_clock_passes() -> None:
    clock = FakeClock(START)
    vt = VirtualTime(clock)
    lim = limiter(vt, rate=25, clock=clock)
    assert await lim.retry_after(5, 3) == "chat"
    assert await lim.paused_until() is None
    await vt.run(lim.acquire(6))
    assert vt.t < 0.05
    await vt.run(lim.acquire(5))
    assert clock.now() >= START + timedelta(seconds=3)


async def test_429s_from_several_chats_pause_everything() -> None:
    clock = FakeClock(START)
    vt = VirtualTime(clock)
    lim = limiter(vt, rate=25, clock=clock)
    scopes = [await lim.retry_after(c, 2) for c in (1, 2, 3, 4, 5)]
    assert scopes == ["chat", "chat", "chat", "chat", "global"]
    assert await lim.paused_until() == START + timedelta(seconds=2)
    await vt.run(lim.acquire(99, priority=True))
    assert clock.now() >= START + timedelta(seconds=2)
    assert await lim.paused_until() is None
    # A 429 on a call about no chat at all is global too.
    assert await lim.retry_after(None, 1) == "global"
