"""One rate budget for every Bot API call: a token bucket, per-chat pacing, a priority lane and 429 pauses.

Two backends behind one interface (`Limiter`):
  * `LocalLimiter`, in this process: the default, for one instance;
  * `RedisLimiter`, the same bucket kept in Redis and changed only by Lua scripts (atomic), so every instance
    that shares REDIS_URL shares one budget.

The rules, the same in both:
  * The bucket refills at `rate` tokens/s up to a small capacity. A reply (priority) takes a token when one is
    there; a broadcast send waits until `1 + headroom` are, so a reply arriving mid fan-out almost always finds a
    token at once. Broadcasts wait for the headroom to refill instead of skipping it, so their long-run rate is
    still the full rate.
  * Per-chat pacing is a reservation taken before the bucket: a caller waiting for its chat holds nothing, so
    one slow chat never blocks the others.
  * A 429 pauses what Telegram meant: the chat it was about, or everything when 429s come from several chats at
    once (or from a call about no chat). Pauses are in the injectable clock's time, so tests move past them.
Pacing itself is real elapsed time (monotonic, or Redis TIME shared by all instances).
"""

from __future__ import annotations

import asyncio
import time as _time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.clock import Clock, SystemClock

# 429s from this many different chats within FLOOD_WINDOW seconds mean the whole bot is over its budget.
FLOOD_CHATS = 5
FLOOD_WINDOW = 1.0
PAUSE_POLL = 0.25  # a paused waiter re-checks the clock this often (tests move it)


class Limiter(Protocol):
    rate: float

    async def acquire(self, chat_id: int | None, *, priority: bool = False) -> None:
        """Wait for this call's turn: the chat's spacing (if `chat_id`), then a token from the bucket."""

    async def retry_after(self, chat_id: int | None, seconds: float) -> str:
        """Record a 429; returns the scope paused: 'chat' or 'global'."""

    async def paused_until(self) -> datetime | None:
        """When a global pause ends, in clock time; None if not paused."""

    async def close(self) -> None: ...


def bucket_capacity(rate: float, headroom: int) -> float:
    # One token above the broadcast threshold absorbs a late wake-up without losing refill; big rates get a
    # few milliseconds' worth so a paid broadcast isn't throttled by timer resolution.
    return max(headroom + 2.0, rate * 0.02)


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


