"""Builders for service tests."""

from __future__ import annotations

from datetime import time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.content import Library
from bot.domain.schedule import Cadence
from bot.services.deliveries import DeliveryService
from bot.services.families import FamilyService, Who


def services(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock, library: Library
) -> tuple[FamilyService, DeliveryService]:
    return FamilyService(sessions, clock, library, "Europe/London"), DeliveryService(sessions, clock, library)


async def onboard(
    families: FamilyService,
    telegram_id: int = 1001,
    *,
    children: tuple[tuple[str | None, int, int], ...] = (("Mia", 2023, 5),),
    tz: str = "Europe/Berlin",
    at: time = time(19, 30),
    cadence: Cadence = Cadence.daily,
) -> Who:
    who = await families.agree(telegram_id, "en")
    for nick, year, month in children:
        await families.add_child(who.family_id, nick, year, month)
    await families.update_plan(who.family_id, timezone=tz, send_time=at, cadence=cadence)
    await families.finish_onboarding(who.family_id)
    again = await families.who(telegram_id)
    assert again is not None
    return again
