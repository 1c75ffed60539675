"""Every claim the engine runs on PostgreSQL reads its index, not the table.

The statements are captured as the real code sends them (claims, lease recovery, dispatch), then EXPLAINed with
sequential scans discouraged: a claim whose WHERE the index can't serve would still show a Seq Scan.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import FakeClock
from bot.content import Library
from bot.db.engine import create_engine, session_factory
from bot.delivery.queue import Queue
from bot.services.deliveries import DeliveryService
from tests.conftest import PG_URL, create_pg_database, drop_pg_database, pg_url_for

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)")


@pytest.fixture
def pg_url(pg_template: str | None) -> Iterator[str]:
    name = create_pg_database(pg_template)
    yield pg_url_for(name)
    drop_pg_database(name)


@pytest.fixture
async def pg_engine(pg_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(pg_url)
    yield engine
    await engine.dispose()


async def test_claim_queries_use_their_partial_indexes(
    pg_engine: AsyncEngine, clock: FakeClock, library: Library
) -> None:
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if not many:
            captured.append((statement, params))

    sessions = session_factory(pg_engine)
    queue = Queue(sessions, clock, library, "me", timedelta(seconds=60))
    event.listen(pg_engine.sync_engine, "before_cursor_execute", capture)
    try:
        await queue.claim_prompts(16)
        await queue.claim_nudges(16)
        await queue.claim_notices(16)
        await queue.recover_expired()
        await DeliveryService(sessions, clock, library).dispatch_due()
    finally:
        event.remove(pg_engine.sync_engine, "before_cursor_execute", capture)

    expected = {
        "status = 'queued'": "ix_deliveries_queued",
        "nudge_status IS NULL": "ix_deliveries_nudge_due",
        "outbox.status": "ix_outbox_queued",
        "deliveries.status = $1::VARCHAR AND deliveries.lease_until": "ix_deliveries_sending_lease",
        "deliveries.nudge_status = $1::VARCHAR AND deliveries.lease_until": "ix_deliveries_nudge_lease",
        "families.next_send_at": "ix_families_due",
    }
    plans: dict[str, str] = {}
    async with pg_engine.connect() as conn:
        await conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, params in captured:
            if "deliveries" not in statement and "outbox" not in statement and "families" not in statement:
                continue
            if not statement.lstrip().upper().startswith(("SELECT", "UPDATE")):
                continue
            rows = (await conn.exec_driver_sql("EXPLAIN " + statement, params)).all()
            plans[statement] = "\n".join(r[0] for r in rows)
        await conn.rollback()
    claims = [s for s in plans if "LIMIT" in s.upper()]
    assert len(claims) >= 6, "\n\n".join(plans)
    for statement in claims:
        plan = plans[statement]
        assert "Seq Scan" not in plan, f"{statement}\n{plan}"
    found = {index for index in expected.values() if any(index in plan for plan in plans.values())}
    assert found == set(expected.values()), "\n\n".join(f"{s}\n{p}" for s, p in plans.items())
