"""The polling lock on a real PostgreSQL: one holder at a time, released when its connection goes."""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.leader import PollingLock, polling_lock_key
from bot.preflight import lock_key
from tests.conftest import PG_URL, create_pg_database, drop_pg_database, pg_url_for

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")


@pytest.fixture
def pg_db() -> Iterator[str]:
    name = create_pg_database()
    yield pg_url_for(name)
    drop_pg_database(name)


async def terminate_lock_holders(url: str, key: int) -> int:
    conn = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        # An advisory lock on a bigint key shows as (classid, objid) = (high 32 bits, low 32 bits).
        rows = await conn.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid::bigint = $1 AND objid::bigint = $2",
            (key >> 32) & 0xFFFFFFFF,
            key & 0xFFFFFFFF,
        )
        return len(rows)
    finally:
        await conn.close()


async def test_one_holder_at_a_time_and_the_next_takes_over_after_release(pg_db: str) -> None:
    key = polling_lock_key(4242)
    first, second = PollingLock(pg_db, key), PollingLock(pg_db, key)
    try:
        assert await first.try_acquire()
        assert not await second.try_acquire()
        assert await first.still_held()
        await first.release()
        assert not first.held
        assert await second.try_acquire()
        assert not await first.try_acquire()
    finally:
        await first.dispose()
        await second.dispose()


async def test_a_lost_connection_loses_the_lock_and_frees_it_for_another(pg_db: str) -> None:
    key = polling_lock_key(4343)
    first, second = PollingLock(pg_db, key), PollingLock(pg_db, key)
    try:
        assert await first.try_acquire()
        assert await terminate_lock_holders(pg_db, key) == 1  # as if the process or its network died
        assert not await first.still_held()
        assert await second.try_acquire()
    finally:
        await first.dispose()
        await second.dispose()


def test_lock_keys_are_stable_signed_64_bit_and_per_bot() -> None:
    assert lock_key("x") == lock_key("x")
    assert polling_lock_key(1) != polling_lock_key(2)
    assert -(2**63) <= polling_lock_key(1) < 2**63


async def test_no_database_means_not_now_rather_than_a_crash() -> None:
    lock = PollingLock("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere", polling_lock_key(1))
    try:
        assert not await lock.try_acquire()
        assert not await lock.still_held()
    finally:
        await lock.dispose()
