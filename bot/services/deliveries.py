"""The delivery engine's database side: claim due families, create deliveries, record answers.

Sending is in bot.delivery; this module never talks to Telegram.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.clock import Clock
from bot.content import Library, Prompt
from bot.db.models import Assignment, Child, Delivery, Family, Response, Therapist
from bot.domain.bands import age_months, band_for
from bot.domain.picking import ChildTurn, pick_child, pick_for_situation, pick_prompt
from bot.domain.schedule import (
    end_of_quiet,
    in_quiet_hours,
    localize,
    week_streak,
)
from bot.services.dispatch import BatchDispatcher

log = logging.getLogger(__name__)

# Statuses that count as "the family got (or is getting) this prompt" for rotation.
LIVE = ("queued", "sending", "sent")
NOTE_MAX = 280
LATER_DELAY = timedelta(hours=2)


@dataclass(frozen=True)
class DispatchResult:
    families: int
    queued: int
    missed: int


@dataclass(frozen=True)
class DeliveryContent:
    prompt: Prompt | None
    custom_text: str | None
    note: str | None
    therapist_name: str | None
    nickname: str | None


@dataclass(frozen=True)
class Answer:
    delivery_id: int
    outcome: str
    rating: int | None
    note: str | None
    changed: bool


@dataclass(frozen=True)
class HistoryItem:
    delivery_id: int
    prompt_id: str | None
    title: str
    skill: str | None
    child_nickname: str | None
    sent_at: datetime | None
    slot_at: datetime
    status: str
    outcome: str | None
    rating: int | None
    note: str | None = None
    answered_by: int | None = None  # caregiver id
    later_today: bool = False  # the parent asked for it again later and it hasn't come back yet


@dataclass(frozen=True)
class History:
    recent: list[HistoryItem]
    tried_by_skill: dict[str, int]
    tried: int
    skipped: int
    sent: int
    streak_weeks: int


def is_postgres(sessions: async_sessionmaker[AsyncSession]) -> bool:
    bind = sessions.kw.get("bind")
    return bool(bind is not None and bind.dialect.name == "postgresql")


class DeliveryService:
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

    # ---- answers -----------------------------------------------------------------------------------------

    async def owned(self, family_id: int, delivery_id: int) -> Delivery | None:
        """The delivery, only if it belongs to this family: callback data is never trusted."""
        async with self._sessions() as s:
            d = await s.get(Delivery, delivery_id, options=[selectinload(Delivery.response)])
        if d is None or d.family_id != family_id:
            return None
        return d

    async def answer(
        self,
        family_id: int,
        caregiver_id: int,
        delivery_id: int,
        *,
        outcome: str | None = None,
        rating: int | None = None,
        note: str | None = None,
        clear_note: bool = False,
    ) -> Answer | None:
        """Record or update the family's answer. Returns None if the delivery isn't theirs."""
        if outcome is not None and outcome not in ("tried", "skipped"):
            raise ValueError("bad outcome")
        if rating is not None and rating not in (1, 2, 3):
            raise ValueError("bad rating")
        if note is not None:
            note = " ".join(note.split())[:NOTE_MAX] or None
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            d = await s.get(Delivery, delivery_id, options=[selectinload(Delivery.response)], with_for_update=True)
            if d is None or d.family_id != family_id or d.status not in ("sent", "sending"):
                return None
            r = d.response
            if r is None:
                r = Response(
                    delivery_id=d.id,
                    caregiver_id=caregiver_id,
                    outcome=outcome or ("tried" if rating or note else "skipped"),
                    answered_at=now,
                    updated_at=now,
                )
                s.add(r)
                before: tuple[object, ...] = ()
            else:
                before = (r.outcome, r.rating, r.note)
            if rating is not None:
                r.outcome = "tried"
            if outcome is not None:
                r.outcome = outcome
                if outcome == "skipped":
                    r.rating = None
            if rating is not None:
                r.rating = rating
            if note is not None:
                r.note, r.note_at = note, now
            if clear_note:
                r.note, r.note_at = None, None
            r.caregiver_id = caregiver_id
            r.updated_at = now
            after = (r.outcome, r.rating, r.note)
            # An answered prompt needs no nudge.
            if d.nudge_status is None:
                d.nudge_status = "cancelled"
            return Answer(d.id, r.outcome, r.rating, r.note, changed=before != after)

    async def later(self, family_id: int, delivery_id: int) -> datetime | None:
        """Bring the prompt back later today (or at 08:00 if that would fall in quiet hours)."""
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            d = await s.get(Delivery, delivery_id, with_for_update=True)
            if d is None or d.family_id != family_id or d.status != "sent":
                return None
            fam = await s.get(Family, family_id)
            assert fam is not None
            tz = ZoneInfo(fam.timezone)
            when = now + LATER_DELAY
            local = when.astimezone(tz)
            if in_quiet_hours(local.time()):
                when = end_of_quiet(local, tz)
            d.remind_later = True
            d.nudge_due_at = when
            d.nudge_status = None
            d.nudged_at = None
            return when

    async def content_for(self, delivery_id: int) -> DeliveryContent | None:
        """What a delivery shows: the library prompt or the therapist's own text, with who sent it."""
        async with self._sessions() as s:
            d = await s.get(Delivery, delivery_id)
            if d is None:
                return None
            nick = await s.scalar(select(Child.nickname).where(Child.id == d.child_id)) if d.child_id else None
            custom = note = sender = None
            if d.assignment_id is not None:
                a = await s.get(Assignment, d.assignment_id)
                if a is not None:
                    custom, note = a.custom_text, a.note
                    sender = await s.scalar(select(Therapist.display_name).where(Therapist.id == a.therapist_id))
        prompt = self._library.prompts.get(d.prompt_id or "")
        if prompt is None and custom is None:
            return None
        return DeliveryContent(prompt, custom, note, sender, nick)

    # ---- history ----------------------------------------------------------------------------------------

    async def history(self, family_id: int, limit: int = 8) -> History:
        async with self._sessions() as s:
            fam = await s.get(Family, family_id)
            assert fam is not None
            tz = ZoneInfo(fam.timezone)
            rows = (
                await s.execute(
                    select(Delivery, Response, Child.nickname)
                    .outerjoin(Response, Response.delivery_id == Delivery.id)
                    .outerjoin(Child, Child.id == Delivery.child_id)
                    .where(Delivery.family_id == family_id, Delivery.status.in_(("sent", "missed")))
                    .order_by(Delivery.slot_at.desc(), Delivery.id.desc())
                )
            ).all()
        recent: list[HistoryItem] = []
        by_skill: Counter[str] = Counter()
        tried_days: list[date] = []
        tried = skipped = sent = 0
        for d, r, nick in rows:
            if d.status == "sent":
                sent += 1
            if r is not None and r.outcome == "tried":
                tried += 1
                if d.skill:
                    by_skill[d.skill] += 1
                tried_days.append(r.answered_at.astimezone(tz).date())
            elif r is not None:
                skipped += 1
            if len(recent) < limit and d.status == "sent":
                p = self._library.prompts.get(d.prompt_id or "")
                fallback = "A prompt from your therapist" if d.assignment_id else "A prompt"
                recent.append(
                    HistoryItem(
                        delivery_id=d.id,
                        prompt_id=d.prompt_id,
                        title=p.title if p else fallback,
                        skill=d.skill,
                        child_nickname=nick,
                        sent_at=d.sent_at,
                        slot_at=d.slot_at,
                        status=d.status,
                        outcome=r.outcome if r else None,
                        rating=r.rating if r else None,
                        note=r.note if r else None,
                        answered_by=r.caregiver_id if r else None,
                        later_today=r is None and d.remind_later and d.nudge_status is None,
                    )
                )
        today = self._clock.now().astimezone(tz).date()
        return History(
            recent=recent,
            tried_by_skill=dict(by_skill.most_common()),
            tried=tried,
            skipped=skipped,
            sent=sent,
            streak_weeks=week_streak(tried_days, today),
        )

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
