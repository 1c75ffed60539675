"""Sending: claimed rows -> many requests in flight under one limiter -> outcomes written in batches.

How a prompt (or a nudge, or a digest in the outbox) is never lost:
  1. A claim marks rows 'sending' with this instance's id and a lease (CLAIM_LEASE_SECONDS). The owner renews
     the leases of everything it holds while it runs, so a live instance never loses a row to another one.
  2. A claimed row whose request never left (still waiting for a worker or for the limiter) is released on
     shutdown: back to 'queued' exactly as it was.
  3. On SIGTERM the engine stops claiming, lets the requests in flight finish (bounded by the request timeout)
     and releases the rest: nothing lost, nothing sent twice.
  4. After a kill -9 nobody renews. Once the lease runs out any instance, the restarted one included, puts the
     rows back in the queue. Only a row whose request was in flight, or whose outcome was waiting in the
     writer's batch (at most FLUSH_EVERY seconds of sends), can then be sent twice: at-least-once, with the
     duplicates bounded by what was in flight.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
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
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.content import Library
from bot.db.models import Delivery
from bot.delivery.limiter import Limiter
from bot.delivery.queue import Job, Queue
from bot.delivery.session import JobReleased, broadcast, current_job, in_broadcast
from bot.domain.schedule import nudge_at
from bot.i18n import REFERENCE, Locales, load_catalog
from bot.metrics import DELIVERIES, IN_FLIGHT
from bot.render import Rendered, nudge_message, prompt_message

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
NUDGE_RETRY = timedelta(minutes=1)
FLUSH_EVERY = 0.05  # seconds between the writer's batches
BlockedHook = Callable[[int], Awaitable[object]]
Runner = Callable[[Job], Awaitable[bool]]


class Sender:
    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        limiter: Limiter,
        library: Library,
        on_blocked: BlockedHook,
        *,
        nudge_delay: timedelta = timedelta(hours=3),
        grace: timedelta = timedelta(hours=2),
        instance_id: str | None = None,
        concurrency: int = 16,
        lease: timedelta = timedelta(seconds=60),
        request_timeout: float = 10.0,
        paid_broadcast: bool = False,
        retry_base: float = 15.0,
        locales: Locales | None = None,
    ) -> None:
        self._bot = bot
        self.locales = locales or Locales(load_catalog(), {REFERENCE: library})  # each caregiver's language
        self._sessions = sessions
        self._clock = clock
        self.limiter = limiter
        self._on_blocked = on_blocked
        self._nudge_delay = nudge_delay
        self._grace = grace
        self.instance_id = instance_id or uuid.uuid4().hex[:16]
        self.queue = Queue(sessions, clock, library, self.instance_id, lease)
        self.concurrency = concurrency
        self.batch = max(4, concurrency)
        self.request_timeout = request_timeout
        self.paid_broadcast = paid_broadcast
        self.retry_base = retry_base
        self._slots = asyncio.Semaphore(concurrency)
        self._held: dict[tuple[str, int], Job] = {}
        self._tasks: dict[asyncio.Task[bool], Job] = {}
        self._marks: list[tuple[str, dict[str, Any]]] = []
        self._flush_lock = asyncio.Lock()
        self.progress = asyncio.Event()  # set whenever a job finishes: the send loop waits on it for room
        self.stopping = False

    # ---- the public API (handlers, app.tick, loops) --------------------------------------------------

    async def drain(self, limit: int | None = None) -> int:
        """Send every prompt due now, batch after batch, and wait for them. Returns how many went out."""
        return await self._drain(self.queue.claim_prompts, self.run_prompt, limit)

    async def notices(self, limit: int | None = None) -> int:
        """Send every outbox notice (digests) due now."""
        return await self._drain(self.queue.claim_notices, self._run_notice, limit)

    async def nudges(self, limit: int = 200) -> int:
        """One reminder per unanswered prompt at its nudge time; never for answered or paused families."""
        if self.stopping or await self.limiter.paused_until() is not None:
            return 0
        jobs, skipped = await self.queue.claim_nudges(limit)
        for job_id, when, why in skipped:
            values: dict[str, Any] = {"id": job_id, "claimed_by": None, "lease_until": None}
            if why == "quiet":
                values.update(nudge_status=None, nudge_due_at=when)
            else:
                values.update(nudge_status="cancelled")
            self._marks.append(("deliveries", values))
        self.hold(jobs)
        sent = _count(await asyncio.gather(*(self.spawn(j, self._run_nudge) for j in jobs), return_exceptions=True))
        await self.flush()
        return sent

    async def send_now(self, delivery_id: int) -> bool:
        """Send one queued delivery at once, in the reply lane. False if it couldn't go yet (it stays queued)."""
        if self.stopping or await self.limiter.paused_until() is not None:
            return False
        jobs = await self.queue.claim_prompts(1, only_id=delivery_id)
        if not jobs:
            return False
        self.hold(jobs)
        try:
            ok = await self._guarded(jobs[0], self.run_prompt, lane="reply")
        finally:
            await self.flush()
        return ok

    async def status(self, delivery_id: int) -> str | None:
        async with self._sessions() as s:
            return await s.scalar(select(Delivery.status).where(Delivery.id == delivery_id))

    async def send_notice(self, chat_id: int, text: str, kb: InlineKeyboardMarkup | None = None) -> bool:
        """A one-off message through the same limiter (reply lane); failures are logged, not raised."""
        try:
            await self._call(chat_id, text, kb)
            return True
        except TelegramForbiddenError:
            await self._on_blocked(chat_id)
        except TelegramAPIError as exc:
            log.warning("notice to a chat failed: %s", type(exc).__name__)
        return False

    # ---- workers ---------------------------------------------------------------------------------------

    def hold(self, jobs: list[Job]) -> None:
        for j in jobs:
            self._held[(j.kind, j.id)] = j

    @property
    def held(self) -> int:
        return len(self._held)

    def spawn(self, job: Job, runner: Runner) -> asyncio.Task[bool]:
        """Run a claimed job on the worker pool (at most `concurrency` requests in flight)."""
        task = asyncio.create_task(self._guarded(job, runner))
        self._tasks[task] = job
        task.add_done_callback(lambda t: self._tasks.pop(t, None))
        return task

    async def _guarded(self, job: Job, runner: Runner, lane: str = "broadcast") -> bool:
        try:
            if lane == "reply":  # a person is waiting: no queueing behind the broadcast workers
                return await self._work(job, runner, lane)
            async with self._slots:
                if self.stopping:
                    return False  # still held: released at shutdown
                return await self._work(job, runner, lane)
        finally:
            self.progress.set()

    async def _work(self, job: Job, runner: Runner, lane: str) -> bool:
        token = current_job.set(job)
        IN_FLIGHT.inc()
        try:
            if lane == "broadcast":
                with broadcast():
                    return await runner(job)
            return await runner(job)
        except JobReleased:
            return False
        except Exception as exc:
            # A bug must not leave the row claimed until its lease runs out, nor stop the others.
            log.exception("%s %d: unexpected error", job.kind, job.id)
            self._finish(job, "failed", f"internal error: {type(exc).__name__}")
            return False
        finally:
            IN_FLIGHT.dec()
            current_job.reset(token)

    async def _call(self, chat: int, text: str, kb: InlineKeyboardMarkup | None, *, paid: bool = False) -> int:
        msg = await self._bot.send_message(
            chat,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=kb,
            allow_paid_broadcast=True if paid else None,
            request_timeout=max(1, round(self.request_timeout)),
        )
        return msg.message_id

    async def _send_all(self, job: Job, texts: Callable[[int], Rendered]) -> tuple[int, int, Exception | None]:
        """Send to each caregiver its own text; returns the first (chat, message id) reached, or (0, 0) and
        the last error."""
        first: tuple[int, int] | None = None
        error: Exception | None = None
        for chat in job.chats:
            text, kb = texts(chat)
            try:
                # Only broadcasts are paid: a prompt someone asked for (/prompt) is a reply.
                paid = self.paid_broadcast and job.kind != "notice" and in_broadcast()
                msg_id = await self._call(chat, text, kb, paid=paid)
            except TelegramForbiddenError:
                log.info("%s %d: a chat blocked the bot", job.kind, job.id)
                await self._on_blocked(chat)
                DELIVERIES.labels(job.kind, "blocked").inc()
                continue
            except JobReleased:
                if first is None:
                    raise
                break
            except Exception as exc:  # classified by the caller
                error = exc
                continue
            first = first or (chat, msg_id)
        return (*(first or (0, 0)), error)

    async def run_prompt(self, job: Job) -> bool:
        now = self._clock.now()
        if job.slot_at is not None and job.slot_at < now - self._grace:
            # It waited past the grace window (downtime, a long 429 pause): missed, not sent late.
            self._finish(job, "missed", "too late to send")
            return False
        if job.content is None or not job.chats or not job.family_active:
            self._finish(
                job, "failed", "prompt no longer in the library" if job.content is None else "no reachable caregiver"
            )
            return False
        chat, msg_id, error = await self._send_all(
            job, self.locales.per_reader(job.languages, job.content, prompt_message(job.id))
        )
        if chat:
            sent_at = self._clock.now()
            due = nudge_at(sent_at, ZoneInfo(job.timezone), self._nudge_delay) if job.nudges_enabled else None
            self._mark(job, "sent", sent_at=sent_at, chat_id=chat, message_id=msg_id, last_error=None, nudge_due_at=due)
            return True
        self._fail(job, error)
        return False

    async def _run_notice(self, job: Job) -> bool:
        text = job.text or ""
        chat, _msg_id, error = await self._send_all(job, lambda _chat: (text, None))
        if chat:
            # A digest names the therapist's families: once it has gone, the text is not kept.
            self._mark(job, "sent", sent_at=self._clock.now(), last_error=None, text="")
            return True
        self._fail(job, error)
        return False

    async def _run_nudge(self, job: Job) -> bool:
        chat, _msg_id, error = await self._send_all(
            job, self.locales.per_reader(job.languages, job.content, nudge_message(job.id, job.remind_later))
        )
        now = self._clock.now()
        done = {"id": job.id, "claimed_by": None, "lease_until": None, "nudged_at": now}
        if chat:
            self._put(job, "deliveries", {**done, "nudge_status": "sent"})
            DELIVERIES.labels("nudge", "sent").inc()
            return True
        due = job.nudge_due_at or now
        if isinstance(error, TelegramRetryAfter) or (_transient(error) and now - due < self._grace):
            wait = timedelta(seconds=error.retry_after) if isinstance(error, TelegramRetryAfter) else NUDGE_RETRY
            self._put(job, "deliveries", {**done, "nudged_at": None, "nudge_status": None, "nudge_due_at": now + wait})
            DELIVERIES.labels("nudge", "retry").inc()
            return False
        log.warning("nudge for delivery %d failed: %s", job.id, type(error).__name__ if error else "all blocked")
        self._put(job, "deliveries", {**done, "nudge_status": "failed"})
        DELIVERIES.labels("nudge", "failed").inc()
        return False

    # ---- outcomes ----------------------------------------------------------------------------------------

    def _fail(self, job: Job, error: Exception | None) -> None:
        now = self._clock.now()
        if error is None:
            self._finish(job, "failed", "every caregiver has blocked the bot")
        elif isinstance(error, TelegramRetryAfter):
            # Not the row's fault: back in the queue after the pause, without using up an attempt.
            when = now + timedelta(seconds=error.retry_after)
            self._mark(job, "queued", next_attempt_at=when, attempts=max(job.attempts - 1, 0), outcome="retry")
        elif isinstance(error, TelegramBadRequest):
            log.warning("%s %d failed: %s", job.kind, job.id, error.message)
            self._finish(job, "failed", error.message)
        elif _transient(error) and job.attempts < MAX_ATTEMPTS:
            backoff = timedelta(seconds=min(self.retry_base * 2 ** (job.attempts - 1), 600))
            log.warning("%s %d: %s; retry in %s", job.kind, job.id, type(error).__name__, backoff)
            self._mark(job, "queued", next_attempt_at=now + backoff, last_error=type(error).__name__, outcome="retry")
        else:
            log.error("%s %d gave up after %d attempts: %s", job.kind, job.id, job.attempts, type(error).__name__)
            self._finish(job, "failed", f"{type(error).__name__}: {error}")

    def _finish(self, job: Job, status: str, error: str) -> None:
        if job.kind == "nudge":
            self._put(
                job, "deliveries", {"id": job.id, "nudge_status": "failed", "claimed_by": None, "lease_until": None}
            )
            DELIVERIES.labels("nudge", "failed").inc()
            return
        self._mark(job, status, last_error=error[:300])

    def _mark(self, job: Job, status: str, *, outcome: str | None = None, **values: Any) -> None:
        table = "outbox" if job.kind == "notice" else "deliveries"
        self._put(job, table, {"id": job.id, "status": status, "claimed_by": None, "lease_until": None, **values})
        DELIVERIES.labels(job.kind, outcome or status).inc()

    def _put(self, job: Job, table: str, values: dict[str, Any]) -> None:
        job.done = True
        self._held.pop((job.kind, job.id), None)
        self._marks.append((table, values))

    async def flush(self) -> None:
        """Write the outcomes gathered so far in one transaction. On a database error they wait for the next."""
        async with self._flush_lock:
            marks, self._marks = self._marks, []
            if not marks:
                return
            try:
                await self.queue.apply(marks)
            except Exception:
                log.exception("writing %d send outcomes failed; will retry", len(marks))
                self._marks[:0] = marks

    # ---- batches and shutdown ------------------------------------------------------------------------------

    async def _drain(self, claim: Callable[[int], Awaitable[list[Job]]], runner: Runner, limit: int | None) -> int:
        sent = total = 0
        while not self.stopping and await self.limiter.paused_until() is None:
            n = self.batch if limit is None else min(self.batch, limit - total)
            if n <= 0:
                break
            jobs = await claim(n)
            if not jobs:
                break
            total += len(jobs)
            self.hold(jobs)
            sent += _count(await asyncio.gather(*(self.spawn(j, runner) for j in jobs), return_exceptions=True))
            await self.flush()
        return sent

    async def stop(self, in_flight_grace: float | None = None) -> int:
        """Stop claiming, let requests in flight finish (bounded), release every other held row."""
        self.stopping = True
        grace = self.request_timeout + 1 if in_flight_grace is None else in_flight_grace
        for job in self._held.values():
            job.cancel_requested = not job.in_http
        for task, job in list(self._tasks.items()):
            if not job.in_http:
                task.cancel()
        if self._tasks:
            _done, late = await asyncio.wait(set(self._tasks), timeout=grace)
            for t in late:
                t.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self.flush()
        left = list(self._held.values())
        self._held.clear()
        await self.queue.release(left)
        if left:
            log.info("released %d claimed rows back to the queue", len(left))
            for j in left:
                DELIVERIES.labels(j.kind, "released").inc()
        return len(left)


def _transient(error: Exception | None) -> bool:
    if error is None or isinstance(error, TelegramBadRequest | TelegramForbiddenError):
        return False
    return isinstance(error, TelegramServerError | TelegramNetworkError | TelegramAPIError | asyncio.TimeoutError)


def _count(results: list[bool | BaseException]) -> int:
    return sum(1 for r in results if r is True)
