"""SQLite's one writer, queued in this process: `WriteGate`, in two lanes.

SQLite lets one transaction write at a time (every transaction here starts with BEGIN IMMEDIATE, see
bot.db.engine). Left to SQLite, a transaction that finds the database busy sleeps in SQLite's busy handler,
which polls with growing sleeps of up to 100 ms and gives up with "database is locked" after the busy timeout,
however many others got in meanwhile. The gate queues our own transactions on the event loop instead: the next
one starts the moment the last one ends, and none gives up while the others make progress.

Two lanes, like the rate limiter's: a person's update (a handler, the default) goes before the engine's
background work (dispatching, claiming, writing send outcomes: code run under `background()`), so a reply never
waits behind a queue of background transactions, only for the one running.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

log = logging.getLogger(__name__)

# A transaction of ours waiting this long for the others means a stuck one: fail as SQLite would.
GATE_TIMEOUT = 30.0

_background: ContextVar[bool] = ContextVar("db_background", default=False)


@contextlib.contextmanager
def background() -> Iterator[None]:
    """Transactions begun in this block (and in tasks started from it) take the background lane."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


class WriteGate:
    """Held from BEGIN to COMMIT or ROLLBACK (or the connection's close) by the driver connection that began."""

    def __init__(self, locked_error: type[Exception]) -> None:
        self._locked_error = locked_error
        self._loop: asyncio.AbstractEventLoop | None = None
        self._busy = False
        self._lanes: tuple[deque[asyncio.Future[None]], deque[asyncio.Future[None]]] = (deque(), deque())
        self.holder: Any = None

    @property
    def waiting(self) -> int:
        return sum(1 for lane in self._lanes for f in lane if not f.done())

    async def acquire(self, conn: Any) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests): nothing of the old one is still open
            self._loop, self._busy, self.holder = loop, False, None
            self._lanes = (deque(), deque())
        if not self._busy:
            self._busy, self.holder = True, conn
            return
        fut: asyncio.Future[None] = loop.create_future()
        self._lanes[1 if _background.get() else 0].append(fut)
        try:
            await asyncio.wait_for(fut, GATE_TIMEOUT)
        except BaseException as exc:
            if fut.done() and not fut.cancelled():  # handed to us just as we gave up: hand it on
                self._hand_on()
            if isinstance(exc, TimeoutError):
                log.error("a database transaction waited %ss for the others; is one stuck?", GATE_TIMEOUT)
                raise self._locked_error("database is locked") from None
            raise
        self.holder = conn

    def release(self, conn: Any) -> None:
        if self.holder is not None and self.holder is conn:
            self.holder = None
            self._hand_on()

    def _hand_on(self) -> None:
        for lane in self._lanes:
            while lane:
                fut = lane.popleft()
                if not fut.done():
                    fut.set_result(None)  # still busy: it is the waiter's now
                    return
        self._busy = False
