"""End-to-end fixtures: the production app (build_app) polling a fake Bot API server over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from bot.app import App, build_app
from bot.clock import FakeClock
from bot.config import Settings
from bot.content import Library
from bot.i18n import Locales, load_locales
from tests.fakebot import FakeTelegram


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


def make_settings(tg: FakeTelegram, db_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": tg.token,
        "telegram_api_url": tg.base_url,
        "database_url": db_url,
        "default_timezone": "Europe/London",
        "tick_seconds": 3600.0,  # tests call app.tick() after moving the clock, unless they opt in
        "send_poll_seconds": 3600.0,
        "polling_timeout": 1,
        "per_chat_interval": 0.0,
        "rate_per_second": 30.0,
        "health_port": 0,  # any free port: tests run side by side
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


AppFactory = Callable[..., Awaitable[App]]


@pytest.fixture
async def start_app(tg: FakeTelegram, sqlite_url: str, clock: FakeClock, library: Library) -> AsyncIterator[AppFactory]:
    running: list[tuple[App, asyncio.Task[None]]] = []

    async def start(**overrides: Any) -> App:
        url = overrides.pop("database_url", sqlite_url)
        locales = overrides.pop("locales", None)
        app = build_app(make_settings(tg, url, **overrides), clock=clock, library=library, locales=locales)
        task = asyncio.create_task(app.run_polling(handle_signals=False))
        running.append((app, task))
        await tg.wait_idle()
        return app

    yield start
    for app, task in running:
        if not task.done():
            with contextlib.suppress(RuntimeError):  # the test may have stopped it already
                await app.dp.stop_polling()
        await asyncio.wait_for(task, 10)


@pytest.fixture
async def app(start_app: AppFactory) -> App:
    return await start_app()


@pytest.fixture(scope="session")
def locales_es(library: Library) -> Locales:
    return load_locales(reference=library)
