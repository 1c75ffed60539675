"""The delivery engine's database side: claim due families, create deliveries, record answers.

Sending is in bot.delivery; this module never talks to Telegram.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.content import Library, Prompt
from bot.db.models import Assignment, Child, Delivery, Family, Response
from bot.domain.bands import age_months, band_for
from bot.domain.picking import ChildTurn, pick_child, pick_for_situation, pick_prompt
from bot.domain.schedule import (
    end_of_quiet,
    in_quiet_hours,
    localize,
)
from bot.services.answers import AnswerService
from bot.services.dispatch import BatchDispatcher

log = logging.getLogger(__name__)

# Statuses that count as "the family got (or is getting) this prompt" for rotation.
LIVE = ("queued", "sending", "sent")


@dataclass(frozen=True)
class DispatchResult:
    families: int
    queued: int
    missed: int


def is_postgres(sessions: async_sessionmaker[AsyncSession]) -> bool:
    bind = sessions.kw.get("bind")
    return bool(bind is not None and bind.dialect.name == "postgresql")


class DeliveryService(AnswerService):
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        library: Library,
        grace: timedelta = timedelta(hours=2),
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._library = library
        self._grace = grace
        self._pg = is_postgres(sessions)
        self._batch = BatchDispatcher(library, grace)

    # ---- dispatch --------------------------------------------------------------------------------------

    async def dispatch_due(self, batch: int = 200) -> DispatchResult:
        """Claim due families, create their delivery rows and advance their schedule, in one transaction.

        On PostgreSQL the claim skips rows another instance holds, so instances never double-dispatch.
        The batch's lookups are batched too (bot.services.dispatch): a fixed number of queries per batch.
        """
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            q = (
                select(Family)
                .where(
                    Family.next_send_at.is_not(None),
                    Family.next_send_at <= now,
                    Family.active.is_(True),
                    Family.onboarded_at.is_not(None),
                )
                .order_by(Family.next_send_at)
                .limit(batch)
            )
            if self._pg:
                q = q.with_for_update(skip_locked=True, of=Family)
            families = (await s.scalars(q)).all()
            queued, missed = await self._batch.run(s, families, now)
        if families:
            log.info("dispatch: families=%d queued=%d missed=%d", len(families), queued, missed)
        return DispatchResult(len(families), queued, missed)

    async def _exists(self, s: AsyncSession, family_id: int, kind: str, slot: datetime) -> bool:
        found = await s.scalar(
            select(Delivery.id).where(Delivery.family_id == family_id, Delivery.kind == kind, Delivery.slot_at == slot)
        )
        return found is not None

    async def _insert_assignment(
        self, s: AsyncSession, family_id: int, a: Assignment, kind: str, slot: datetime, tz: ZoneInfo
    ) -> Delivery:
        prompt = self._library.prompts.get(a.prompt_id or "")
        turns = await self._turns(s, family_id, slot.astimezone(tz).date())
        turn = pick_child(turns)
        child_id = turn.child_id if turn else None
        if prompt is not None and turn is not None and turn.band != prompt.band:
            # A library prompt for another band: address the child it was written for, if there is one.
            fits = [t.child_id for t in turns if t.band == prompt.band]
            child_id = fits[0] if fits else child_id
        d = Delivery(
            family_id=family_id,
            child_id=child_id,
            prompt_id=prompt.id if prompt else None,
            band=prompt.band if prompt else None,
            skill=prompt.skill.value if prompt else None,
            kind=kind,
            slot_at=slot,
            status="queued",
            next_attempt_at=self._clock.now() if kind == "assigned" else slot,
            assignment_id=a.id,
            created_at=self._clock.now(),
        )
        s.add(d)
        a.status = "delivered"
        await s.flush()
        return d

    async def dispatch_assignments(self) -> int:
        """Assignments that don't ride on a slot: 'send now', and the end-of-week fallback."""
        now = self._clock.now()
        made = 0
        async with self._sessions() as s, s.begin():
            q = (
                select(Assignment)
                .join(Family, Family.id == Assignment.family_id)
                .where(
                    Assignment.status == "pending",
                    Assignment.deliver_at <= now,
                    Family.active.is_(True),
                )
                .order_by(Assignment.deliver_at, Assignment.id)
                .limit(200)
            )
            if self._pg:
                q = q.with_for_update(skip_locked=True, of=Assignment)
            for a in (await s.scalars(q)).all():
                fam = await s.get(Family, a.family_id)
                assert fam is not None
                tz = ZoneInfo(fam.timezone)
                week_over = now.astimezone(tz).date() >= a.week_start + timedelta(days=7)
                paused = fam.paused_until is not None and fam.paused_until > now
                if a.replaces_slot:
                    if week_over:
                        a.status = "expired"
                    elif now - a.deliver_at > self._grace:
                        # Its slot passed unused (a pause, a missed slot, changed days): fall back to the
                        # family's send time on the week's last day, as for a week with no slot left.
                        last = localize(a.week_start + timedelta(days=6), fam.send_time, tz).astimezone(UTC)
                        a.replaces_slot, a.deliver_at = False, max(last, now)
                    continue
                if paused:
                    if week_over:
                        a.status = "expired"
                    continue
                local = now.astimezone(tz)
                if in_quiet_hours(local.time()) and not _chosen_time(fam.send_time, local):
                    # No message in quiet hours unless it's the family's own send time.
                    a.deliver_at = end_of_quiet(local, tz)
                    continue
                slot = a.deliver_at
                while await self._exists(s, fam.id, "assigned", slot):
                    slot += timedelta(milliseconds=1)
                await self._insert_assignment(s, fam.id, a, "assigned", slot, tz)
                made += 1
        return made

    async def _turns(self, s: AsyncSession, family_id: int, on: date) -> list[ChildTurn]:
        """Each child with its band on `on` and its last prompt, in the family's order."""
        children = (await s.scalars(select(Child).where(Child.family_id == family_id).order_by(Child.position))).all()
        if not children:
            return []
        last = dict(
            (
                await s.execute(
                    select(Delivery.child_id, func.max(Delivery.slot_at))
                    .where(Delivery.family_id == family_id, Delivery.status.in_(LIVE))
                    .group_by(Delivery.child_id)
                )
            ).all()
        )
        return [
            ChildTurn(
                child_id=c.id,
                band=band_for(c.birth_year, c.birth_month, on, self._library.bands),
                last_delivery_at=last.get(c.id),
                position=c.position,
                age_months=age_months(c.birth_year, c.birth_month, on),
            )
            for c in children
        ]

    async def _choose(self, s: AsyncSession, family_id: int, on: date) -> tuple[int, Prompt] | None:
        """The child whose turn it is, and the next prompt for them."""
        turn = pick_child(await self._turns(s, family_id, on))
        if turn is None or turn.band is None:
            return None
        library = self._library.by_band.get(turn.band) or []
        if not library:
            return None
        rows = (
            await s.execute(
                select(Delivery.prompt_id, Response.outcome)
                .outerjoin(Response, Response.delivery_id == Delivery.id)
                .where(
                    Delivery.child_id == turn.child_id,
                    Delivery.status.in_(LIVE),
                    Delivery.prompt_id.is_not(None),
                )
                .order_by(Delivery.slot_at, Delivery.id)
            )
        ).all()
        history = [pid for pid, _ in rows if pid]
        tried = {pid for pid, outcome in rows if pid and outcome == "tried"}
        return turn.child_id, pick_prompt(library, history, age_months=turn.age_months, tried=tried)

    async def situation_prompt(self, family_id: int, child_id: int, situation: str) -> Prompt | None:
        """A situation prompt for one child, for help in the moment; None when none fits the child's band and age.

        The child must belong to the family (ids from a button are never trusted). Prompts already delivered to
        the child come last, so a family asking again gets another idea.
        """
        async with self._sessions() as s:
            child = await s.get(Child, child_id)
            fam = await s.get(Family, family_id)
            if child is None or fam is None or child.family_id != family_id:
                return None
            on = self._clock.now().astimezone(ZoneInfo(fam.timezone)).date()
            band = band_for(child.birth_year, child.birth_month, on, self._library.bands)
            if band is None:
                return None
            history = (
                await s.scalars(
                    select(Delivery.prompt_id)
                    .where(Delivery.child_id == child_id, Delivery.prompt_id.is_not(None))
                    .order_by(Delivery.slot_at, Delivery.id)
                )
            ).all()
        months = age_months(child.birth_year, child.birth_month, on)
        return pick_for_situation(
            self._library.by_band.get(band, []), situation, [h for h in history if h], age_months=months
        )

    async def create_now(self, family_id: int) -> int | None:
        """A prompt on request (/prompt): the next in sequence, queued for immediate sending."""
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            fam = await s.get(Family, family_id)
            if fam is None:
                return None
            choice = await self._choose(s, family_id, now.astimezone(ZoneInfo(fam.timezone)).date())
            if choice is None:
                return None
            child_id, prompt = choice
            # On-demand prompts share the (family, kind, slot) key; two requests in one instant take the next one.
            latest = await s.scalar(
                select(func.max(Delivery.slot_at)).where(Delivery.family_id == family_id, Delivery.kind == "now")
            )
            slot = max(now, latest + timedelta(milliseconds=1)) if latest else now
            d = Delivery(
                family_id=family_id,
                child_id=child_id,
                prompt_id=prompt.id,
                band=prompt.band,
                skill=prompt.skill.value,
                kind="now",
                slot_at=slot,
                status="queued",
                next_attempt_at=now,
                created_at=now,
            )
            s.add(d)
            await s.flush()
            return d.id

    # ---- housekeeping --------------------------------------------------------------------------------

    async def release_stale_leases(self) -> int:
        """Rows left 'sending' by an instance that stopped renewing its lease (a crash) go back to the queue.

        The delivery engine (bot.delivery) does this itself; see bot.delivery.sender for the whole rule."""
        now = self._clock.now()
        stale = Delivery.status == "sending", Delivery.lease_until < now
        async with self._sessions() as s, s.begin():
            # Look before writing: on SQLite an UPDATE takes the database's write lock even when nothing matches.
            if await s.scalar(select(Delivery.id).where(*stale).limit(1)) is None:
                return 0
            res = await s.execute(
                update(Delivery)
                .where(*stale)
                .values(status="queued", next_attempt_at=now, claimed_by=None, lease_until=None)
            )
            return int(res.rowcount or 0)  # type: ignore[attr-defined]


def _chosen_time(send_time: time, local: datetime) -> bool:
    """Within the family's own send-time minute window (they chose it, even inside quiet hours)."""
    chosen = datetime.combine(local.date(), send_time, local.tzinfo)
    return abs((local.replace(second=0, microsecond=0) - chosen).total_seconds()) < 15 * 60