class LocalLimiter:
    def __init__(
        self,
        rate: float = 25.0,
        per_chat_interval: float = 1.0,
        clock: Clock | None = None,
        *,
        headroom: int = 1,
        monotonic: Callable[[], float] = _time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.per_chat_interval = per_chat_interval
        self.headroom = headroom
        self.capacity = bucket_capacity(rate, headroom)
        self._clock = clock or SystemClock()
        self._mono = monotonic
        self._sleep = sleep
        self._tokens = self.capacity
        self._stamp = monotonic()
        self._chat_next: dict[int, float] = {}
        self._chat_paused: dict[int, datetime] = {}
        self._paused: datetime | None = None
        self._lane = asyncio.Lock()
        self._flood = _FloodDetector(monotonic)

    async def acquire(self, chat_id: int | None, *, priority: bool = False) -> None:
        if chat_id is not None:
            await self._wait_until_clock(lambda: self._chat_paused.get(chat_id))
            self._chat_paused.pop(chat_id, None)
            if self.per_chat_interval > 0:
                await self._chat_turn(chat_id)
        if priority:
            await self._take(1.0)
            return
        # Broadcast callers queue here one at a time, so the head is the only one polling the bucket.
        async with self._lane:
            await self._take(1.0 + self.headroom)

    async def _chat_turn(self, chat_id: int) -> None:
        now = self._mono()
        turn = max(now, self._chat_next.get(chat_id, now))
        self._chat_next[chat_id] = turn + self.per_chat_interval
        if len(self._chat_next) > 10_000:
            self._chat_next = {k: v for k, v in self._chat_next.items() if v > now}
        if turn > now:
            await self._sleep(turn - now)

    async def _take(self, need: float) -> None:
        while True:
            await self._wait_until_clock(lambda: self._paused)
            now = self._mono()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            # The epsilon absorbs float round-off, which could otherwise ask for a sleep too short to pass.
            if self._tokens >= need - 1e-9:
                self._tokens -= 1
                return
            await self._sleep(max((need - self._tokens) / self.rate, 0.0005))

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
        return None


# Reserve the chat's next turn: returns how many ms to wait (a pause, or the chat's spacing).
_RESERVE_CHAT = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local clock_now = tonumber(ARGV[2])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > clock_now then return paused - clock_now end
local interval = tonumber(ARGV[1])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local turn = math.max(now, nxt)
redis.call('SET', KEYS[1], turn + interval, 'PX', turn + interval - now + 1000)
return -(turn - now) - 1
"""

# Take one token if at least `need` are there; else return the ms to wait. Returns -1 when taken.
_TAKE = """
local t = redis.call('TIME')
local now = t[1] * 1000 + t[2] / 1000
local rate, capacity, need, clock_now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > clock_now then return paused - clock_now end
local b = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(b[1]) or capacity
local stamp = tonumber(b[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - stamp) * rate / 1000)
local result = -1
if tokens >= need - 1e-9 then
  tokens = tokens - 1
else
  result = math.max(1, math.ceil((need - tokens) * 1000 / rate))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
redis.call('PEXPIRE', KEYS[1], 60000)
return result
"""

# Extend a pause to at least ARGV[1] (clock ms); the key expires when the pause is long over.
_PAUSE = """
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local untl = tonumber(ARGV[1])
if untl > cur then redis.call('SET', KEYS[1], untl, 'PX', tonumber(ARGV[2])) end
return math.max(cur, untl)
"""


class RedisLimiter:
    """The bucket in Redis: every instance pointed at the same Redis and `prefix` shares one budget."""

    def __init__(
        self,
        redis: Any,
        rate: float = 25.0,
        per_chat_interval: float = 1.0,
        clock: Clock | None = None,
        *,
        headroom: int = 1,
        prefix: str = "fcb:limiter",
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.per_chat_interval = per_chat_interval
        self.headroom = headroom
        self.capacity = bucket_capacity(rate, headroom)
        self._redis = redis
        self._clock = clock or SystemClock()
        self._sleep = sleep
        self._prefix = prefix
        self._reserve = redis.register_script(_RESERVE_CHAT)
        self._take_script = redis.register_script(_TAKE)
        self._pause_script = redis.register_script(_PAUSE)
        self._lane = asyncio.Lock()
        self._flood = _FloodDetector(_time.monotonic)
        self.instance = uuid.uuid4().hex[:8]

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> RedisLimiter:
        from redis.asyncio import Redis

        return cls(Redis.from_url(url), **kwargs)

    def _clock_ms(self) -> int:
        return int(self._clock.now().timestamp() * 1000)

    async def acquire(self, chat_id: int | None, *, priority: bool = False) -> None:
        if chat_id is not None:
            keys = [f"{self._prefix}:chat:{chat_id}", f"{self._prefix}:pause:chat:{chat_id}"]
            interval = int(self.per_chat_interval * 1000)
            while True:
                wait = int(await self._reserve(keys=keys, args=[interval, self._clock_ms()]))
                if wait < 0:  # reserved: -(ms to our turn) - 1
                    if wait < -1:
                        await self._sleep((-wait - 1) / 1000)
                    break
                await self._sleep(min(wait / 1000, PAUSE_POLL))
        if priority:
            await self._take(1.0)
            return
        async with self._lane:
            await self._take(1.0 + self.headroom)

    async def _take(self, need: float) -> None:
        keys = [f"{self._prefix}:bucket", f"{self._prefix}:pause:all"]
        while True:
            wait = int(await self._take_script(keys=keys, args=[self.rate, self.capacity, need, self._clock_ms()]))
            if wait < 0:
                return
            await self._sleep(min(wait / 1000, PAUSE_POLL))

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
        await self._redis.aclose()


def make_limiter(
    rate: float, per_chat_interval: float, clock: Clock, redis_url: str | None = None, prefix: str = "fcb:limiter"
) -> Limiter:
    if redis_url:
        return RedisLimiter.from_url(
            redis_url, rate=rate, per_chat_interval=per_chat_interval, clock=clock, prefix=prefix
        )
    return LocalLimiter(rate, per_chat_interval, clock)
