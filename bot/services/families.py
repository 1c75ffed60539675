"""Family set-up and settings: consent, children, timezone, time, days, pause; export and delete delegate
to bot.services.family_data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.clock import Clock
from bot.content import Library
from bot.db.models import Caregiver, Child, Family
from bot.domain.bands import BirthCheck, band_for, validate_birth
from bot.domain.schedule import Cadence, days_for, days_mask, next_slot
from bot.domain.status import Role
from bot.services import family_data
from bot.services.family_data import NotFound
from bot.services.progress import Progress, progress

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
    role: Role = Role.owner
    language: str | None = None  # their own language, stored at consent or chosen with /language


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
    days: frozenset[int]
    nudges_enabled: bool
    paused_until: datetime | None
    active: bool
    next_send_at: datetime | None
    onboarded: bool
    children: tuple[ChildView, ...]


__all__ = ["ChildView", "FamilyService", "FamilyView", "NotFound", "Who", "clean_nickname"]


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
            role=Role(cg.role),
            language=cg.language_code,
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
            days=days_for(fam.cadence, fam.custom_days),
            nudges_enabled=fam.nudges_enabled,
            paused_until=fam.paused_until,
            active=fam.active,
            next_send_at=fam.next_send_at,
            onboarded=fam.onboarded_at is not None,
            children=children,
        )

    # ---- consent and onboarding ----------------------------------------------------------------------

    async def agree(self, telegram_id: int, language_code: str | None) -> Who:
        """Record consent: the first moment anything beyond the Telegram id is stored (with the language the
        person is being spoken to in)."""
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
                        role=Role.owner.value,
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

    async def edit_child(
        self, family_id: int, child_id: int, *, nickname: str | None = None, birth: tuple[int, int] | None = None
    ) -> ChildView | None:
        """Change a child's nickname or birth month. None if the child isn't the family's."""
        nickname = clean_nickname(nickname)
        async with self._sessions() as s, s.begin():
            fam = await s.get(Family, family_id, options=[selectinload(Family.children)], with_for_update=True)
            child = next((c for c in fam.children if c.id == child_id), None) if fam else None
            if fam is None or child is None:
                return None
            if nickname is not None:
                child.nickname = nickname
            if birth is not None:
                check = self.check_birth(*birth, fam.timezone)
                if check is not BirthCheck.ok:
                    raise ValueError(check.value)
                child.birth_year, child.birth_month = birth
            view = self._view(fam)
        return next(c for c in view.children if c.id == child_id)

    async def update_plan(
        self,
        family_id: int,
        *,
        timezone: str | None = None,
        send_time: time | None = None,
        cadence: Cadence | None = None,
        days: frozenset[int] | None = None,
        nudges_enabled: bool | None = None,
    ) -> FamilyView:
        """Change the plan. ``days`` (any non-empty set of weekdays) makes the cadence custom."""
        if days is not None and not days:
            raise ValueError("no days")
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
                fam.custom_days = None
            if days is not None:
                fam.cadence, fam.custom_days = Cadence.custom.value, days_mask(days)
            if nudges_enabled is not None:
                fam.nudges_enabled = nudges_enabled
            # Toggling reminders must not move a slot that is due but not yet dispatched.
            plan_changed = any(x is not None for x in (timezone, send_time, cadence, days))
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
        fam.next_send_at = next_slot(
            after, ZoneInfo(fam.timezone), fam.send_time, days_for(fam.cadence, fam.custom_days)
        )

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

    async def progress(self, family_id: int) -> Progress:
        return await progress(self._sessions, self._clock, family_id)

    # ---- export and delete (bot.services.family_data) ------------------------------------------------

    async def export(self, family_id: int) -> dict[str, Any]:
        return await family_data.export(self._sessions, self._clock, family_id)

    async def export_json(self, family_id: int) -> bytes:
        return json.dumps(await self.export(family_id), indent=2, ensure_ascii=False).encode()

    async def delete_family(self, family_id: int) -> list[int]:
        """Erase the family and everything linked to it. Returns the caregivers' Telegram ids."""
        return await family_data.delete_family(self._sessions, family_id)


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
