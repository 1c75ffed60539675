"""The sending side of the delivery pipeline: queued deliveries -> rate limiter -> Bot API -> status.

Each delivery is claimed ('sending', with a lease) and committed before the Bot API call, and marked after
it. A restart therefore never sends a slot twice: an unfinished claim is never retried blindly.
"""

from __future__ import annotations

import asyncio
import logging
import time as _time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.db.models import Caregiver, Delivery, Family, Response
from bot.domain.schedule import end_of_quiet, in_quiet_hours, nudge_at
from bot.render import delivery_text, nudge_text, prompt_keyboard
from bot.services.deliveries import DeliveryContent, is_postgres

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=5)


class RateLimiter:
    """A token bucket for the whole bot plus a minimum spacing per chat, as Telegram asks.

    Pacing is real elapsed time, so it takes a monotonic clock and a sleep function that tests can replace.
    """

    def __init__(
        self,
        rate: float = 25.0,
        per_chat_interval: float = 1.0,
        monotonic: Callable[[], float] = _time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.per_chat_interval = per_chat_interval
        self._mono = monotonic
        self._sleep = sleep
        self._tokens = rate
        self._stamp = monotonic()
        self._last_chat: dict[int, float] = {}
        self._lock = asyncio.Lock()

    async def acquire(self, chat_id: int) -> None:
        async with self._lock:
            while True:
                now = self._mono()
                self._tokens = min(self.rate, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                chat_wait = self._last_chat.get(chat_id, -1e18) + self.per_chat_interval - now
                # The epsilon absorbs float round-off, which could otherwise ask for a sleep too short to pass.
                token_wait = 0.0 if self._tokens >= 1 - 1e-9 else (1 - self._tokens) / self.rate
                wait = max(chat_wait, token_wait)
                if wait <= 1e-9:
                    self._tokens -= 1
                    self._last_chat[chat_id] = now
                    if len(self._last_chat) > 10_000:
                        cutoff = now - self.per_chat_interval
                        self._last_chat = {k: v for k, v in self._last_chat.items() if v > cutoff}
                    return
                await self._sleep(max(wait, 0.001))


BlockedHook = Callable[[int], Awaitable[object]]
ContentLookup = Callable[[int], Awaitable[DeliveryContent | None]]


class Sender:
    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        limiter: RateLimiter,
        on_blocked: BlockedHook,
        content: ContentLookup,
        nudge_delay: timedelta = timedelta(hours=3),
        grace: timedelta = timedelta(hours=2),
    ) -> None:
        self._content = content
        self._grace = grace
        self._bot = bot
        self._sessions = sessions
        self._clock = clock
        self._limiter = limiter
        self._on_blocked = on_blocked
        self._nudge_delay = nudge_delay
        self._pg = is_postgres(sessions)
        self.paused_until: datetime | None = None
        self.stopping = False

    # ---- queued prompts ----------------------------------------------------------------------------

    async def _claim(self, limit: int, only_id: int | None = None) -> list[int]:
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            # A row that waited past the grace window (downtime, a long 429 pause) is missed, not sent late.
            stale = Delivery.status == "queued", Delivery.slot_at < now - self._grace
            if await s.scalar(select(Delivery.id).where(*stale).limit(1)) is not None:
                await s.execute(update(Delivery).where(*stale).values(status="missed", last_error="too late to send"))
            q = select(Delivery.id).where(Delivery.status == "queued", Delivery.next_attempt_at <= now)
            if only_id is not None:
                q = q.where(Delivery.id == only_id)
            q = q.order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)
            if self._pg:
                q = q.with_for_update(skip_locked=True)
            ids = list((await s.scalars(q)).all())
            if ids:
                await s.execute(
                    update(Delivery)
                    .where(Delivery.id.in_(ids), Delivery.status == "queued")
                    .values(status="sending", lease_until=now + LEASE, attempts=Delivery.attempts + 1)
                )
        return ids

    async def drain(self, limit: int = 500) -> int:
        """Send what is due. Returns how many prompts went out."""
        if self.paused_until and self._clock.now() < self.paused_until:
            return 0
        sent = 0
        for did in await self._claim(limit):
            if self.stopping or (self.paused_until and self._clock.now() < self.paused_until):
                await self._requeue(did, self.paused_until or self._clock.now(), count_attempt=False)
                continue
            try:
                sent += await self._send(did)
            except Exception as exc:
                # A bug must not leave the row claimed until its lease runs out, nor stop the batch.
                log.exception("delivery %d: unexpected error", did)
                await self._finish(did, "failed", error=f"internal error: {type(exc).__name__}")
        return sent

    async def send_now(self, delivery_id: int) -> bool:
        """Send one queued delivery at once. False if it couldn't go yet; it stays queued for drain()."""
        if self.paused_until and self._clock.now() < self.paused_until:
            return False
        ids = await self._claim(1, only_id=delivery_id)
        if not ids:
            return False
        try:
            return await self._send(ids[0]) == 1
        except Exception as exc:
            log.exception("delivery %d: unexpected error", ids[0])
            await self._finish(ids[0], "failed", error=f"internal error: {type(exc).__name__}")
            return False

    async def status(self, delivery_id: int) -> str | None:
        async with self._sessions() as s:
            return await s.scalar(select(Delivery.status).where(Delivery.id == delivery_id))

    async def _load(self, s: AsyncSession, delivery_id: int) -> tuple[Delivery, Family, list[int]]:
        d = await s.get(Delivery, delivery_id)
        assert d is not None
        fam = await s.get(Family, d.family_id)
        assert fam is not None
        chats = list(
            (
                await s.scalars(
                    select(Caregiver.telegram_id)
                    .where(Caregiver.family_id == fam.id, Caregiver.blocked_at.is_(None))
                    .order_by(Caregiver.id)
                )
            ).all()
        )
        return d, fam, chats

    async def _send(self, delivery_id: int) -> int:
        async with self._sessions() as s:
            _d, fam, chats = await self._load(s, delivery_id)
        content = await self._content(delivery_id)
        if content is None or not chats or not fam.active:
            why = "prompt no longer in the library" if content is None else "no reachable caregiver"
            await self._finish(delivery_id, "failed", error=why)
            return 0
        text = delivery_text(content)
        kb = prompt_keyboard(delivery_id)
        first: tuple[int, int] | None = None
        error: Exception | None = None
        for chat in chats:
            try:
                msg_id = await self._call(chat, text, kb)
            except TelegramForbiddenError:
                log.info("delivery %d: chat blocked the bot", delivery_id)
                await self._on_blocked(chat)
                continue
            except Exception as exc:  # classified below
                error = exc
                continue
            first = first or (chat, msg_id)
        if first is not None:
            await self._mark_sent(delivery_id, fam, *first)
            return 1
        await self._fail(delivery_id, error)
        return 0

    async def _call(self, chat: int, text: str, kb: InlineKeyboardMarkup | None) -> int:
        await self._limiter.acquire(chat)
        msg = await self._bot.send_message(chat, text, parse_mode=ParseMode.HTML, reply_markup=kb)
        return msg.message_id

    async def _mark_sent(self, delivery_id: int, fam: Family, chat: int, message_id: int) -> None:
        now = self._clock.now()
        due = nudge_at(now, ZoneInfo(fam.timezone), self._nudge_delay) if fam.nudges_enabled else None
        async with self._sessions() as s, s.begin():
            await s.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .values(
                    status="sent",
                    sent_at=now,
                    chat_id=chat,
                    message_id=message_id,
                    lease_until=None,
                    last_error=None,
                    nudge_due_at=due,
                )
            )

    async def _finish(self, delivery_id: int, status: str, error: str | None = None) -> None:
        async with self._sessions() as s, s.begin():
            await s.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .values(status=status, lease_until=None, last_error=(error or "")[:300] or None)
            )

    async def _requeue(self, delivery_id: int, when: datetime, *, count_attempt: bool = True) -> None:
        async with self._sessions() as s, s.begin():
            values: dict[str, object] = {"status": "queued", "next_attempt_at": when, "lease_until": None}
            if not count_attempt:
                values["attempts"] = Delivery.attempts - 1
            await s.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values))

    async def _fail(self, delivery_id: int, error: Exception | None) -> None:
        now = self._clock.now()
        if isinstance(error, TelegramRetryAfter):
            self.paused_until = now + timedelta(seconds=error.retry_after)
            log.warning("Telegram asked us to wait %ss", error.retry_after)
            await self._requeue(delivery_id, self.paused_until, count_attempt=False)
            return
        if isinstance(error, TelegramBadRequest):
            log.warning("delivery %d failed: %s", delivery_id, error.message)
            await self._finish(delivery_id, "failed", error=error.message)
            return
        transient = isinstance(error, TelegramServerError | TelegramNetworkError) or (
            isinstance(error, TelegramAPIError) and not isinstance(error, TelegramBadRequest)
        )
        async with self._sessions() as s:
            attempts = await s.scalar(select(Delivery.attempts).where(Delivery.id == delivery_id)) or 0
        if error is None:
            await self._finish(delivery_id, "failed", error="every caregiver has blocked the bot")
        elif transient and attempts < MAX_ATTEMPTS:
            backoff = timedelta(seconds=min(15 * 2 ** (attempts - 1), 600))
            log.warning("delivery %d: %s; retry in %s", delivery_id, type(error).__name__, backoff)
            await self._requeue(delivery_id, now + backoff)
        else:
            log.error("delivery %d gave up after %d attempts: %r", delivery_id, attempts, error)
            await self._finish(delivery_id, "failed", error=f"{type(error).__name__}: {error}")

    async def send_notice(self, chat_id: int, text: str, kb: InlineKeyboardMarkup | None = None) -> bool:
        """A one-off message (digest, notification) through the same limiter; failures are logged, not raised."""
        try:
            await self._call(chat_id, text, kb)
            return True
        except TelegramForbiddenError:
            await self._on_blocked(chat_id)
        except TelegramAPIError as exc:
            log.warning("notice to a chat failed: %s", type(exc).__name__)
        return False

    # ---- nudges and 'later today' --------------------------------------------------------------------

    async def nudges(self, limit: int = 200) -> int:
        """One reminder per unanswered prompt at its nudge time; never for answered or paused families."""
        if self.paused_until and self._clock.now() < self.paused_until:
            return 0
        now = self._clock.now()
        todo: list[int] = []
        async with self._sessions() as s, s.begin():
            q = (
                select(Delivery)
                .where(
                    Delivery.status == "sent",
                    Delivery.nudge_due_at.is_not(None),
                    Delivery.nudge_due_at <= now,
                    Delivery.nudge_status.is_(None),
                )
                .order_by(Delivery.nudge_due_at)
                .limit(limit)
            )
            if self._pg:
                q = q.with_for_update(skip_locked=True, of=Delivery)
            for d in (await s.scalars(q)).all():
                fam = await s.get(Family, d.family_id)
                if fam is not None:
                    local = now.astimezone(ZoneInfo(fam.timezone))
                    if in_quiet_hours(local.time()):
                        if not d.remind_later:
                            # Due during quiet hours (after downtime, say): a reminder next morning is
                            # about a stale prompt, so it is dropped (bot.domain.schedule.nudge_at).
                            d.nudge_status = "cancelled"
                            continue
                        # 'Later today' was the parent's own request: bring it back in the morning.
                        d.nudge_due_at = end_of_quiet(local, ZoneInfo(fam.timezone))
                        continue
                answered = await s.scalar(select(Response.id).where(Response.delivery_id == d.id))
                newer = await s.scalar(
                    select(Delivery.id).where(
                        Delivery.family_id == d.family_id,
                        Delivery.status == "sent",
                        Delivery.sent_at > d.sent_at,
                    )
                )
                paused = fam is not None and fam.paused_until is not None and fam.paused_until > now
                wanted = fam is not None and fam.active and (fam.nudges_enabled or d.remind_later)
                if answered or paused or not wanted or (newer and not d.remind_later):
                    d.nudge_status = "cancelled"
                else:
                    d.nudge_status = "sending"
                    todo.append(d.id)
        sent = 0
        for did in todo:
            sent += await self._send_nudge(did)
        return sent

    async def _send_nudge(self, delivery_id: int) -> int:
        async with self._sessions() as s:
            d, _fam, chats = await self._load(s, delivery_id)
        content = await self._content(delivery_id)
        if d.remind_later and content is not None:
            text = delivery_text(content, header="⏰ <i>Here it is again, as you asked.</i>\n")
        else:
            text = nudge_text(content)
        kb = prompt_keyboard(delivery_id, later=False)
        status = "failed"
        for chat in chats:
            try:
                await self._call(chat, text, kb)
                status = "sent"
            except TelegramForbiddenError:
                await self._on_blocked(chat)
            except TelegramAPIError as exc:
                log.warning("nudge for delivery %d failed: %s", delivery_id, type(exc).__name__)
        async with self._sessions() as s, s.begin():
            await s.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .values(nudge_status=status, nudged_at=self._clock.now())
            )
        return 1 if status == "sent" else 0
