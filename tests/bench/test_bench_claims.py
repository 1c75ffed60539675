"""Claim times at 1M families on PostgreSQL, and the bot's idle RSS with that many families.

Rows are generated in the database (`INSERT ... SELECT generate_series`): 1M families (10% inactive, none due),
1M caregivers, 2M sent historical deliveries with their nudges settled, plus a small working set: 2,000 queued
prompts, 2,000 nudges due and 2,000 outbox notices. Each claim is the engine's real code, timed call by call.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from bot.clock import SystemClock
from bot.content import Library
from bot.db.engine import create_engine, session_factory
from bot.delivery.queue import Queue
from bot.services.deliveries import DeliveryService
from tests.bench.test_bench_sender import MIB, import_floor, rss
from tests.bench.util import report
from tests.conftest import PG_URL, create_pg_database, drop_pg_database, pg_url_for
from tests.e2e.engine_proc import bot_env, start_bot
from tests.fakebot import FakeTelegram

FAMILIES = 1_000_000
CALLS = 30

GENERATE = [
    """INSERT INTO families (id, timezone, send_time, cadence, nudges_enabled, active,
         next_send_at, onboarded_at, created_at)
       SELECT g, 'Europe/London', '19:00', 'three', true, g % 10 <> 0,
         now() AT TIME ZONE 'UTC' + interval '1 day' + (g % 10000) * interval '1 minute',
         now() AT TIME ZONE 'UTC' - interval '60 days', now() AT TIME ZONE 'UTC' - interval '60 days'
       FROM generate_series(1, {n}) g""",
    """INSERT INTO caregivers (id, telegram_id, family_id, role, language_code, consented_at, created_at)
       SELECT g, 10000000 + g, g, 'owner', 'en', now(), now() FROM generate_series(1, {n}) g""",
    """INSERT INTO deliveries (family_id, prompt_id, band, skill, kind, slot_at, status, attempts,
         next_attempt_at, sent_at, remind_later, created_at, nudge_due_at, nudge_status, chat_id, message_id)
       SELECT f, 'tod-name-it-01', 'toddler', 'name', 'scheduled', s, 'sent', 1, s, s, false, s,
         s + interval '3 hours', CASE WHEN f % 3 = 0 THEN 'sent' ELSE 'cancelled' END, 10000000 + f, k
       FROM (SELECT (g % {n}) + 1 AS f, g / {n} + 1 AS k,
               now() AT TIME ZONE 'UTC' - (g / {n} + 2) * interval '1 day' AS s
             FROM generate_series(0, 2 * {n} - 1) g) x""",
    # The working set: queued prompts, nudges due now, notices to send.
    """INSERT INTO deliveries (family_id, prompt_id, band, skill, kind, slot_at, status, attempts,
         next_attempt_at, remind_later, created_at)
       SELECT g * 7, 'tod-name-it-01', 'toddler', 'name', 'now', now() AT TIME ZONE 'UTC', 'queued', 0,
         now() AT TIME ZONE 'UTC' - interval '1 minute', false, now() FROM generate_series(1, 2000) g""",
    """INSERT INTO deliveries (family_id, prompt_id, band, skill, kind, slot_at, status, attempts,
         next_attempt_at, sent_at, remind_later, created_at, nudge_due_at)
       SELECT g * 11, 'tod-name-it-01', 'toddler', 'name', 'scheduled', now() AT TIME ZONE 'UTC' - interval '4 hours',
         'sent', 1, now(), now(), false, now(), now() AT TIME ZONE 'UTC' - interval '1 minute'
       FROM generate_series(1, 2000) g""",
    """INSERT INTO outbox (kind, chat_id, text, status, attempts, next_attempt_at, created_at)
       SELECT 'digest', 10000000 + g, 'digest', 'queued', 0, now() AT TIME ZONE 'UTC' - interval '1 minute', now()
       FROM generate_series(1, 2000) g""",
    "SELECT setval('families_id_seq', {n})",
    "SELECT setval('caregivers_id_seq', {n})",
    "ANALYZE",
]


@pytest.fixture
def pg_1m(pg_template: str | None) -> Iterator[str]:
    if not PG_URL:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    name = create_pg_database(pg_template)
    yield pg_url_for(name)
    drop_pg_database(name)


async def _times(call: Callable[[], Awaitable[object]], got: list[object] | None = None) -> list[float]:
    out = []
    for _ in range(CALLS):
        start = time.perf_counter()
        result = await call()
        out.append((time.perf_counter() - start) * 1000)
        if got is not None:
            got.append(result)
    return out


def _fmt(ms: list[float]) -> str:
    return f"median {statistics.median(ms):.2f} ms, max {max(ms):.2f} ms ({len(ms)} calls)"


async def _server_times(engine: Any, queue: Queue, other: Queue, deliveries: DeliveryService) -> dict[str, float]:
    """The claim statements as the code sends them, timed inside PostgreSQL (no Python or network in it)."""
    calls: dict[str, Callable[[], Awaitable[object]]] = {
        "prompt claim": lambda: queue.claim_prompts(16),
        "nudge claim": lambda: queue.claim_nudges(16),
        "outbox claim": lambda: queue.claim_notices(16),
        "lease renewal": queue.renew,
        "lease recovery probe": other.recover_expired,
        "dispatch claim": lambda: deliveries.dispatch_due(batch=200),
    }
    out: dict[str, float] = {}
    for name, call in calls.items():
        seen: list[tuple[str, Any]] = []

        def capture(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
            seen.append((statement, params))  # noqa: B023 - read before the next iteration rebinds it

        event.listen(engine.sync_engine, "before_cursor_execute", capture)
        try:
            await call()
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", capture)
        worst = 0.0
        async with engine.connect() as conn:
            for statement, params in seen:
                head = statement.lstrip().upper()
                if not (head.startswith("UPDATE") or (head.startswith("SELECT") and "LIMIT" in head)):
                    continue  # the claim and probe statements, not the loads that follow a claim
                rows = (await conn.exec_driver_sql("EXPLAIN (ANALYZE) " + statement, params)).all()
                ms = float(next(r[0] for r in rows if r[0].startswith("Execution Time")).split()[2])
                worst = max(worst, ms)
            await conn.rollback()
        out[name] = worst
    return out


@pytest.mark.bench
async def test_claim_times_at_1m_families(pg_1m: str, library: Library, tmp_path: Path) -> None:
    engine = create_engine(pg_1m)
    sessions = session_factory(engine)
    clock = SystemClock()
    start = time.perf_counter()
    async with engine.begin() as conn:
        for sql in GENERATE:
            await conn.exec_driver_sql(sql.format(n=FAMILIES))
    generated = time.perf_counter() - start
    queue = Queue(sessions, clock, library, "bench", timedelta(seconds=60))
    other = Queue(sessions, clock, library, "other", timedelta(seconds=60))
    deliveries = DeliveryService(sessions, clock, library)
    prompts: list[object] = []
    notices: list[object] = []
    figures = {
        "claim 16 queued prompts": await _times(lambda: queue.claim_prompts(16), prompts),
        "claim 16 due nudges": await _times(lambda: queue.claim_nudges(16)),
        "claim 16 outbox notices": await _times(lambda: queue.claim_notices(16), notices),
        "renew this instance's leases": await _times(queue.renew),
        "recover expired leases": await _times(other.recover_expired),
        "dispatch claim (none due)": await _times(lambda: deliveries.dispatch_due(batch=200)),
    }
    server_ms = await _server_times(engine, queue, other, deliveries)
    await engine.dispose()

    floor = import_floor()
    async with FakeTelegram() as tg:
        proc = await start_bot(bot_env(tg, pg_1m, TICK_SECONDS="1", LOG_LEVEL="WARNING"), tmp_path, tg)
        try:
            await asyncio.sleep(5)  # a few passes of every loop
            idle = rss(proc.pid)
        finally:
            proc.terminate()
            await asyncio.wait_for(proc.communicate(), 60)
    report(
        f"Claims on PostgreSQL at {FAMILIES:,} families (3M deliveries; generated in {generated:.0f} s)",
        [(k, _fmt(v)) for k, v in figures.items()]
        + [(f"  in the server: {k}", f"{v:.3f} ms (EXPLAIN ANALYZE execution time)") for k, v in server_ms.items()]
        + [
            ("RSS floor", f"{floor / MIB:.0f} MiB (import aiogram + sqlalchemy)"),
            ("RSS idle, 1M families", f"{idle / MIB:.0f} MiB (+{(idle - floor) / MIB:.0f} MiB)"),
        ],
    )
    # Every call claimed a full batch (index use itself is checked in tests/service/test_claim_plans.py).
    assert all(len(r) == 16 for r in prompts + notices)  # type: ignore[arg-type]
