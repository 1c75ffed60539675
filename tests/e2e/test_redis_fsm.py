"""With REDIS_URL set, conversation state lives in Redis (aiogram's RedisStorage) and survives a restart."""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import func, select

from bot.app import build_app
from bot.clock import FakeClock
from bot.content import Library
from bot.db.models import FsmRecord
from bot.fsm_redis import RedisFsmStorage
from tests.e2e.conftest import make_settings
from tests.e2e.flows import say, tap
from tests.fakebot import FakeTelegram

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (RedisError, OSError):
        await client.aclose()
        pytest.skip(f"no Redis at {REDIS_URL}")
    yield client
    await client.aclose()


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    # A bot id of its own, so its keys never meet another test's.
    bot_id = random.randint(10**9, 2 * 10**9)
    async with FakeTelegram(token=f"{bot_id}:AAFakeTelegramTokenForRedisFsmTests0000") as server:
        yield server


async def test_conversation_state_lives_in_redis_and_survives_a_restart(
    tg: FakeTelegram, redis: Redis, sqlite_url: str, clock: FakeClock, library: Library
) -> None:
    prefix = f"fsm:{tg.bot_user.id}:"
    settings = make_settings(tg, sqlite_url, redis_url=REDIS_URL)
    try:
        app = build_app(settings, clock=clock, library=library)
        assert isinstance(app.dp.storage, RedisFsmStorage)
        task = asyncio.create_task(app.run_polling(handle_signals=False))
        await tg.wait_idle()
        await say(tg, 41, "/start", "Is that OK with you?")
        await tap(tg, 41, "I agree", "Let's add your child")
        keys = [k.decode() async for k in redis.scan_iter(match=f"{prefix}*")]
        assert any(k.startswith(f"{prefix}41:41:") and k.endswith(":state") for k in keys), keys
        async with app.sessions() as s:
            assert await s.scalar(select(func.count()).select_from(FsmRecord)) == 0  # nothing in the database
        app.request_stop()
        await asyncio.wait_for(task, 15)

        again = build_app(settings, clock=clock, library=library)
        task = asyncio.create_task(again.run_polling(handle_signals=False))
        await tg.wait_idle()
        await say(tg, 41, "Mia", "When was")  # the restarted bot remembers it asked for a nickname
        again.request_stop()
        await asyncio.wait_for(task, 15)
    finally:
        async for key in redis.scan_iter(match=f"{prefix}*"):
            await redis.delete(key)
