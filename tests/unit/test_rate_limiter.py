"""The in-process limiter: an even pace under Telegram's window, per-chat turns that block no one else, the reply
lane and scoped 429 pauses.

Pacing runs on virtual time: `sleep` parks the caller on a timer and a driver moves time to the next timer once
every task is parked, so concurrent callers are measured exactly and nothing sleeps for real.
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
import itertools
import random
from collections.abc import Awaitable
from datetime import timedelta
from typing import TypeVar

import pytest

from bot.clock import FakeClock
from bot.delivery.limiter import LocalLimiter
from bot.delivery.pacing import Grant, Lanes
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


def limiter(
    vt: VirtualTime, rate: float = 25, per_chat: float = 0.0, clock: FakeClock | None = None, margin: float = 0.02
) -> LocalLimiter:
    return LocalLimiter(rate, per_chat, clock or FakeClock(START), margin=margin, monotonic=vt.mono, sleep=vt.sleep)


def busiest_window(stamps: list[float], width: float = 1.0) -> int:
    """The most sends any window of `width` seconds holds (Telegram's count, on the times they left)."""
    stamps = sorted(stamps)
    return max(bisect.bisect_left(stamps, t + width - 1e-9) - i for i, t in enumerate(stamps))


async def test_broadcast_runs_at_an_even_pace_just_under_the_rate() -> None:
    vt = VirtualTime()
    lim = limiter(vt, rate=25)

    async def go() -> list[float]:
        stamps = []
        for chat in range(200):
            grant = await lim.acquire(chat)
            lim.answered(grant)
            stamps.append(vt.t)
        return stamps

    stamps = await vt.run(go())
    pace = 1.02 / 25
    gaps = [round(b - a, 6) for a, b in itertools.pairwise(stamps)]
    # Never a burst: at most twice the pace while the first fifth of a second is made up, then the pace itself.
    assert min(gaps) >= round(pace / 2, 6)
    assert set(gaps[20:]) == {round(pace, 6)}
    assert busiest_window(stamps) <= 25
    rate = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    assert 25 / 1.02 - 1e-6 <= rate <= 25 / 1.02 * 1.03


async def test_concurrent_callers_share_one_pace() -> None:
    vt = VirtualTime()
    lim = limiter(vt, rate=5, margin=0.0)
    stamps: list[float] = []

    async def send(chat: int) -> None:
        await lim.acquire(chat)
        stamps.append(vt.t)

    await vt.run(asyncio.gather(*(send(i) for i in range(40))))
    assert busiest_window(stamps) <= 5
    assert abs(vt.t - 39 / 5) < 1e-6


async def test_a_late_event_loop_is_made_up_for_without_ever_going_over_the_window() -> None:
    """Timers fire up to 60 ms late at random: the window still never holds more than the rate."""
    rng = random.Random(7)
    vt = VirtualTime()
    late_sleep = vt.sleep
    lateness = (0.0,) * 10 + (0.001,) * 5 + (0.002,) * 3 + (0.02, 0.06)

    async def sleep(seconds: float) -> None:
        await late_sleep(seconds + rng.choice(lateness))

    lim = LocalLimiter(30, 0.0, FakeClock(START), margin=0.02, monotonic=vt.mono, sleep=sleep)
    stamps: list[float] = []

    async def worker(chats: range) -> None:
        for chat in chats:
            grant = await lim.acquire(chat)
            stamps.append(vt.t)
            await late_sleep(0.08)
            lim.answered(grant)

    await vt.run(asyncio.gather(*(worker(range(i * 100, i * 100 + 30)) for i in range(16))))
    assert len(stamps) == 480
    assert busiest_window(stamps) <= 30
    assert busiest_window(stamps, 1.02) <= 30  # the margin holds too
    # Late timers cost little: the lateness is made up for while the window allows it.
    assert (len(stamps) - 1) / (stamps[-1] - stamps[0]) >= 30 / 1.02 * 0.95


async def _window_gaps(margin: float, late: dict[int, float]) -> list[float]:
    """Thirty sends at 10/s with 80 ms round trips, some longer: how far apart each is from the send a window
    (ten sends) before it."""
    vt = VirtualTime()
    lim = limiter(vt, rate=10, margin=margin)
    stamps: list[float] = []

    async def answer(grant: Grant | None, rtt: float) -> None:
        await vt.sleep(rtt)
        lim.answered(grant)

    async def go() -> None:
        answers = []
        for chat in range(30):
            grant = await lim.acquire(chat)
            stamps.append(vt.t)
            answers.append(asyncio.create_task(answer(grant, 0.08 + late.get(chat, 0.0))))
        await asyncio.gather(*answers)

    await vt.run(go())
    return [round(b - a, 6) for a, b in zip(stamps, stamps[10:], strict=False)]


async def test_a_request_that_came_back_late_holds_up_the_send_a_window_after_it() -> None:
    # The sixth took 80 ms longer: it may have reached Telegram that late, so the sixteenth waits as much.
    gaps = await _window_gaps(0.0, {5: 0.08})
    assert gaps[5] == round(1.0 + 0.08, 6)
    assert min(gaps) >= 1.0
    # With a margin, half of it absorbs small jitter (10 ms of the 20 here); only the rest stretches.
    gaps = await _window_gaps(0.02, {3: 0.008, 5: 0.08})
    assert gaps[3] == 1.02
    assert gaps[5] == round(1.02 + 0.08 - 0.01, 6)


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


async def test_a_reply_to_a_chat_keeps_its_spacing_from_when_the_prompt_really_left() -> None:
    """The prompt waited in the queue behind other broadcasts; the reply that jumps the queue is spaced from
    when the prompt left, not from when it asked."""
    vt = VirtualTime()
    lim = limiter(vt, rate=5, per_chat=1.0, margin=0.0)
    left: dict[str, float] = {}

    async def send(name: str, chat: int, priority: bool = False) -> None:
        await lim.acquire(chat, priority=priority)
        left[name] = vt.t

    async def reply_later() -> None:
        await vt.sleep(2.05)
        await send("reply", 42, priority=True)

    await vt.run(asyncio.gather(*(send(f"b{i}", 1000 + i) for i in range(10)), send("prompt", 42), reply_later()))
    assert left["prompt"] > 1.5  # it queued behind ten others
    assert left["reply"] - left["prompt"] >= 1.0 - 1e-9


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
    # 50 broadcasts queued ahead of it, yet the reply waits at most one slot.
    assert reply_at[0] <= 1.02 / 10 + 1e-6


async def test_calls_telegram_does_not_count_take_no_slot() -> None:
    vt = VirtualTime()
    lim = limiter(vt, rate=2)
    await vt.run(asyncio.gather(*(lim.acquire(i) for i in range(3))))
    start = vt.t
    assert await vt.run(lim.acquire(None, priority=True, counted=False)) is None
    assert vt.t == start


async def test_a_waiter_that_gives_up_loses_no_slot_and_a_failing_backend_fails_its_waiters() -> None:
    vt = VirtualTime()
    lim = limiter(vt, rate=2, margin=0.0)
    await vt.run(lim.acquire(1))
    gone = asyncio.ensure_future(lim.acquire(2))
    await asyncio.sleep(0)
    gone.cancel()
    await vt.run(lim.acquire(3))
    twin_vt = VirtualTime()
    twin = limiter(twin_vt, rate=2, margin=0.0)
    await twin_vt.run(twin.acquire(1))
    await twin_vt.run(twin.acquire(2))
    assert vt.t == twin_vt.t > 0  # the next slot, not the one after

    async def broken(_priority: bool) -> Grant | float:
        raise ConnectionError("redis went away")

    lanes = Lanes(broken, vt.sleep)
    with pytest.raises(ConnectionError):
        await lanes.slot(priority=True)


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
