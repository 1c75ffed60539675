"""Family set-up and settings: consent, children, timezone, time, days, pause, delete, export."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.clock import Clock
from bot.content import Library
from bot.db.models import (
    Assignment,
    Caregiver,
    Child,
    ClientInvite,
    Delivery,
    Family,
    FsmRecord,
    Response,
    Therapist,
    TherapistLink,
)
from bot.domain.bands import BirthCheck, band_for, validate_birth
from bot.domain.schedule import CADENCE_DAYS, Cadence, next_slot

MAX_CHILDREN = 8
NICKNAME_MAX = 32


@dataclass(frozen=True)
class Who:
    """The caller as the database knows them; loaded once per update."""

    telegram_id: int
    caregiver_id: int
    family_id: int
    onboarded: bool
    active: bool
    blocked: bool


@dataclass(frozen=True)
class ChildView:
    id: int
    nickname: str | None
    birth_year: int
    birth_month: int
    band: str | None


@dataclass(frozen=True)
class FamilyView:
    id: int
    timezone: str
    send_time: time
    cadence: Cadence
    nudges_enabled: bool
    paused_until: datetime | None
    active: bool
    next_send_at: datetime | None
    onboarded: bool
    children: tuple[ChildView, ...]


class NotFound(Exception):
    pass


class FamilyService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        library: Library,
        default_timezone: str,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._library = library
        self._default_tz = default_timezone

    # ---- lookups -------------------------------------------------------------------------------------

    async def who(self, telegram_id: int) -> Who | None:
        async with self._sessions() as s:
            row = (
                await s.execute(
                    select(Caregiver, Family)
                    .join(Family, Caregiver.family_id == Family.id)
                    .where(Caregiver.telegram_id == telegram_id)
                )
            ).first()
        if row is None:
            return None
        cg, fam = row
        return Who(
            telegram_id=telegram_id,
            caregiver_id=cg.id,
            family_id=fam.id,
            onboarded=fam.onboarded_at is not None,
            active=fam.active,
            blocked=cg.blocked_at is not None,
        )

    async def view(self, family_id: int) -> FamilyView:
        async with self._sessions() as s:
            fam = await s.get(Family, family_id, options=[selectinload(Family.children)])
            if fam is None:
                raise NotFound(family_id)
            return self._view(fam)

    def _view(self, fam: Family) -> FamilyView:
        today = self._clock.now().astimezone(ZoneInfo(fam.timezone)).date()
        children = tuple(
            ChildView(
                id=c.id,
                nickname=c.nickname,
                birth_year=c.birth_year,
                birth_month=c.birth_month,
                band=band_for(c.birth_year, c.birth_month, today, self._library.bands),
            )
            for c in fam.children
        )
        return FamilyView(
            id=fam.id,
            timezone=fam.timezone,
            send_time=fam.send_time,
            cadence=Cadence(fam.cadence),
            nudges_enabled=fam.nudges_enabled,
            paused_until=fam.paused_until,
            active=fam.active,
            next_send_at=fam.next_send_at,
            onboarded=fam.onboarded_at is not None,
            children=children,
        )

    async def share_notes(self, family_id: int) -> bool:
        async with self._sessions() as s:
            return bool(await s.scalar(select(Family.share_notes).where(Family.id == family_id)))

    # ---- consent and onboarding ----------------------------------------------------------------------

    async def agree(self, telegram_id: int, language_code: str | None) -> Who:
        """Record consent: the first moment anything beyond the Telegram id is stored."""
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            existing = await s.scalar(select(Caregiver).where(Caregiver.telegram_id == telegram_id))
            if existing is None:
                fam = Family(timezone=self._default_tz, cadence=Cadence.three.value, created_at=now)
                s.add(fam)
                await s.flush()
                s.add(
                    Caregiver(
                        telegram_id=telegram_id,
                        family_id=fam.id,
                        role="owner",
                        language_code=(language_code or "")[:8] or None,
                        consented_at=now,
                        created_at=now,
                    )
                )
        who = await self.who(telegram_id)
        assert who is not None
        return who

    def check_birth(self, year: int, month: int, tz: str | None = None) -> BirthCheck:
        today = self._clock.now().astimezone(ZoneInfo(tz or self._default_tz)).date()
        return validate_birth(year, month, today, self._library.bands)

    async def add_child(self, family_id: int, nickname: str | None, year: int, month: int) -> ChildView:
        nickname = clean_nickname(nickname)
        async with self._sessions() as s, s.begin():
            fam = await s.get(Family, family_id, options=[selectinload(Family.children)], with_for_update=True)
            if fam is None:
                raise NotFound(family_id)
            if len(fam.children) >= MAX_CHILDREN:
                raise ValueError("too many children")
            check = self.check_birth(year, month, fam.timezone)
            if check is not BirthCheck.ok:
                raise ValueError(check.value)
            pos = max((c.position for c in fam.children), default=-1) + 1
            child = Child(
                family_id=family_id,
                nickname=nickname,
                birth_year=year,
                birth_month=month,
                position=pos,
                created_at=self._clock.now(),
            )
            s.add(child)
            await s.flush()
            fam.children.append(child)
            view = self._view(fam)
        return next(c for c in view.children if c.id == child.id)

    async def remove_child(self, family_id: int, child_id: int) -> bool:
        """Callback data names the child; it must belong to the caller's family."""
        async with self._sessions() as s, s.begin():
            child = await s.get(Child, child_id)
            if child is None or child.family_id != family_id:
                return False
            count = await s.scalar(select(func.count()).select_from(Child).where(Child.family_id == family_id))
            if (count or 0) <= 1:
                raise ValueError("last child")
            await s.delete(child)
        return True

    async def update_plan(
        self,
        family_id: int,
        *,
        timezone: str | None = None,
        send_time: time | None = None,
        cadence: Cadence | None = None,
        nudges_enabled: bool | None = None,
    ) -> FamilyView:
        async with self._sessions() as s, s.begin():
            fam = await s.get(Family, family_id, options=[selectinload(Family.children)], with_for_update=True)
            if fam is None:
                raise NotFound(family_id)
            if timezone is not None:
                ZoneInfo(timezone)  # validated by the caller; this guards against a forged value
                fam.timezone = timezone
            if send_time is not None:
                fam.send_time = send_time.replace(second=0, microsecond=0)
            if cadence is not None:
                fam.cadence = Cadence(cadence).value
            if nudges_enabled is not None:
                fam.nudges_enabled = nudges_enabled
            # Toggling reminders must not move a slot that is due but not yet dispatched.
            plan_changed = timezone is not None or send_time is not None or cadence is not None
            if fam.onboarded_at is not None and plan_changed:
                self._reschedule(fam)
            return self._view(fam)

    async def finish_onboarding(self, family_id: int) -> FamilyView:
        async with self._sessions() as s, s.begin():
            fam = await s.get(Family, family_id, options=[selectinload(Family.children)], with_for_update=True)
            if fam is None:
                raise NotFound(family_id)
            if fam.onboarded_at is None:
                fam.onboarded_at = self._clock.now()
            fam.active = True
            self._reschedule(fam)
            return self._view(fam)

    def _reschedule(self, fam: Family) -> None:
        now = self._clock.now()
        if not fam.active:
            fam.next_send_at = None
            return
        after = now
        if fam.paused_until is not None and fam.paused_until > now:
            after = fam.paused_until
        fam.next_send_at = next_slot(after, ZoneInfo(fam.timezone), fam.send_time, CADENCE_DAYS[Cadence(fam.cadence)])

    # ---- pause, resume, block ------------------------------------------------------------------------

    async def pause(self, family_id: int, until_local: date) -> FamilyView:
        """Pause until the start of a local date; the first prompt after is the first slot on/after it."""
        async with self._sessions() as s, s.begin():
            fam = await s.get(Family, family_id, options=[selectinload(Family.children)], with_for_update=True)
            if fam is None:
                raise NotFound(family_id)
            tz = ZoneInfo(fam.timezone)
            fam.paused_until = datetime.combine(until_local, time(0, 0), tz).astimezone(UTC)
            self._reschedule(fam)
            return self._view(fam)

    async def resume(self, family_id: int) -> FamilyView:
        async with self._sessions() as s, s.begin():
            fam = await s.get(Family, family_id, options=[selectinload(Family.children)], with_for_update=True)
            if fam is None:
                raise NotFound(family_id)
            fam.paused_until = None
            self._reschedule(fam)
            return self._view(fam)

    async def mark_blocked(self, telegram_id: int) -> bool:
        """The caregiver blocked the bot. With no caregiver left to reach, the family stops receiving."""
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            cg = await s.scalar(select(Caregiver).where(Caregiver.telegram_id == telegram_id))
            if cg is None:
                return False
            cg.blocked_at = cg.blocked_at or now
            await s.flush()
            fam = await s.get(Family, cg.family_id, options=[selectinload(Family.caregivers)])
            assert fam is not None
            if all(c.blocked_at is not None for c in fam.caregivers):
                fam.active = False
                fam.next_send_at = None
        return True

    async def reactivate(self, telegram_id: int) -> bool:
        """A later /start or an unblock brings the family back; returns True if it had been inactive."""
        async with self._sessions() as s, s.begin():
            cg = await s.scalar(select(Caregiver).where(Caregiver.telegram_id == telegram_id))
            if cg is None:
                return False
            was_blocked = cg.blocked_at is not None
            cg.blocked_at = None
            fam = await s.get(Family, cg.family_id, with_for_update=True)
            assert fam is not None
            was_inactive = not fam.active
            fam.active = True
            if fam.onboarded_at is not None and (was_inactive or fam.next_send_at is None):
                self._reschedule(fam)
            return was_inactive or was_blocked

    # ---- export and delete ---------------------------------------------------------------------------

    async def export(self, family_id: int) -> dict[str, Any]:
        async with self._sessions() as s:
            fam = await s.get(
                Family, family_id, options=[selectinload(Family.children), selectinload(Family.caregivers)]
            )
            if fam is None:
                raise NotFound(family_id)
            deliveries = (
                await s.scalars(
                    select(Delivery)
                    .where(Delivery.family_id == family_id)
                    .options(selectinload(Delivery.response))
                    .order_by(Delivery.slot_at)
                )
            ).all()
            links = (
                await s.execute(
                    select(TherapistLink, Therapist.display_name)
                    .join(Therapist, Therapist.id == TherapistLink.therapist_id)
                    .where(TherapistLink.family_id == family_id)
                )
            ).all()
            assignments = (
                await s.execute(
                    select(Assignment, Therapist.display_name)
                    .join(Therapist, Therapist.id == Assignment.therapist_id)
                    .where(Assignment.family_id == family_id)
                    .order_by(Assignment.id)
                )
            ).all()
            return {
                "exported_at": _iso(self._clock.now()),
                "therapist_links": [
                    {
                        "therapist": name,
                        "status": link.status,
                        "accepted_at": _iso(link.accepted_at),
                        "revoked_at": _iso(link.revoked_at),
                    }
                    for link, name in links
                ],
                "assignments_received": [
                    {
                        "id": a.id,
                        "from": name,
                        "prompt_id": a.prompt_id,
                        "text": a.custom_text,
                        "note": a.note,
                        "week_start": a.week_start.isoformat(),
                        "status": a.status,
                    }
                    for a, name in assignments
                ],
                "family": {
                    "timezone": fam.timezone,
                    "send_time": fam.send_time.strftime("%H:%M"),
                    "days": fam.cadence,
                    "nudges": fam.nudges_enabled,
                    "share_notes_with_therapists": fam.share_notes,
                    "paused_until": _iso(fam.paused_until),
                    "active": fam.active,
                    "created_at": _iso(fam.created_at),
                },
                "caregivers": [
                    {"telegram_id": c.telegram_id, "role": c.role, "consented_at": _iso(c.consented_at)}
                    for c in fam.caregivers
                ],
                "children": [
                    {
                        "id": c.id,
                        "nickname": c.nickname,
                        "birth": f"{c.birth_year:04d}-{c.birth_month:02d}",
                    }
                    for c in fam.children
                ],
                "deliveries": [_delivery_json(d) for d in deliveries],
            }

    async def export_json(self, family_id: int) -> bytes:
        return json.dumps(await self.export(family_id), indent=2, ensure_ascii=False).encode()

    async def delete_family(self, family_id: int) -> list[int]:
        """Erase the family and everything linked to it. Returns the caregivers' Telegram ids."""
        async with self._sessions() as s, s.begin():
            tg_ids = list(
                (await s.scalars(select(Caregiver.telegram_id).where(Caregiver.family_id == family_id))).all()
            )
            # Explicit deletes, child tables first: correct even where a backend ignores ON DELETE.
            delivery_ids = select(Delivery.id).where(Delivery.family_id == family_id)
            await s.execute(delete(Response).where(Response.delivery_id.in_(delivery_ids)))
            await s.execute(delete(Delivery).where(Delivery.family_id == family_id))
            await s.execute(delete(Assignment).where(Assignment.family_id == family_id))
            await s.execute(delete(TherapistLink).where(TherapistLink.family_id == family_id))
            await s.execute(
                update(ClientInvite).where(ClientInvite.used_by_family_id == family_id).values(used_by_family_id=None)
            )
            await s.execute(delete(Child).where(Child.family_id == family_id))
            await s.execute(delete(Caregiver).where(Caregiver.family_id == family_id))
            await s.execute(delete(Family).where(Family.id == family_id))
            for tg in tg_ids:
                await s.execute(delete(FsmRecord).where(FsmRecord.key.like(f"%:{tg}:{tg}:%")))
        return tg_ids


def clean_nickname(nickname: str | None) -> str | None:
    if nickname is None:
        return None
    cleaned = " ".join(nickname.split())
    cleaned = "".join(ch for ch in cleaned if ch.isprintable())
    if not cleaned:
        return None
    if len(cleaned) > NICKNAME_MAX:
        raise ValueError("nickname too long")
    return cleaned


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(UTC).isoformat() if dt else None


def _delivery_json(d: Delivery) -> dict[str, Any]:
    r = d.response
    return {
        "id": d.id,
        "child_id": d.child_id,
        "prompt_id": d.prompt_id,
        "band": d.band,
        "skill": d.skill,
        "kind": d.kind,
        "slot_at": _iso(d.slot_at),
        "status": d.status,
        "sent_at": _iso(d.sent_at),
        "nudge": d.nudge_status,
        "assignment_id": d.assignment_id,
        "response": None
        if r is None
        else {
            "outcome": r.outcome,
            "rating": r.rating,
            "note": r.note,
            "answered_at": _iso(r.answered_at),
            "updated_at": _iso(r.updated_at),
        },
    }
