"""The delivery engine's database side, on a real migrated database (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.engine import create_engine, session_factory
from bot.db.models import Delivery, Family
from bot.domain.bands import age_months
from bot.domain.schedule import Cadence
from bot.services.deliveries import DeliveryService
from tests.service.helpers import onboard, services

BERLIN = ZoneInfo("Europe/Berlin")


async def _deliveries(sessions: async_sessionmaker[AsyncSession], family_id: int) -> list[Delivery]:
    async with sessions() as s:
        return list(
            (await s.scalars(select(Delivery).where(Delivery.family_id == family_id).order_by(Delivery.slot_at))).all()
        )


async def _mark_all_sent(sessions: async_sessionmaker[AsyncSession], clock: FakeClock) -> None:
    async with sessions() as s, s.begin():
        for d in (await s.scalars(select(Delivery).where(Delivery.status == "queued"))).all():
            d.status = "sent"
            d.sent_at = clock.now()


async def test_onboarding_schedules_first_slot_in_family_zone(sessions, clock, library) -> None:
    families, _ = services(sessions, clock, library)
    who = await onboard(families)  # Monday 2026-03-02 10:00 Berlin; 19:30 daily
    view = await families.view(who.family_id)
    assert view.onboarded and view.active
    assert view.next_send_at == datetime(2026, 3, 2, 19, 30, tzinfo=BERLIN).astimezone(UTC)
    assert [c.band for c in view.children] == ["toddler"]


async def test_due_family_gets_exactly_one_delivery_per_slot(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    who = await onboard(families)
    clock.set(datetime(2026, 3, 2, 19, 30, 10, tzinfo=BERLIN))
    first = await deliveries.dispatch_due()
    again = await deliveries.dispatch_due()
    assert (first.queued, again.queued) == (1, 0)
    rows = await _deliveries(sessions, who.family_id)
    assert len(rows) == 1
    d = rows[0]
    assert d.status == "queued" and d.band == "toddler" and d.prompt_id in library.prompts
    assert d.slot_at == datetime(2026, 3, 2, 19, 30, tzinfo=BERLIN).astimezone(UTC)
    view = await families.view(who.family_id)
    assert view.next_send_at == datetime(2026, 3, 3, 19, 30, tzinfo=BERLIN).astimezone(UTC)


async def test_restart_does_not_dispatch_a_slot_twice(sessions, clock, library, db_url) -> None:
    families, deliveries = services(sessions, clock, library)
    who = await onboard(families)
    clock.set(datetime(2026, 3, 2, 19, 31, tzinfo=BERLIN))
    await deliveries.dispatch_due()
    # A second process (a restart, or a second instance) with its own engine sees the same database.
    other_engine = create_engine(db_url)
    try:
        other = DeliveryService(session_factory(other_engine), clock, library)
        assert (await other.dispatch_due()).queued == 0
    finally:
        await other_engine.dispose()
    assert len(await _deliveries(sessions, who.family_id)) == 1


async def test_concurrent_dispatchers_never_duplicate(sessions, clock, library, db_url) -> None:
    families, _ = services(sessions, clock, library)
    for i in range(12):
        await onboard(families, telegram_id=5000 + i)
    clock.set(datetime(2026, 3, 2, 19, 31, tzinfo=BERLIN))
    engines = [create_engine(db_url) for _ in range(3)]
    try:
        workers = [DeliveryService(session_factory(e), clock, library) for e in engines]
        results = await asyncio.gather(*(w.dispatch_due() for w in workers), return_exceptions=True)
    finally:
        for e in engines:
            await e.dispose()
    queued = sum(r.queued for r in results if not isinstance(r, BaseException))
    async with sessions() as s:
        total = await s.scalar(select(func.count()).select_from(Delivery))
        per_family = (await s.execute(select(Delivery.family_id, func.count()).group_by(Delivery.family_id))).all()
    assert total == 12 == queued
    assert all(n == 1 for _, n in per_family)


async def test_slot_older_than_grace_is_recorded_missed_not_sent(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    who = await onboard(families)
    # The server was down for three days and comes back at 19:45 on Thursday.
    clock.set(datetime(2026, 3, 5, 19, 45, tzinfo=BERLIN))
    result = await deliveries.dispatch_due()
    assert (result.missed, result.queued) == (3, 1)
    rows = await _deliveries(sessions, who.family_id)
    assert [r.status for r in rows] == ["missed", "missed", "missed", "queued"]
    assert all(r.prompt_id is None for r in rows[:3])
    view = await families.view(who.family_id)
    assert view.next_send_at == datetime(2026, 3, 6, 19, 30, tzinfo=BERLIN).astimezone(UTC)


async def test_back_at_3am_sends_nothing_late(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    who = await onboard(families)
    clock.set(datetime(2026, 3, 3, 3, 0, tzinfo=BERLIN))
    result = await deliveries.dispatch_due()
    assert (result.missed, result.queued) == (1, 0)
    assert [r.status for r in await _deliveries(sessions, who.family_id)] == ["missed"]


async def test_paused_family_gets_nothing_until_resume(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    who = await onboard(families)
    view = await families.pause(who.family_id, date(2026, 3, 9))
    assert view.next_send_at == datetime(2026, 3, 9, 19, 30, tzinfo=BERLIN).astimezone(UTC)
    clock.set(datetime(2026, 3, 6, 20, 0, tzinfo=BERLIN))
    assert (await deliveries.dispatch_due()).queued == 0
    view = await families.resume(who.family_id)
    assert view.paused_until is None
    assert view.next_send_at == datetime(2026, 3, 7, 19, 30, tzinfo=BERLIN).astimezone(UTC)


async def test_prompts_do_not_repeat_until_band_library_is_used_up(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    who = await onboard(families, children=((None, 2021, 1),))
    # Born January 2021: a school-age child; only the band's scheduled prompts that fit the age are in turn.
    months = age_months(2021, 1, clock.now().date())
    pool = {p.id for p in library.scheduled("school") if p.fits_age(months)}
    size = len(pool)
    seen: list[str] = []
    for _ in range(size + 3):
        await deliveries.create_now(who.family_id)
        await _mark_all_sent(sessions, clock)
        clock.advance(minutes=1)
    rows = await _deliveries(sessions, who.family_id)
    seen = [r.prompt_id for r in rows if r.prompt_id]
    assert len(set(seen[:size])) == size, "a prompt repeated before the library was used up"
    assert set(seen) == pool, "a situation prompt or one for another age went on the timer"
    assert set(seen[size:]) <= set(seen[:size])
    # Skills rotate: two prompts in a row never teach the same skill while others remain unused.
    skills = [library.prompts[p].skill for p in seen[:8]]
    assert all(a != b for a, b in itertools.pairwise(skills))


async def test_children_take_turns(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    who = await onboard(families, children=(("Mia", 2023, 5), ("Sam", 2018, 2), ("Kai", 2011, 9)))
    bands = []
    for _ in range(6):
        await deliveries.create_now(who.family_id)
        await _mark_all_sent(sessions, clock)
        clock.advance(minutes=5)
    rows = await _deliveries(sessions, who.family_id)
    bands = [r.band for r in rows]
    assert bands == ["toddler", "school", "teen", "toddler", "school", "teen"]


async def test_band_is_computed_on_the_delivery_date(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    # Turns 5 in April 2026: a toddler in March, school-age from 1 April.
    who = await onboard(families, children=(("Leo", 2021, 4),))
    clock.set(datetime(2026, 3, 31, 19, 31, tzinfo=BERLIN))
    async with sessions() as s, s.begin():
        fam = await s.get(Family, who.family_id)
        assert fam is not None
        fam.next_send_at = datetime(2026, 3, 31, 19, 30, tzinfo=BERLIN).astimezone(UTC)
    await deliveries.dispatch_due()
    clock.set(datetime(2026, 4, 1, 19, 31, tzinfo=BERLIN))
    await deliveries.dispatch_due()
    rows = await _deliveries(sessions, who.family_id)
    assert [r.band for r in rows] == ["toddler", "school"]


async def test_dst_spring_forward_slot_moves_to_first_valid_minute(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    clock.set(datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    who = await onboard(families, at=time(2, 30), cadence=Cadence.daily)
    # 29 March 2026 02:30 does not exist in Berlin; the slot is 03:00 local.
    clock.set(datetime(2026, 3, 29, 0, 0, tzinfo=UTC))
    view = await families.view(who.family_id)
    assert view.next_send_at == datetime(2026, 3, 29, 3, 0, tzinfo=BERLIN).astimezone(UTC)
    clock.set(datetime(2026, 3, 29, 3, 1, tzinfo=BERLIN))
    assert (await deliveries.dispatch_due()).queued == 1


async def test_inactive_family_is_not_dispatched_and_start_reactivates(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    who = await onboard(families)
    await families.mark_blocked(who.telegram_id)
    view = await families.view(who.family_id)
    assert not view.active and view.next_send_at is None
    clock.set(datetime(2026, 3, 2, 19, 31, tzinfo=BERLIN))
    assert (await deliveries.dispatch_due()).queued == 0
    assert await families.reactivate(who.telegram_id)
    view = await families.view(who.family_id)
    assert view.active and view.next_send_at == datetime(2026, 3, 3, 19, 30, tzinfo=BERLIN).astimezone(UTC)


async def test_a_very_long_outage_ends_in_one_tick(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    who = await onboard(families)
    # Back after 100 days, half an hour after a slot: inside the grace window of that slot.
    clock.set(datetime(2026, 6, 10, 19, 30, tzinfo=BERLIN))
    result = await asyncio.wait_for(deliveries.dispatch_due(), 10)
    assert result.queued == 1 and 1 <= result.missed <= 61
    view = await families.view(who.family_id)
    assert view.next_send_at == datetime(2026, 6, 11, 19, 30, tzinfo=BERLIN).astimezone(UTC)
