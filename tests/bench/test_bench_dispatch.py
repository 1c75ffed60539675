"""Dispatch throughput: ``DeliveryService.dispatch_due`` over 2000 due families on a real migrated database.

SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (the ``db_url`` fixture is parametrised).
Each family already has HISTORY sent deliveries, so choosing the next child and prompt reads a realistic history.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.content import Library
from bot.db.engine import create_engine, session_factory
from bot.db.models import Delivery, Family
from bot.services.deliveries import DeliveryService, DispatchResult
from tests.bench.seed import Seeded, count_deliveries, seed_families
from tests.bench.util import atimed, atraced, mib, report, us

N = 2000
HISTORY = 10
BATCH = 500
TRACED_BATCH = 200  # tracemalloc slows dispatch ~3x; one smaller batch keeps the run short
EXTRA_CALLS = 100  # create_now / history calls timed after the dispatch


async def _dispatch_all(svc: DeliveryService) -> tuple[DispatchResult, int]:
    families = queued = missed = batches = 0
    while True:
        r = await svc.dispatch_due(batch=BATCH)
        if not r.families:
            return DispatchResult(families, queued, missed), batches
        batches += 1
        families += r.families
        queued += r.queued
        missed += r.missed


async def _undo_dispatch(sessions: async_sessionmaker[AsyncSession], seeded: Seeded) -> None:
    async with sessions() as s, s.begin():
        await s.execute(delete(Delivery).where(Delivery.status == "queued"))
        await s.execute(update(Family), [{"id": fid, "next_send_at": at} for fid, at in seeded.slots.items()])


async def _check_dispatched(sessions: async_sessionmaker[AsyncSession], clock: FakeClock) -> None:
    assert await count_deliveries(sessions, "queued") == N
    async with sessions() as s:
        still_due = await s.scalar(select(func.count()).select_from(Family).where(Family.next_send_at <= clock.now()))
        per_family = await s.scalar(
            select(func.count(func.distinct(Delivery.family_id))).where(Delivery.status == "queued")
        )
    assert still_due == 0
    assert per_family == N


@pytest.mark.bench
async def test_dispatch_throughput(db_url: str, clock: FakeClock, library: Library) -> None:
    backend = db_url.split("+", 1)[0]
    engine = create_engine(db_url)
    try:
        sessions = session_factory(engine)
        due_at = clock.now() + timedelta(hours=10)

        seeded, t_seed = await atimed(lambda: seed_families(sessions, library, N, due_at=due_at, history=HISTORY))
        assert len(seeded.family_ids) == N
        rows = N * 2 + seeded.children + seeded.history_rows  # families, caregivers, children, deliveries

        clock.set(due_at + timedelta(minutes=1))
        svc = DeliveryService(sessions, clock, library)

        (result, batches), t_dispatch = await atimed(lambda: _dispatch_all(svc))
        assert result == DispatchResult(N, N, 0)
        assert batches == -(-N // BATCH)
        await _check_dispatched(sessions, clock)

        # One batch again under tracemalloc, for its peak memory: a batch is one transaction, so the peak is per
        # batch and grows with its size.
        await _undo_dispatch(sessions, seeded)
        traced_batch, peak = await atraced(lambda: svc.dispatch_due(batch=TRACED_BATCH))
        assert traced_batch == DispatchResult(TRACED_BATCH, TRACED_BATCH, 0)

        # On-demand prompts and the /history view against the same populated database.
        some = seeded.family_ids[-EXTRA_CALLS:]

        async def create_now_all() -> int:
            return sum([await svc.create_now(fid) is not None for fid in some])

        made, t_now = await atimed(create_now_all)
        assert made == len(some)

        async def history_all() -> int:
            return sum([(await svc.history(fid)).sent for fid in some])

        seen, t_hist = await atimed(history_all)
        assert seen == len(some) * HISTORY

        report(
            f"dispatch_due on {backend}",
            [
                ("families", f"{N:,} ({seeded.children:,} children, {seeded.history_rows:,} past deliveries)"),
                ("seed (bulk ORM insert)", f"{t_seed:.2f} s   {rows / t_seed:,.0f} rows/s"),
                (
                    "dispatch_due(batch=500)",
                    f"{t_dispatch:.2f} s   {batches} batches, {t_dispatch / batches:.2f} s/batch",
                ),
                ("throughput", f"{N / t_dispatch:,.0f} families/s   {us(t_dispatch, N, 'family')}"),
                ("peak memory", f"{mib(peak)} for batch={TRACED_BATCH}  ({peak / TRACED_BATCH / 1024:.1f} KiB/family)"),
                ("create_now", f"{us(t_now, len(some))}   ({len(some)} calls)"),
                ("history", f"{us(t_hist, len(some))}   ({len(some)} calls, {HISTORY} sent each)"),
            ],
        )
    finally:
        await engine.dispose()
