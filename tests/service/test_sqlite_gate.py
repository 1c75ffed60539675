"""SQLite's one writer, queued in this process (bot.db.gate): no transaction of ours ever meets "database is
locked", a person's transaction goes before queued background work, and a stuck one fails clearly."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.db import gate as gate_module
from bot.db.engine import create_engine, session_factory, write_gate
from bot.db.gate import background


async def _table(url: str) -> None:
    engine = create_engine(url)
    async with session_factory(engine)() as s, s.begin():
        await s.execute(text("CREATE TABLE IF NOT EXISTS log (who TEXT, n INTEGER)"))
    await engine.dispose()


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'gate.sqlite3'}"


async def test_many_writers_and_readers_at_once_never_meet_a_locked_database(url: str) -> None:
    await _table(url)
    engine = create_engine(url)
    sessions = session_factory(engine)

    async def write() -> None:
        async with sessions() as s, s.begin():
            n = int(await s.scalar(text("SELECT count(*) FROM log")) or 0)
            await asyncio.sleep(0.002)  # other tasks run while this transaction is open
            await s.execute(text("INSERT INTO log VALUES ('w', :n)"), {"n": n + 1})

    async def read() -> int:
        async with sessions() as s:
            return int(await s.scalar(text("SELECT count(*) FROM log")) or 0)

    try:
        results = await asyncio.gather(*(write() for _ in range(120)), *(read() for _ in range(60)))
        async with sessions() as s:
            counts = sorted((await s.scalars(text("SELECT n FROM log"))).all())
    finally:
        await engine.dispose()
    assert all(isinstance(r, int) for r in results[120:])
    # Each writer counted every row written before it, and no other wrote in between: one at a time.
    assert counts == list(range(1, 121))


async def test_a_person_goes_before_queued_background_work(url: str) -> None:
    await _table(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    order: list[str] = []
    holding = asyncio.Event()
    go_on = asyncio.Event()

    async def hold() -> None:
        async with sessions() as s, s.begin():
            await s.execute(text("INSERT INTO log VALUES ('holder', 0)"))
            holding.set()
            await go_on.wait()

    async def work(name: str) -> None:
        async with sessions() as s, s.begin():
            await s.execute(text("INSERT INTO log VALUES (:w, 0)"), {"w": name})
            order.append(name)

    async def background_work(name: str) -> None:
        with background():
            await work(name)

    try:
        holder = asyncio.create_task(hold())
        await holding.wait()
        queued = [asyncio.create_task(background_work(f"engine{i}")) for i in range(3)]
        await asyncio.sleep(0.05)
        queued.append(asyncio.create_task(work("reply")))
        await asyncio.sleep(0.05)
        gate = write_gate(engine)
        assert gate is not None and gate.waiting == 4
        go_on.set()
        await asyncio.gather(holder, *queued)
    finally:
        await engine.dispose()
    assert order[0] == "reply" and sorted(order[1:]) == ["engine0", "engine1", "engine2"]


async def test_a_stuck_transaction_fails_the_others_clearly_and_the_gate_recovers(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _table(url)
    monkeypatch.setattr(gate_module, "GATE_TIMEOUT", 0.2)
    engine = create_engine(url)
    sessions = session_factory(engine)
    release = asyncio.Event()

    async def stuck() -> None:
        async with sessions() as s, s.begin():
            await s.execute(text("INSERT INTO log VALUES ('stuck', 1)"))
            await release.wait()

    try:
        task = asyncio.create_task(stuck())
        await asyncio.sleep(0.05)
        with pytest.raises(OperationalError, match="database is locked"):
            async with sessions() as s, s.begin():
                await s.execute(text("INSERT INTO log VALUES ('late', 2)"))

        # A waiter that is cancelled leaves no trace in the queue.
        async def read() -> None:
            async with sessions() as s:
                await s.execute(text("SELECT 1"))

        waiter = asyncio.create_task(read())
        await asyncio.sleep(0.05)
        waiter.cancel()
        await asyncio.gather(waiter, return_exceptions=True)
        release.set()
        await task
        async with sessions() as s, s.begin():
            await s.execute(text("INSERT INTO log VALUES ('after', 3)"))
        async with sessions() as s:
            rows = (await s.execute(text("SELECT who FROM log ORDER BY n"))).scalars().all()
    finally:
        await engine.dispose()
    assert rows == ["stuck", "after"]
