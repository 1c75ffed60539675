"""Helpers for running the real bot process (`python -m bot`) against the fake Bot API with many due families."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.content import Library
from bot.db.engine import create_engine, session_factory
from bot.db.models import Delivery
from tests.bench.seed import seed_families
from tests.fakebot import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]


async def seed_due(db_url: str, library: Library, n: int, tg: FakeTelegram) -> list[int]:
    """`n` onboarded families whose slot is due now (system time: the process runs on the real clock)."""
    engine = create_engine(db_url)
    try:
        seeded = await seed_families(session_factory(engine), library, n, due_at=datetime.now(UTC))
    finally:
        await engine.dispose()
    for uid in seeded.telegram_ids:
        tg.add_user(uid)
    return seeded.telegram_ids


def bot_env(tg: FakeTelegram, db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_URL", "TELEGRAM_API_URL"}}
    env.update(
        BOT_TOKEN=tg.token,
        TELEGRAM_API_URL=tg.base_url,
        DATABASE_URL=db_url,
        POLLING_TIMEOUT="1",
        TICK_SECONDS="0.5",
        SEND_POLL_SECONDS="0.2",
        CLAIM_LEASE_SECONDS="2",
        REQUEST_TIMEOUT="2",
        RETRY_BASE_SECONDS="1",
        SEND_CONCURRENCY="8",
        RATE_PER_SECOND="25",
        PER_CHAT_INTERVAL="1.1",
        HEALTH_PORT="0",  # any free port: other bots may run on this machine
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


async def start_bot(env: dict[str, str], cwd: Path, tg: FakeTelegram) -> asyncio.subprocess.Process:
    """Start the bot and wait until it is up (its start-up calls setMyCommands); importing takes a while."""
    started = len(tg.calls_to("setMyCommands"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await wait_until(lambda: len(tg.calls_to("setMyCommands")) > started or proc.returncode is not None, 180)
    except BaseException:
        proc.kill()
        raise
    return proc


def delivered(tg: FakeTelegram, users: list[int]) -> dict[int, int]:
    """Messages each user received (these families get nothing but their prompt)."""
    return {u: len(tg.sent(u)) for u in users}


async def wait_until(predicate: Callable[[], bool], timeout: float) -> None:  # noqa: ASYNC109
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.05)


async def statuses(db_url: str) -> dict[str, int]:
    engine = create_engine(db_url)
    try:
        async with session_factory(engine)() as s:
            rows = (await s.execute(select(Delivery.status, func.count()).group_by(Delivery.status))).all()
    finally:
        await engine.dispose()
    return {status: int(n) for status, n in rows}
