"""Network conditions and Telegram's flood limits for the fake Bot API server.

``Network`` is attached to a ``FakeTelegram`` (``tg.network``) and consulted for every request but getUpdates:

* ``latency``: seconds added to each request (half before it is handled, half after), e.g. 0.08 for an 80 ms RTT;
* ``global_limit`` / ``per_chat_limit``: Telegram's flood control, enforced in a sliding one-second window.
  Over the global limit (messages sent or edited by the bot, any chat) the answer is 429 with the
  ``retry_after`` Telegram would give; over the per-chat limit (new messages to one chat) likewise;
* ``chaos``: random faults for a share of message sends (seeded, so a run can be replayed): a 5xx answer, a
  dropped connection, or a hang longer than the client's timeout. A faulted request is never delivered.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

# Methods Telegram's flood control counts: the bot putting something in a chat.
LIMITED_PREFIXES = ("send", "edit", "copy", "forward")
NEW_MESSAGE_PREFIXES = ("send", "copy", "forward")
UNCOUNTED = frozenset({"sendchataction"})


class Drop(Exception):
    """Close the connection without an answer."""


@dataclass
class Chaos:
    rate: float = 0.05  # share of eligible requests that fail
    kinds: tuple[str, ...] = ("5xx", "drop", "hang")
    hang_seconds: float = 30.0
    methods: frozenset[str] = frozenset({"sendmessage"})
    seed: int = 1
    injected: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def pick(self, key: str) -> str | None:
        if key not in self.methods or self._rng.random() >= self.rate:
            return None
        kind = self._rng.choice(self.kinds)
        self.injected[kind] = self.injected.get(kind, 0) + 1
        return kind


@dataclass
class Network:
    latency: float = 0.0
    global_limit: int | None = None
    per_chat_limit: int | None = None
    chaos: Chaos | None = None
    window: float = 1.0
    rejected: dict[str, int] = field(default_factory=lambda: {"global": 0, "chat": 0})
    accepted: list[tuple[float, str]] = field(default_factory=list)  # (monotonic time, chat id) of counted sends
    _sent: deque[float] = field(default_factory=deque)
    _per_chat: dict[Any, deque[float]] = field(default_factory=dict)

    async def before(self, key: str) -> str | None:
        """Half the latency, then the chaos draw for this request (None: handle it normally)."""
        if self.latency:
            await asyncio.sleep(self.latency / 2)
        fault = self.chaos.pick(key) if self.chaos else None
        if fault == "hang":
            assert self.chaos is not None
            await asyncio.sleep(self.chaos.hang_seconds)
        return fault

    async def after(self) -> None:
        if self.latency:
            await asyncio.sleep(self.latency / 2)

    def check_flood(self, key: str, chat_id: Any) -> int | None:
        """Count this request; returns retry_after (seconds) when it is over a limit, else None."""
        if not key.startswith(LIMITED_PREFIXES) or key in UNCOUNTED:
            return None
        now = time.monotonic()
        if self.per_chat_limit is not None and key.startswith(NEW_MESSAGE_PREFIXES) and chat_id is not None:
            times = self._per_chat.setdefault(str(chat_id), deque())
            wait = self._over(times, self.per_chat_limit, now)
            if wait is not None:
                self.rejected["chat"] += 1
                return wait
        if self.global_limit is not None:
            wait = self._over(self._sent, self.global_limit, now)
            if wait is not None:
                self.rejected["global"] += 1
                return wait
            self._sent.append(now)
        if self.per_chat_limit is not None and key.startswith(NEW_MESSAGE_PREFIXES) and chat_id is not None:
            self._per_chat[str(chat_id)].append(now)
        self.accepted.append((now, str(chat_id)))
        if len(self._per_chat) > 50_000:
            self._per_chat = {k: v for k, v in self._per_chat.items() if v and v[-1] > now - self.window}
        return None

    def _over(self, times: deque[float], limit: int, now: float) -> int | None:
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) < limit:
            return None
        return max(1, math.ceil(times[0] + self.window - now))
