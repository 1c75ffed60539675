"""The numbers behind /progress: tries per week and per skill. Pure counting over the family's answers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.db.models import Delivery, Family, Response
from bot.domain.schedule import week_start
from bot.domain.status import Outcome


@dataclass(frozen=True)
class Progress:
    weeks: list[tuple[date, int]]  # Monday of each week, oldest first, and tries that week
    by_skill: dict[str, int]  # tries per skill over the same weeks, most first

    @property
    def total(self) -> int:
        return sum(n for _, n in self.weeks)


async def progress(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, family_id: int, weeks: int = 8
) -> Progress:
    async with sessions() as s:
        fam = await s.get(Family, family_id)
        assert fam is not None
        tz = ZoneInfo(fam.timezone)
        rows = (
            await s.execute(
                select(Response.answered_at, Delivery.skill)
                .join(Delivery, Delivery.id == Response.delivery_id)
                .where(Delivery.family_id == family_id, Response.outcome == Outcome.tried)
            )
        ).all()
    this_week = week_start(clock.now().astimezone(tz).date())
    mondays = [this_week - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    per_week: Counter[date] = Counter()
    per_skill: Counter[str] = Counter()
    for answered_at, skill in rows:
        monday = week_start(answered_at.astimezone(tz).date())
        if monday < mondays[0] or monday > this_week:
            continue
        per_week[monday] += 1
        if skill:
            per_skill[skill] += 1
    return Progress([(m, per_week[m]) for m in mondays], dict(per_skill.most_common()))
