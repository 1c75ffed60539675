"""Answers, "later today" and history: the family-facing reads and writes of a delivery.

DeliveryService (bot.services.deliveries) inherits these; they share its sessions, clock and library.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.clock import Clock
from bot.content import Library, Prompt
from bot.db.models import Assignment, Child, Delivery, Family, Response, Therapist
from bot.domain.schedule import end_of_quiet, in_quiet_hours, week_streak

NOTE_MAX = 280
LATER_DELAY = timedelta(hours=2)


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
    assigned: bool = False  # a therapist's assignment (its title, when not a library prompt, is the reader's)


@dataclass(frozen=True)
class History:
    recent: list[HistoryItem]
    tried_by_skill: dict[str, int]
    tried: int
    skipped: int
    sent: int
    streak_weeks: int


class AnswerService:
    _sessions: async_sessionmaker[AsyncSession]
    _clock: Clock
    _library: Library

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
                        assigned=d.assignment_id is not None,
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
