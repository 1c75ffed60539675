"""Send slots at Telegram's rate: a sliding window kept on the times requests really left, and two lanes.

Telegram counts the messages that *arrive* in any one-second window. A token bucket paced by timers lets a
late timer (a busy event loop, a loaded machine) be made up with a burst, and a burst arriving bunched with the
messages before it is a 429. So the window here is the one Telegram keeps, applied to the moment each request
was really let go:

  * at most `count` sends in any `span` seconds, `span` being Telegram's window stretched by the safety margin
    (RATE_MARGIN): the margin is what absorbs the network's jitter between our clock and Telegram's;
  * an even pace of `rate / (1 + margin)` on a schedule: a send that left late (a slow loop, a late timer) is
    made up for by the next ones, when it is at most CATCH_UP seconds late (more is an idle spell);
  * a minimum gap of half the pace between two sends, so catching up is never one burst;
  * `SlotWindow` (this process) also stretches a send's window by how much longer than the fastest round trip
    the request `count` sends back took: a request held up on its way (a stalled loop, a slow network) arrives
    late, and the sends after it must not arrive bunched behind it. Capped, so a hung request costs little.

`Lanes` hands the slots out one at a time from two queues, the reply lane first: a reply never waits behind the
broadcasts already queued, only for the next free slot.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

WINDOW = 1.0  # Telegram's flood-control window, seconds
CATCH_UP = 0.5  # seconds of late sends the pace may make up for
# How long a slow round trip may hold up the window: one that came back (Telegram saw it by then) up to a second;
# one still out (it may hang until its timeout, never counted) a quarter of one.
MAX_STRETCH = 1.0
MAX_STRETCH_OUT = 0.25
MIN_GAP_FROM = 0.004  # seconds of pace below which no minimum gap is kept
RTT_SAMPLES = 64  # round trips the fastest one is taken from
PAUSE_POLL = 0.25  # a paused runner re-checks the clock this often (tests move it)


@dataclass(eq=False)
class Grant:
    """One send slot: when it was given (monotonic) and when the request's answer came back."""

    at: float
    answered: float | None = None


def min_gap(pace: float) -> float:
    """Half the pace; none at paid-broadcast rates, where timers are too coarse for it (the window still holds)."""
    return pace / 2 if pace >= MIN_GAP_FROM else 0.0


def window_for(rate: float, margin: float) -> tuple[int, float]:
    """(count, span): at most `count` sends in any `span` seconds, which is `rate`/s less the margin."""
    count = max(1, round(rate * WINDOW))
    return count, count / rate * (1.0 + margin)


class SlotWindow:
    """The window in this process, on the times requests left and came back."""

    def __init__(self, rate: float, margin: float, monotonic: Callable[[], float]) -> None:
        self.count, self.span = window_for(rate, margin)
        self.pace = self.span / self.count
        self.gap = min_gap(self.pace)
        # Half the margin absorbs small round-trip jitter; only a request later than that stretches the window.
        self.slack = (self.span - self.count / rate) / 2
        self._mono = monotonic
        self._due = -math.inf  # when the next send is due on the even pace
        self._given: deque[Grant] = deque(maxlen=self.count)
        self._rtts: deque[float] = deque(maxlen=RTT_SAMPLES)

    def free_in(self) -> float:
        """Seconds until a slot is free (0: now)."""
        if not self._given:
            return 0.0
        now = self._mono()
        ready = max(self._given[-1].at + self.gap, self._due, self._window_ready(now))
        return max(0.0, ready - now)

    def _window_ready(self, now: float) -> float:
        if len(self._given) < self.count:
            return -math.inf
        oldest = self._given[0]
        return oldest.at + self.span + self._stretch(oldest, now)

    def _stretch(self, grant: Grant, now: float) -> float:
        if not self._rtts:
            return 0.0
        floor = min(self._rtts) + self.slack
        if grant.answered is None:  # still out: Telegram may count it as late as now
            return min(max(0.0, now - grant.at - floor), MAX_STRETCH_OUT)
        return min(max(0.0, grant.answered - grant.at - floor), MAX_STRETCH)

    def take(self) -> Grant:
        now = self._mono()
        if now - self._due > CATCH_UP:
            self._due = now + self.pace  # idle a while: a fresh start, nothing to make up
        else:
            # Behind the pace by a little (a late timer): the next sends make up for it. Held back by the window
            # instead: that was no lateness, so nothing to make up.
            self._due = max(self._due, self._window_ready(now)) + self.pace
        grant = Grant(now)
        self._given.append(grant)
        return grant

    def answered(self, grant: Grant) -> None:
        if grant.answered is None:
            grant.answered = self._mono()
            self._rtts.append(grant.answered - grant.at)


class Lanes:
    """Hands out slots to waiters one at a time, the reply lane (priority) first.

    `take` gives a slot and returns it, or returns the seconds to wait before asking again; it also says how long
    a pause lasts. One runner task asks on behalf of every waiter, so the head of the reply lane always gets the
    next free slot.
    """

    def __init__(
        self,
        take: Callable[[bool], Awaitable[Grant | float]],
        sleep: Callable[[float], Awaitable[None]],
        unused: Callable[[Grant], None] = lambda _grant: None,
    ) -> None:
        self._take = take
        self._sleep = sleep
        self._unused = unused
        self._lanes: tuple[deque[asyncio.Future[Grant]], deque[asyncio.Future[Grant]]] = (deque(), deque())
        self._runner: asyncio.Task[None] | None = None

    @property
    def waiting(self) -> int:
        return sum(1 for lane in self._lanes for f in lane if not f.done())

    async def slot(self, priority: bool) -> Grant:
        fut: asyncio.Future[Grant] = asyncio.get_running_loop().create_future()
        self._lanes[0 if priority else 1].append(fut)
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
        try:
            return await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():  # given, but its caller is gone: nothing will be sent
                self._unused(fut.result())
            raise

    def _head(self, lane: deque[asyncio.Future[Grant]]) -> asyncio.Future[Grant] | None:
        while lane and lane[0].done():  # cancelled while waiting
            lane.popleft()
        return lane[0] if lane else None

    async def _run(self) -> None:
        try:
            while True:
                reply, other = self._head(self._lanes[0]), self._head(self._lanes[1])
                head = reply or other
                if head is None:
                    return
                got = await self._take(reply is not None)
                if isinstance(got, Grant):
                    # The head may have been cancelled while the slot was asked for: the next one gets it.
                    head = self._head(self._lanes[0]) or self._head(self._lanes[1])
                    if head is not None:
                        (self._lanes[0] if self._lanes[0] and self._lanes[0][0] is head else self._lanes[1]).popleft()
                        head.set_result(got)
                    continue
                await self._sleep(got)
        except BaseException as exc:
            # Nobody must wait forever on a runner that died (a Redis error, say): they get its error.
            for lane in self._lanes:
                while lane:
                    fut = lane.popleft()
                    if not fut.done():
                        if isinstance(exc, Exception):
                            fut.set_exception(exc)
                        else:
                            fut.cancel()
            if not isinstance(exc, Exception):
                raise
        finally:
            self._runner = None

    async def close(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            await asyncio.gather(self._runner, return_exceptions=True)


def ms(seconds: float) -> int:
    return max(1, math.ceil(seconds * 1000))
