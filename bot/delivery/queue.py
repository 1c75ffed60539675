"""The engine's database side: claim, lease, release and mark, for prompts, nudges and outbox notices.

Each claim is one UPDATE ... RETURNING over a small partial index (on PostgreSQL its inner SELECT skips rows
another instance holds), so claims stay fast at any history size and never need a read-then-write upgrade on
SQLite. A claim stamps the row with this instance's id and a lease; see bot.delivery.sender for the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.content import Library
from bot.db.models import Assignment, Caregiver, Child, Delivery, Family, Outbox, Response, Therapist
from bot.domain.schedule import end_of_quiet, in_quiet_hours
from bot.services.answers import DeliveryContent
from bot.services.deliveries import is_postgres


@dataclass
class Job:
    """One claimed unit of work held in memory until it is marked or released."""

    kind: str  # prompt | nudge | notice
    id: int
    attempts: int = 0
    chats: list[int] = field(default_factory=list)
    languages: dict[int, str | None] = field(default_factory=dict)  # chat -> that caregiver's stored language
    family_id: int | None = None
    slot_at: datetime | None = None
    sent_at: datetime | None = None
    timezone: str = "UTC"
    nudges_enabled: bool = False
    family_active: bool = True
    remind_later: bool = False
    content: DeliveryContent | None = None
    text: str | None = None  # notices
    nudge_due_at: datetime | None = None
    in_http: bool = False  # a request for it has left (or may have left) for Telegram
    done: bool = False  # its outcome is recorded (or queued for the writer)
    cancel_requested: bool = False  # shutting down: don't start its request


class Queue:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        library: Library,
        instance_id: str,
        lease: timedelta,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._library = library
        self.instance_id = instance_id
        self.lease = lease
        self._pg = is_postgres(sessions)

    # ---- claims ------------------------------------------------------------------------------------------

    def _claim_ids(self, table: Any, where: list[ColumnElement[bool]], order: list[Any], limit: int) -> Any:
        sub = select(table.id).where(*where).order_by(*order).limit(limit)
        if self._pg:
            sub = sub.with_for_update(skip_locked=True)
        return sub.scalar_subquery()

    async def claim_prompts(self, limit: int, only_id: int | None = None) -> list[Job]:
        now = self._clock.now()
        where = [Delivery.status == "queued", Delivery.next_attempt_at <= now]
        if only_id is not None:
            where.append(Delivery.id == only_id)
        async with self._sessions() as s, s.begin():
            ids = self._claim_ids(Delivery, where, [Delivery.next_attempt_at, Delivery.id], limit)
            claimed = (
                await s.execute(
                    update(Delivery)
                    .where(Delivery.id.in_(ids), Delivery.status == "queued")
                    .values(
                        status="sending",
                        claimed_by=self.instance_id,
                        lease_until=now + self.lease,
                        attempts=Delivery.attempts + 1,
                    )
                    .returning(Delivery.id, Delivery.attempts)
                    .execution_options(synchronize_session=False)
                )
            ).all()
            if not claimed:
                return []
            jobs = {i: Job("prompt", i, attempts=a) for i, a in claimed}
            await self._load_deliveries(s, jobs)
        return sorted(jobs.values(), key=lambda j: j.id)

    async def _load_deliveries(self, s: AsyncSession, jobs: dict[int, Job]) -> None:
        """Everything the sender needs for these deliveries, in four queries whatever their number."""
        rows = (
            await s.execute(
                select(Delivery, Family).join(Family, Family.id == Delivery.family_id).where(Delivery.id.in_(jobs))
            )
        ).all()
        fam_ids = {f.id for _, f in rows}
        chats: dict[int, list[int]] = {}
        languages: dict[int, str | None] = {}
        for fid, tid, language in (
            await s.execute(
                select(Caregiver.family_id, Caregiver.telegram_id, Caregiver.language_code)
                .where(Caregiver.family_id.in_(fam_ids), Caregiver.blocked_at.is_(None))
                .order_by(Caregiver.id)
            )
        ).all():
            chats.setdefault(fid, []).append(tid)
            languages[tid] = language
        child_ids = {d.child_id for d, _ in rows if d.child_id}
        nicks = dict((await s.execute(select(Child.id, Child.nickname).where(Child.id.in_(child_ids)))).all())
        assignment_ids = {d.assignment_id for d, _ in rows if d.assignment_id}
        assigned: dict[int, tuple[str | None, str | None, str | None]] = {}
        if assignment_ids:
            for aid, custom, note, name in (
                await s.execute(
                    select(Assignment.id, Assignment.custom_text, Assignment.note, Therapist.display_name)
                    .outerjoin(Therapist, Therapist.id == Assignment.therapist_id)
                    .where(Assignment.id.in_(assignment_ids))
                )
            ).all():
                assigned[aid] = (custom, note, name)
        for d, fam in rows:
            job = jobs[d.id]
            job.family_id, job.slot_at, job.sent_at = fam.id, d.slot_at, d.sent_at
            job.timezone, job.nudges_enabled, job.family_active = fam.timezone, fam.nudges_enabled, fam.active
            job.remind_later, job.nudge_due_at = d.remind_later, d.nudge_due_at
            job.chats = chats.get(fam.id, [])
            job.languages = {chat: languages.get(chat) for chat in job.chats}
            a_text, a_note, a_name = assigned.get(d.assignment_id or 0, (None, None, None))
            prompt = self._library.prompts.get(d.prompt_id or "")
            nick = nicks.get(d.child_id) if d.child_id else None
            job.content = (
                None if prompt is None and a_text is None else DeliveryContent(prompt, a_text, a_note, a_name, nick)
            )

    async def claim_nudges(self, limit: int) -> tuple[list[Job], list[tuple[int, datetime, str]]]:
        """Claim due nudges. Returns the jobs to send and those set aside: (id, when, 'quiet' | 'cancelled')."""
        now = self._clock.now()
        where = [
            Delivery.status == "sent",
            Delivery.nudge_status.is_(None),
            Delivery.nudge_due_at.is_not(None),
            Delivery.nudge_due_at <= now,
        ]
        async with self._sessions() as s, s.begin():
            ids = self._claim_ids(Delivery, where, [Delivery.nudge_due_at, Delivery.id], limit)
            claimed = (
                await s.execute(
                    update(Delivery)
                    .where(Delivery.id.in_(ids), Delivery.nudge_status.is_(None))
                    .values(nudge_status="sending", claimed_by=self.instance_id, lease_until=now + self.lease)
                    .returning(Delivery.id)
                    .execution_options(synchronize_session=False)
                )
            ).scalars()
            jobs = {i: Job("nudge", i) for i in claimed}
            if not jobs:
                return [], []
            await self._load_deliveries(s, jobs)
            answered = set((await s.scalars(select(Response.delivery_id).where(Response.delivery_id.in_(jobs)))).all())
            fam_ids = {j.family_id for j in jobs.values()}
            latest = dict(
                (
                    await s.execute(
                        select(Delivery.family_id, func.max(Delivery.sent_at))
                        .where(Delivery.family_id.in_(fam_ids), Delivery.status == "sent")
                        .group_by(Delivery.family_id)
                    )
                ).all()
            )
            paused = dict((await s.execute(select(Family.id, Family.paused_until).where(Family.id.in_(fam_ids)))).all())
        skipped: list[tuple[int, datetime, str]] = []
        out: list[Job] = []
        for job in sorted(jobs.values(), key=lambda j: j.id):
            tz = ZoneInfo(job.timezone)
            local = now.astimezone(tz)
            if in_quiet_hours(local.time()):
                if not job.remind_later:
                    # Due during quiet hours (after downtime, say): a reminder next morning is about a stale
                    # prompt, so it is dropped (bot.domain.schedule.nudge_at).
                    skipped.append((job.id, now, "cancelled"))
                    continue
                # 'Later today' was the parent's own request: bring it back in the morning.
                skipped.append((job.id, end_of_quiet(local, tz), "quiet"))
                continue
            newer = job.sent_at is not None and (latest.get(job.family_id or 0) or job.sent_at) > job.sent_at
            p = paused.get(job.family_id or 0)
            wanted = job.family_active and (job.nudges_enabled or job.remind_later)
            if job.id in answered or (p is not None and p > now) or not wanted or (newer and not job.remind_later):
                skipped.append((job.id, now, "cancelled"))
            else:
                out.append(job)
        return out, skipped

    async def claim_notices(self, limit: int) -> list[Job]:
        now = self._clock.now()
        where = [Outbox.status == "queued", Outbox.next_attempt_at <= now]
        async with self._sessions() as s, s.begin():
            ids = self._claim_ids(Outbox, where, [Outbox.next_attempt_at, Outbox.id], limit)
            rows = (
                await s.execute(
                    update(Outbox)
                    .where(Outbox.id.in_(ids), Outbox.status == "queued")
                    .values(
                        status="sending",
                        claimed_by=self.instance_id,
                        lease_until=now + self.lease,
                        attempts=Outbox.attempts + 1,
                    )
                    .returning(Outbox.id, Outbox.attempts, Outbox.chat_id, Outbox.text)
                    .execution_options(synchronize_session=False)
                )
            ).all()
        return [Job("notice", i, attempts=a, chats=[c], text=t) for i, a, c, t in sorted(rows)]

    # ---- leases ------------------------------------------------------------------------------------------

    async def renew(self) -> None:
        """Extend the lease of everything this instance holds: a live owner never loses its rows."""
        until = self._clock.now() + self.lease
        mine = Delivery.claimed_by == self.instance_id
        async with self._sessions() as s, s.begin():
            await s.execute(update(Delivery).where(Delivery.status == "sending", mine).values(lease_until=until))
            await s.execute(update(Delivery).where(Delivery.nudge_status == "sending", mine).values(lease_until=until))
            await s.execute(
                update(Outbox)
                .where(Outbox.status == "sending", Outbox.claimed_by == self.instance_id)
                .values(lease_until=until)
            )

    async def recover_expired(self) -> int:
        """Rows whose owner stopped renewing (killed, or cut off) go back to the queue: at-least-once.

        This instance's own rows are never taken back here: it holds them in memory and marks or releases them.
        """
        now = self._clock.now()
        others = or_(Delivery.claimed_by.is_(None), Delivery.claimed_by != self.instance_id)
        others_outbox = or_(Outbox.claimed_by.is_(None), Outbox.claimed_by != self.instance_id)
        prompt = Delivery.status == "sending", Delivery.lease_until < now, others
        nudge = Delivery.nudge_status == "sending", Delivery.lease_until < now, others
        notice = Outbox.status == "sending", Outbox.lease_until < now, others_outbox
        n = 0
        async with self._sessions() as s, s.begin():
            # Look before writing: an UPDATE takes the write lock even when nothing matches.
            probes = [select(Delivery.id).where(*prompt), select(Delivery.id).where(*nudge)]
            found = [await s.scalar(q.limit(1)) for q in probes] + [
                await s.scalar(select(Outbox.id).where(*notice).limit(1))
            ]
            if all(f is None for f in found):
                return 0
            for stmt in (
                update(Delivery)
                .where(*prompt)
                .values(status="queued", next_attempt_at=now, claimed_by=None, lease_until=None),
                update(Delivery).where(*nudge).values(nudge_status=None, claimed_by=None, lease_until=None),
                update(Outbox)
                .where(*notice)
                .values(status="queued", next_attempt_at=now, claimed_by=None, lease_until=None),
            ):
                n += int((await s.execute(stmt)).rowcount or 0)  # type: ignore[attr-defined]
        return n

    async def queue_depth(self) -> dict[str, int]:
        async with self._sessions() as s:
            prompts = await s.scalar(select(func.count()).where(Delivery.status == "queued")) or 0
            notices = await s.scalar(select(func.count()).where(Outbox.status == "queued")) or 0
        return {"prompt": int(prompts), "notice": int(notices)}

    # ---- marks -------------------------------------------------------------------------------------------

    async def apply(self, marks: list[tuple[str, dict[str, Any]]]) -> None:
        """Write a batch of outcomes in one short transaction (one writer keeps SQLite free of lock fights)."""
        by_table: dict[str, list[dict[str, Any]]] = {"deliveries": [], "outbox": []}
        for table, values in marks:
            by_table[table].append(values)
        async with self._sessions() as s, s.begin():
            for table, model in (("deliveries", Delivery), ("outbox", Outbox)):
                rows = by_table[table]
                groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
                for r in rows:
                    groups.setdefault(tuple(sorted(r)), []).append(r)
                for group in groups.values():
                    await s.execute(update(model), group)

    async def release(self, jobs: list[Job]) -> None:
        """Claimed rows that never reached the API go back to the queue as they were."""
        if not jobs:
            return
        mine = Delivery.claimed_by == self.instance_id
        async with self._sessions() as s, s.begin():
            for job in jobs:
                if job.kind == "prompt":
                    await s.execute(
                        update(Delivery)
                        .where(Delivery.id == job.id, Delivery.status == "sending", mine)
                        .values(status="queued", attempts=max(job.attempts - 1, 0), claimed_by=None, lease_until=None)
                    )
                elif job.kind == "nudge":
                    await s.execute(
                        update(Delivery)
                        .where(Delivery.id == job.id, Delivery.nudge_status == "sending", mine)
                        .values(nudge_status=None, claimed_by=None, lease_until=None)
                    )
                else:
                    await s.execute(
                        update(Outbox)
                        .where(Outbox.id == job.id, Outbox.status == "sending", Outbox.claimed_by == self.instance_id)
                        .values(status="queued", attempts=max(job.attempts - 1, 0), claimed_by=None, lease_until=None)
                    )
