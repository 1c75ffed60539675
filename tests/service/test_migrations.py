"""Migrations: upgrade, downgrade, upgrade again on an empty database, and models == migrations."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.db.engine import create_engine
from bot.db.migrate import downgrade, upgrade
from bot.db.models import Base
from tests.conftest import BACKENDS, PG_URL, create_pg_database, drop_pg_database, pg_url_for


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    assert PG_URL
    name = create_pg_database()
    yield pg_url_for(name)
    drop_pg_database(name)


def _tables(url: str) -> set[str]:
    async def go() -> set[str]:
        eng = create_engine(url)
        try:
            async with eng.connect() as conn:
                return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await eng.dispose()

    return asyncio.run(go())


def _diff(url: str) -> list[object]:
    async def go() -> list[object]:
        eng = create_engine(url)
        try:
            async with eng.connect() as conn:

                def compare(c: Connection) -> list[object]:
                    ctx = MigrationContext.configure(c, opts={"compare_type": True})
                    return list(compare_metadata(ctx, Base.metadata))

                return await conn.run_sync(compare)
        finally:
            await eng.dispose()

    return asyncio.run(go())


def test_upgrade_downgrade_upgrade(empty_url: str) -> None:
    upgrade(empty_url)
    assert set(Base.metadata.tables) <= _tables(empty_url)
    downgrade(empty_url, "base")
    assert _tables(empty_url) <= {"alembic_version"}
    upgrade(empty_url)
    assert set(Base.metadata.tables) <= _tables(empty_url)


def test_models_match_migrations(empty_url: str) -> None:
    upgrade(empty_url)
    assert _diff(empty_url) == []
