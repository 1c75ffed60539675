"""Co-parents: the owner invites a caregiver by a one-time link; anyone can leave; the owner can remove.

The last caregiver leaving erases the family, after a confirmation in the handler.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.db.models import Caregiver, CaregiverInvite, Child, Family, FsmRecord
from bot.domain.status import Role
from bot.services import family_data

INVITE_TTL = timedelta(days=3)
INVITE_BYTES = 16  # 128 bits
MAX_CAREGIVERS = 6


class JoinProblem(StrEnum):
    unknown = "unknown"
    expired = "expired"
    used = "used"
    full = "full"
    has_family = "has_family"  # already a caregiver of a set-up family here


@dataclass(frozen=True)
class Member:
    caregiver_id: int
    telegram_id: int
    role: Role
    joined_at: datetime
    language: str | None = None  # their own stored language: notices to them are written in it


@dataclass(frozen=True)
class Left:
    """Who left, who is still there to tell, and whether the family is gone."""

    telegram_id: int
    others: tuple[int, ...]
    family_deleted: bool


class HouseholdService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def members(self, family_id: int) -> list[Member]:
        async with self._sessions() as s:
            rows = (
                await s.scalars(select(Caregiver).where(Caregiver.family_id == family_id).order_by(Caregiver.id))
            ).all()
        return [Member(c.id, c.telegram_id, Role(c.role), c.created_at, c.language_code) for c in rows]

    async def create_invite(self, family_id: int, caregiver_id: int) -> tuple[str, datetime] | None:
        """Only the owner invites. Returns the code and when it expires."""
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            cg = await s.get(Caregiver, caregiver_id)
            if cg is None or cg.family_id != family_id or cg.role != Role.owner:
                return None
            code = secrets.token_urlsafe(INVITE_BYTES)
            s.add(CaregiverInvite(family_id=family_id, code=code, created_at=now, expires_at=now + INVITE_TTL))
            return code, now + INVITE_TTL

    async def _check(self, s: AsyncSession, code: str) -> CaregiverInvite | JoinProblem:
        if not code or len(code) > 64:
            return JoinProblem.unknown
        inv = await s.scalar(select(CaregiverInvite).where(CaregiverInvite.code == code))
        if inv is None:
            return JoinProblem.unknown
        if inv.used_at is not None:
            return JoinProblem.used
        if inv.expires_at <= self._clock.now():
            return JoinProblem.expired
        return inv

    async def check_invite(self, code: str) -> JoinProblem | None:
        async with self._sessions() as s:
            found = await self._check(s, code)
        return found if isinstance(found, JoinProblem) else None

    async def join(self, telegram_id: int, language_code: str | None, code: str) -> int | JoinProblem:
        """Consent and joining in one step: the new caregiver shares the family's children and plan.

        A caller who had only started set-up of a family of their own leaves that empty family behind.
        Returns the family id.
        """
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            found = await self._check(s, code)
            if isinstance(found, JoinProblem):
                return found
            count = await s.scalar(
                select(func.count()).select_from(Caregiver).where(Caregiver.family_id == found.family_id)
            )
            if (count or 0) >= MAX_CAREGIVERS:
                return JoinProblem.full
            existing = await s.scalar(select(Caregiver).where(Caregiver.telegram_id == telegram_id))
            if existing is not None:
                if existing.family_id == found.family_id:
                    return found.family_id
                own = await s.get(Family, existing.family_id)
                if own is not None and own.onboarded_at is not None:
                    return JoinProblem.has_family
            claimed = await s.execute(
                update(CaregiverInvite)
                .where(CaregiverInvite.id == found.id, CaregiverInvite.used_at.is_(None))
                .values(used_at=now)
            )
            if not claimed.rowcount:  # type: ignore[attr-defined]
                return JoinProblem.used
            if existing is not None:
                old_family = existing.family_id
                existing.family_id, existing.role, existing.consented_at = found.family_id, Role.caregiver.value, now
                await s.flush()
                await s.execute(delete(Child).where(Child.family_id == old_family))
                await s.execute(delete(Family).where(Family.id == old_family))
            else:
                s.add(
                    Caregiver(
                        telegram_id=telegram_id,
                        family_id=found.family_id,
                        role=Role.caregiver.value,
                        language_code=(language_code or "")[:8] or None,
                        consented_at=now,
                        created_at=now,
                    )
                )
            return found.family_id

    async def remove(self, family_id: int, owner_caregiver_id: int, caregiver_id: int) -> int | None:
        """The owner removes another caregiver. Returns the removed person's Telegram id."""
        async with self._sessions() as s, s.begin():
            owner = await s.get(Caregiver, owner_caregiver_id)
            target = await s.get(Caregiver, caregiver_id)
            if owner is None or target is None or owner.role != Role.owner or target.id == owner.id:
                return None
            if owner.family_id != family_id or target.family_id != family_id:
                return None
            tg = target.telegram_id
            await s.delete(target)
            await s.execute(delete(FsmRecord).where(FsmRecord.key.like(f"%:{tg}:{tg}:%")))
            return tg

    async def is_last(self, family_id: int) -> bool:
        async with self._sessions() as s:
            count = await s.scalar(select(func.count()).select_from(Caregiver).where(Caregiver.family_id == family_id))
        return (count or 0) <= 1

    async def leave(self, family_id: int, caregiver_id: int) -> Left | None:
        """Leave the family. If someone stays and the owner left, the longest-standing caregiver becomes owner.
        The last one leaving erases the family (the handler confirms that first)."""
        async with self._sessions() as s, s.begin():
            me = await s.get(Caregiver, caregiver_id)
            if me is None or me.family_id != family_id:
                return None
            tg = me.telegram_id
            others = (
                await s.scalars(
                    select(Caregiver)
                    .where(Caregiver.family_id == family_id, Caregiver.id != me.id)
                    .order_by(Caregiver.id)
                )
            ).all()
            if others:
                if me.role == Role.owner:
                    others[0].role = Role.owner.value
                await s.delete(me)
                await s.execute(delete(FsmRecord).where(FsmRecord.key.like(f"%:{tg}:{tg}:%")))
                return Left(tg, tuple(o.telegram_id for o in others), family_deleted=False)
        await family_data.delete_family(self._sessions, family_id)
        return Left(tg, (), family_deleted=True)
