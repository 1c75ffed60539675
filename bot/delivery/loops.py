"""The engine's independent loops: dispatch, send, nudges, digests, leases and the outcome writer.

Each is its own asyncio task, so a long fan-out never holds up a nudge, a digest or a reply: they share only
the worker pool and the rate limiter. Loop pacing is real time (they poll); what is due is decided by the
injectable clock, so tests call `tick()` after moving the clock instead of running the loops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from bot.db.gate import background
from bot.delivery.sender import FLUSH_EVERY, Sender
from bot.metrics import LOOP_DURATION, QUEUE_DEPTH

log = logging.getLogger(__name__)

DISPATCH_BATCH = 200
# SQLite has one writer: short dispatch transactions let a reply's in between them.
SQLITE_DISPATCH_BATCH = 20
DEPTH_EVERY = 1.0  # seconds between queue-depth refreshes by the send loop


class Dispatcher(Protocol):
    async def dispatch_due(self, batch: int = ...) -> object: ...
    async def dispatch_assignments(self) -> int: ...


# Queues the due therapist notices (digests, quiet-family alerts) in the outbox; the engine sends them.
QueueNotices = Callable[[], Awaitable[object]]


class Engine:
    def __init__(
        self,
        sender: Sender,
        deliveries: Dispatcher,
        queue_notices: QueueNotices,
        *,
        tick_seconds: float = 30.0,
        send_poll_seconds: float = 1.0,
        dispatch_batch: int = DISPATCH_BATCH,
    ) -> None:
        self.sender = sender
        self._deliveries = deliveries
        self._queue_notices = queue_notices
        self.tick_seconds = tick_seconds
        self.send_poll = send_poll_seconds
        self.dispatch_batch = dispatch_batch
        self.wake_send = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._tick_lock = asyncio.Lock()
        self._stopped = asyncio.Event()

    # ---- one pass of everything, in order (tests, and `App.tick`) ------------------------------------------

    async def tick(self) -> None:
        if self.sender.stopping:
            return
        async with self._tick_lock:
            try:
                await self.sender.queue.recover_expired()
                await self._dispatch_pass()
                await self.sender.drain()
                await self.sender.nudges()
                await self._digest_pass()
            except Exception:
                log.exception("tick failed; the next tick will try again")

    async def _dispatch_pass(self, wake: bool = False) -> None:
        while True:
            result = await self._deliveries.dispatch_due(batch=self.dispatch_batch)
            if wake:  # the send loop starts on the first batch while the next ones are being queued
                self.wake_send.set()
            if getattr(result, "families", 0) < self.dispatch_batch or self.sender.stopping:
                break
        await self._deliveries.dispatch_assignments()
        if wake:
            self.wake_send.set()

    async def _dispatch_loop_pass(self) -> None:
        await self._dispatch_pass(wake=True)

    async def _digest_pass(self) -> None:
        # Due notices are queued in the outbox in the same transaction that moves their date on.
        await self._queue_notices()
        await self.sender.notices()

    async def _nudge_pass(self) -> None:
        while await self.sender.nudges() and not self.sender.stopping:
            pass

    async def _lease_pass(self) -> None:
        if self.sender.held:
            await self.sender.queue.renew()
        await self.sender.queue.recover_expired()

    async def _refresh_depth(self) -> None:
        for kind, depth in (await self.sender.queue.queue_depth()).items():
            QUEUE_DEPTH.labels(kind).set(depth)

    # ---- the loops ---------------------------------------------------------------------------------------

    def start(self) -> None:
        lease = self.sender.queue.lease.total_seconds()
        with background():  # their transactions queue behind a person's (bot.db.gate)
            self._start(lease)

    def _start(self, lease: float) -> None:
        self._tasks = [
            asyncio.create_task(self._every("dispatch", self.tick_seconds, self._dispatch_loop_pass)),
            asyncio.create_task(self._every("nudge", self.tick_seconds, self._nudge_pass)),
            asyncio.create_task(self._every("digest", self.tick_seconds, self._digest_pass)),
            asyncio.create_task(self._every("lease", max(lease / 3, 0.2), self._lease_pass, first=0.0)),
            asyncio.create_task(self._every("writer", FLUSH_EVERY, self.sender.flush)),
            asyncio.create_task(self._send_loop()),
        ]

    async def _every(
        self, name: str, interval: float, work: Callable[[], Awaitable[None]], first: float | None = None
    ) -> None:
        delay = interval if first is None else first
        while not self.sender.stopping:
            if await self._sleep(delay):
                return
            delay = interval
            start = time.perf_counter()
            try:
                await work()
            except Exception:
                log.exception("%s loop pass failed; it will run again", name)
            finally:
                LOOP_DURATION.labels(name).observe(time.perf_counter() - start)

    async def _sleep(self, seconds: float) -> bool:
        """Sleep, or return True at once when the engine stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopped.wait(), seconds)
        return self._stopped.is_set()

    async def _send_loop(self) -> None:
        sender = self.sender
        room = sender.batch + sender.concurrency
        depth_at = 0.0
        logged_pause: datetime | None = None
        while not sender.stopping:
            start = time.perf_counter()
            try:
                if start - depth_at >= DEPTH_EVERY:
                    depth_at = start
                    await self._refresh_depth()
                if (until := await sender.limiter.paused_until()) is not None:
                    if until != logged_pause:
                        logged_pause = until
                        log.warning("sending paused until %s (Telegram flood control)", until.isoformat())
                    if await self._sleep(0.25):
                        return
                    continue
                if sender.held + sender.batch > room:
                    sender.progress.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(sender.progress.wait(), self.send_poll)
                    continue
                jobs = await sender.queue.claim_prompts(sender.batch)
                if not jobs:
                    self.wake_send.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.wake_send.wait(), self.send_poll)
                    continue
                sender.hold(jobs)
                for job in jobs:
                    sender.spawn(job, sender.run_prompt)
            except Exception:
                log.exception("send loop pass failed; it will run again")
                if await self._sleep(1.0):
                    return
            finally:
                LOOP_DURATION.labels("send").observe(time.perf_counter() - start)

    async def stop(self) -> None:
        """Stop claiming, let requests in flight finish (bounded), release the rest, write every outcome."""
        self.sender.stopping = True
        self._stopped.set()
        self.wake_send.set()
        self.sender.progress.set()
        # The sender first: loops waiting on their jobs then see them finish (or come back released).
        await self.sender.stop()
        _done, late = await asyncio.wait(self._tasks, timeout=5.0) if self._tasks else (set(), set())
        for task in late:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        async with self._tick_lock:
            pass
        await self.sender.stop(in_flight_grace=0)  # anything a loop claimed while stopping
