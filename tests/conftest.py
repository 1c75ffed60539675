"""Shared fixtures: real databases migrated by Alembic, a movable clock, the content library.

Service tests run on SQLite always, and on PostgreSQL too when TEST_DATABASE_URL is set (.ci/run sets it).
Each test gets its own database cloned from a migrated template, so tests never see each other's rows.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.content import Library, load_library
from bot.db.engine import create_engine, session_factory
from bot.db.migrate import upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _pg_admin_dsn() -> str:
    return make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)


async def _pg_exec(*sql: str) -> None:
    conn = await asyncpg.connect(_pg_admin_dsn())
    try:
        for stmt in sql:
            await conn.execute(stmt)
    finally:
        await conn.close()


def pg_url_for(dbname: str) -> str:
    return make_url(PG_URL).set(database=dbname).render_as_string(hide_password=False)


def create_pg_database(template: str | None = None) -> str:
    name = f"fcb_{uuid.uuid4().hex[:12]}"
    tmpl = f" TEMPLATE {template}" if template else ""
    asyncio.run(_pg_exec(f'CREATE DATABASE "{name}"{tmpl}'))
    return name


def drop_pg_database(name: str) -> None:
    asyncio.run(_pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tmpl") / "template.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    if not PG_URL:
        yield None
        return
    name = create_pg_database()
    try:
        upgrade(pg_url_for(name))
        yield name
    finally:
        drop_pg_database(name)


def _fresh_url(backend: str, tmp_path: Path, sqlite_template: Path, pg_template: str | None) -> tuple[str, str | None]:
    if backend == "sqlite":
        target = tmp_path / "bot.sqlite3"
        shutil.copy(sqlite_template, target)
        return f"sqlite+aiosqlite:///{target}", None
    assert pg_template is not None
    name = create_pg_database(pg_template)
    return pg_url_for(name), name


@pytest.fixture(params=BACKENDS)
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path, pg_template: str | None
) -> Iterator[str]:
    url, pg_name = _fresh_url(request.param, tmp_path, sqlite_template, pg_template)
    yield url
    if pg_name:
        drop_pg_database(pg_name)


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    return _fresh_url("sqlite", tmp_path, sqlite_template, None)[0]


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(db_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


# A Monday morning in UTC; tests move it forward.
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)
