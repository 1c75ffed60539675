"""Two real instances (`python -m bot`) on one PostgreSQL database and the fake Bot API.

Exactly one long-polls (no 409 Conflict), both dispatch and send without sending anything twice, and when the
polling one is killed the other takes over.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from bot.content import Library
from bot.db.engine import create_engine, session_factory
from tests.bench.seed import count_deliveries, seed_families
from tests.conftest import PG_URL, create_pg_database, drop_pg_database, pg_url_for
from tests.e2e.flows import has
from tests.e2e.proc_env import ROOT, clean_env
from tests.fakebot import FakeTelegram

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")

FAMILIES = 40


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def pg_db(pg_template: str | None) -> Iterator[str]:
    name = create_pg_database(pg_template)
    yield pg_url_for(name)
    drop_pg_database(name)


class Instance:
    def __init__(self, name: str, tg: FakeTelegram, db_url: str, log_dir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.log = log_dir / f"{name}.log"
        self.env = clean_env()
        self.env.update(
            PYTHONPATH=str(ROOT),
            BOT_TOKEN=tg.token,
            TELEGRAM_API_URL=tg.base_url,
            DATABASE_URL=db_url,
            HEALTH_HOST="127.0.0.1",
            HEALTH_PORT=str(self.port),
            POLLING_TIMEOUT="1",
            TICK_SECONDS="1",
            LEADER_RETRY_SECONDS="0.5",
            PER_CHAT_INTERVAL="0",
        )
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("wb") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=self.log.parent, env=self.env, stdout=out, stderr=out
            )

    async def metric(self, name: str) -> float | None:
        try:
            async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{self.port}/metrics") as r:
                text = await r.text()
        except aiohttp.ClientError:
            return None
        for line in text.splitlines():
            if line.startswith(f"{name} "):
                return float(line.split()[1])
        return None

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(sig)

    def tail(self) -> str:
        return f"--- {self.name}\n" + "\n".join(self.log.read_text(errors="replace").splitlines()[-25:])


async def until(what: str, check: object, instances: list[Instance], timeout: float = 30.0) -> None:  # noqa: ASYNC109
    assert callable(check)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if await check():
            return
        await asyncio.sleep(0.2)
    seen = {i.name: (await i.metric("bot_leader"), await i.metric("bot_ready")) for i in instances}
    tails = "\n".join(i.tail() for i in instances)
    raise AssertionError(f"timed out waiting for {what} (leader, ready: {seen})\n{tails}")


async def test_one_instance_polls_both_send_nothing_twice_and_the_other_takes_over(
    tmp_path: Path, pg_db: str, library: Library
) -> None:
    async with FakeTelegram() as tg:
        engine = create_engine(pg_db)
        try:
            seeded = await seed_families(session_factory(engine), library, FAMILIES, due_at=datetime.now(UTC))
            for uid in seeded.telegram_ids:
                tg.add_user(uid)
            a, b = Instance("a", tg, pg_db, tmp_path), Instance("b", tg, pg_db, tmp_path)
            both = [a, b]
            try:
                await asyncio.gather(a.start(), b.start())

                async def roles_settled() -> bool:
                    leaders = [await i.metric("bot_leader") for i in both]
                    ready = [await i.metric("bot_ready") for i in both]
                    return sorted(x or 0 for x in leaders) == [0.0, 1.0] and ready == [1.0, 1.0]

                # Generous: two interpreters importing aiogram at once is slow on a busy CI machine.
                await until("one leader and one follower", roles_settled, both, timeout=120)
                leader, follower = (a, b) if await a.metric("bot_leader") == 1 else (b, a)

                async def all_sent() -> bool:
                    return all(tg.sent(uid) for uid in seeded.telegram_ids)

                await until("every family's prompt", all_sent, both)
                tg.add_user(900)
                await tg.send_text(900, "/start")
                await tg.wait_for(900, has("Is that OK with you?"), timeout=15)

                leader.stop(signal.SIGKILL)
                assert leader.proc is not None
                await leader.proc.wait()

                async def took_over() -> bool:
                    return await follower.metric("bot_leader") == 1

                await until("the follower to take over polling", took_over, both)
                tg.add_user(901)
                await tg.send_text(901, "/start")
                await tg.wait_for(901, has("Is that OK with you?"), timeout=15)
                await asyncio.sleep(1.5)  # a tick or two more: a duplicate would show now
            finally:
                for i in both:
                    i.stop()
                for i in both:
                    if i.proc is not None:
                        await asyncio.wait_for(i.proc.wait(), 30)

            counts = {uid: len(tg.sent(uid)) for uid in seeded.telegram_ids}
            assert set(counts.values()) == {1}, {u: c for u, c in counts.items() if c != 1}
            assert await count_deliveries(session_factory(engine), "sent") == FAMILIES
            for uid in (900, 901):
                assert len([m for m in tg.sent(uid) if "Is that OK with you?" in (m.text or "")]) == 1
            conflicts = [c for c in tg.calls if c.status == 409]
            assert conflicts == [], conflicts
            assert follower.proc is not None and follower.proc.returncode == 0, follower.tail()
        finally:
            await engine.dispose()
