"""One rate budget for every Bot API call: paced send slots, per-chat spacing, a reply lane and 429 pauses.

Two backends behind one interface (`Limiter`):
  * `LocalLimiter`, in this process: the default, for one instance;
  * `RedisLimiter`, the same window kept in Redis and changed only by Lua scripts (atomic), so every instance
    that shares REDIS_URL shares one budget.

The rules, the same in both:
  * Sends are paced under `rate` less a safety margin (RATE_MARGIN), and no window of Telegram's one second
    ever holds more than the rate (bot.delivery.pacing). Replies take the next free slot ahead of every queued
    broadcast.
  * Per-chat spacing is counted from when the chat's last message really left, and is waited for before the
    global queue: a caller waiting for its chat holds no slot, so one slow chat never blocks the others.
  * Calls Telegram does not count (a callback answer, a chat action) take no slot; they only honour a pause.
  * A 429 pauses what Telegram meant: the chat it was about, or everything when 429s come from several chats at
    once (or from a call about no chat). Pauses are in the injectable clock's time, so tests move past them.
Pacing itself is real elapsed time (monotonic, or Redis TIME shared by all instances).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time as _time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.clock import Clock, SystemClock
from bot.delivery.pacing import CATCH_UP, PAUSE_POLL, Grant, Lanes, SlotWindow, min_gap, ms, window_for

# 429s from this many different chats within FLOOD_WINDOW seconds mean the whole bot is over its budget.
FLOOD_CHATS = 5
FLOOD_WINDOW = 1.0
DEFAULT_MARGIN = 0.02


class Limiter(Protocol):
    rate: float

    async def acquire(self, chat_id: int | None, *, priority: bool = False, counted: bool = True) -> Grant | None:
        """Wait for this call's turn: the chat's spacing (if `chat_id`), then a slot (if `counted`)."""

    def answered(self, grant: Grant | None) -> None:
        """The request given `grant` has its answer (or failed): its round trip is known."""

    async def retry_after(self, chat_id: int | None, seconds: float) -> str:
        """Record a 429; returns the scope paused: 'chat' or 'global'."""

    async def paused_until(self) -> datetime | None:
        """When a global pause ends, in clock time; None if not paused."""

    async def close(self) -> None: ...


class _FloodDetector:
    def __init__(self, monotonic: Callable[[], float]) -> None:
        self._mono = monotonic
        self._recent: deque[tuple[float, int]] = deque()

    def is_flood(self, chat_id: int | None) -> bool:
        if chat_id is None:
            return True
        now = self._mono()
        self._recent.append((now, chat_id))
        while self._recent and self._recent[0][0] < now - FLOOD_WINDOW:
            self._recent.popleft()
        return len({c for _, c in self._recent}) >= FLOOD_CHATS


class _ChatLocks:
    """One send at a time per chat decides its spacing; entries live only while someone waits."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}

    @contextlib.asynccontextmanager
    async def turn(self, chat_id: int) -> AsyncIterator[None]:
        lock, users = self._locks.setdefault(chat_id, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                del self._locks[chat_id]


class LocalLimiter:
    def __init__(
        self,
        rate: float = 30.0,
        per_chat_interval: float = 1.0,
        clock: Clock | None = None,
        *,
        margin: float = DEFAULT_MARGIN,
        monotonic: Callable[[], float] = _time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.per_chat_interval = per_chat_interval
        self.margin = margin
        self.window = SlotWindow(rate, margin, monotonic)
        self._clock = clock or SystemClock()
        self._mono = monotonic
        self._sleep = sleep
        self._lanes = Lanes(self._take, sleep, unused=self.window.answered)
        self._chats = _ChatLocks()
        self._chat_last: dict[int, float] = {}
        self._chat_paused: dict[int, datetime] = {}
        self._paused: datetime | None = None
        self._flood = _FloodDetector(monotonic)

    async def acquire(self, chat_id: int | None, *, priority: bool = False, counted: bool = True) -> Grant | None:
        if not counted:
            await self._wait_until_clock(lambda: self._paused)
            return None
        if chat_id is None:
            return await self._lanes.slot(priority)
        async with self._chats.turn(chat_id):
            await self._wait_until_clock(lambda: self._chat_paused.get(chat_id))
            self._chat_paused.pop(chat_id, None)
            if self.per_chat_interval <= 0:
                return await self._lanes.slot(priority)
            wait = self._chat_last.get(chat_id, -math.inf) + self.per_chat_interval - self._mono()
            if wait > 0:
                await self._sleep(wait)
            grant = await self._lanes.slot(priority)
            self._chat_last[chat_id] = grant.at
            if len(self._chat_last) > 10_000:
                old = grant.at - self.per_chat_interval
                self._chat_last = {k: v for k, v in self._chat_last.items() if v > old}
            return grant

    async def _take(self, _priority: bool) -> Grant | float:
        if self._paused is not None and (left := (self._paused - self._clock.now()).total_seconds()) > 0:
            return min(left, PAUSE_POLL)
        wait = self.window.free_in()
        # Below a tenth of a millisecond a timer can't do better: the slot is as good as free.
        return self.window.take() if wait < 1e-4 else wait

    def answered(self, grant: Grant | None) -> None:
        if grant is not None:
            self.window.answered(grant)

    async def _wait_until_clock(self, until: Callable[[], datetime | None]) -> None:
        while (end := until()) is not None and (left := (end - self._clock.now()).total_seconds()) > 0:
            await self._sleep(min(left, PAUSE_POLL))

    async def retry_after(self, chat_id: int | None, seconds: float) -> str:
        until = self._clock.now() + timedelta(seconds=seconds)
        if self._flood.is_flood(chat_id):
            self._paused = max(self._paused or until, until)
            return "global"
        assert chat_id is not None
        self._chat_paused[chat_id] = until
        return "chat"

    async def paused_until(self) -> datetime | None:
        if self._paused is not None and self._paused <= self._clock.now():
            self._paused = None
        return self._paused

    async def close(self) -> None:
        await self._lanes.close()


# Seconds (ms) to wait before this chat's next message: a pause, or its spacing since its last message left.
_CHAT_WAIT = """
local t = redis.call('TIME')
local now = t[1] * 1000 + t[2] / 1000
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
local clock_now = tonumber(ARGV[2])
if paused > clock_now then return math.ceil(paused - clock_now) end
local last = tonumber(redis.call('GET', KEYS[1]) or '')
if last and now < last + tonumber(ARGV[1]) then return math.ceil(last + tonumber(ARGV[1]) - now) end
return 0
"""

# The chat's message has left now (Redis TIME): the next one waits its spacing from here.
_CHAT_SENT = """
local t = redis.call('TIME')
local now = t[1] * 1000 + t[2] / 1000
redis.call('SET', KEYS[1], string.format('%.3f', now), 'PX', tonumber(ARGV[1]) + 1000)
return 0
"""

# Take a send slot, or return the ms to wait (-1: taken). The window and pace of bot.delivery.pacing, on Redis
# TIME: KEYS = given times (newest first), next-due time, global pause, a reply waiting somewhere.
# ARGV = count, span, pace, catch-up (ms), the clock's now (ms), priority (0/1), minimum gap (ms).
_TAKE = """
local t = redis.call('TIME')
local now = t[1] * 1000 + t[2] / 1000
local count, span, pace, catch_up = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local clock_now, priority = tonumber(ARGV[5]), ARGV[6] == '1'
local paused = tonumber(redis.call('GET', KEYS[3]) or '0')
if paused > clock_now then return math.ceil(paused - clock_now) end
if not priority and redis.call('EXISTS', KEYS[4]) == 1 then return math.ceil(pace) end
local newest = tonumber(redis.call('LINDEX', KEYS[1], 0) or '')
local due = tonumber(redis.call('GET', KEYS[2]) or '')
local window_ready = 0
if redis.call('LLEN', KEYS[1]) >= count then
  window_ready = tonumber(redis.call('LINDEX', KEYS[1], count - 1)) + span
end
local ready = window_ready
if newest then ready = math.max(ready, newest + tonumber(ARGV[7])) end
if due then ready = math.max(ready, due) end
if ready > now + 0.1 then
  -- A reply is waiting: broadcasts on every instance leave it the next slot.
  if priority then redis.call('SET', KEYS[4], '1', 'PX', math.ceil(ready - now) + 100) end
  return math.ceil(ready - now)
end
-- Late by a little: the next sends make up for it; idle a while: a fresh start.
local next_due = now + pace
if due and now - due <= catch_up then next_due = math.max(due, window_ready) + pace end
redis.call('LPUSH', KEYS[1], string.format('%.3f', now))
redis.call('LTRIM', KEYS[1], 0, count - 1)
redis.call('PEXPIRE', KEYS[1], math.ceil(span) + 1000)
redis.call('SET', KEYS[2], string.format('%.3f', next_due), 'PX', math.ceil(span) + 1000)
if priority then redis.call('DEL', KEYS[4]) end
return -1
"""

# Extend a pause to at least ARGV[1] (clock ms); the key expires when the pause is long over.
_PAUSE = """
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local untl = tonumber(ARGV[1])
if untl > cur then redis.call('SET', KEYS[1], untl, 'PX', tonumber(ARGV[2])) end
return math.max(cur, untl)
"""


class RedisLimiter:
    """The window in Redis: every instance pointed at the same Redis and `prefix` shares one budget."""

    def __init__(
        self,
        redis: Any,
        rate: float = 30.0,
        per_chat_interval: float = 1.0,
        clock: Clock | None = None,
        *,
        margin: float = DEFAULT_MARGIN,
        prefix: str = "fcb:limiter",
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.per_chat_interval = per_chat_interval
        self.margin = margin
        count, span = window_for(rate, margin)
        self._window_args = [count, span * 1000, span / count * 1000, CATCH_UP * 1000]
        self._gap_ms = min_gap(span / count) * 1000
        self._redis = redis
        self._clock = clock or SystemClock()
        self._sleep = sleep
        self._prefix = prefix
        self._chat_wait = redis.register_script(_CHAT_WAIT)
        self._chat_sent = redis.register_script(_CHAT_SENT)
        self._take_script = redis.register_script(_TAKE)
        self._pause_script = redis.register_script(_PAUSE)
        self._lanes = Lanes(self._take, sleep)
        self._chats = _ChatLocks()
        self._flood = _FloodDetector(_time.monotonic)
        self.instance = uuid.uuid4().hex[:8]

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> RedisLimiter:
        from redis.asyncio import Redis

        return cls(Redis.from_url(url), **kwargs)

    def _clock_ms(self) -> int:
        return int(self._clock.now().timestamp() * 1000)

    async def acquire(self, chat_id: int | None, *, priority: bool = False, counted: bool = True) -> Grant | None:
        if not counted:
            while (until := await self.paused_until()) is not None:
                await self._sleep(min((until - self._clock.now()).total_seconds(), PAUSE_POLL))
            return None
        if chat_id is None:
            return await self._lanes.slot(priority)
        keys = [f"{self._prefix}:chat:{chat_id}", f"{self._prefix}:pause:chat:{chat_id}"]
        interval = ms(self.per_chat_interval) if self.per_chat_interval > 0 else 0
        async with self._chats.turn(chat_id):
            while (wait := int(await self._chat_wait(keys=keys, args=[interval, self._clock_ms()]))) > 0:
                await self._sleep(min(wait / 1000, PAUSE_POLL))
            grant = await self._lanes.slot(priority)
            if interval:
                await self._chat_sent(keys=keys[:1], args=[interval])
            return grant

    async def _take(self, priority: bool) -> Grant | float:
        keys = [f"{self._prefix}:{k}" for k in ("given", "due", "pause:all", "reply")]
        args = [*self._window_args, self._clock_ms(), 1 if priority else 0, self._gap_ms]
        wait = int(await self._take_script(keys=keys, args=args))
        if wait < 0:
            return Grant(_time.monotonic())
        return min(wait / 1000, PAUSE_POLL)

    def answered(self, grant: Grant | None) -> None:
        if grant is not None and grant.answered is None:
            grant.answered = _time.monotonic()

    async def retry_after(self, chat_id: int | None, seconds: float) -> str:
        until = self._clock_ms() + int(seconds * 1000)
        ttl = int(seconds * 1000) + 60_000
        if self._flood.is_flood(chat_id):
            await self._pause_script(keys=[f"{self._prefix}:pause:all"], args=[until, ttl])
            return "global"
        await self._pause_script(keys=[f"{self._prefix}:pause:chat:{chat_id}"], args=[until, ttl])
        return "chat"

    async def paused_until(self) -> datetime | None:
        raw = await self._redis.get(f"{self._prefix}:pause:all")
        if raw is None:
            return None
        until = int(float(raw))
        if until <= self._clock_ms():
            return None
        return datetime.fromtimestamp(until / 1000, tz=self._clock.now().tzinfo)

    async def close(self) -> None:
        await self._lanes.close()
        await self._redis.aclose()


def make_limiter(
    rate: float,
    per_chat_interval: float,
    clock: Clock,
    redis_url: str | None = None,
    prefix: str = "fcb:limiter",
    margin: float = DEFAULT_MARGIN,
) -> Limiter:
    if redis_url:
        return RedisLimiter.from_url(
            redis_url, rate=rate, per_chat_interval=per_chat_interval, clock=clock, prefix=prefix, margin=margin
        )
    return LocalLimiter(rate, per_chat_interval, clock, margin=margin)
