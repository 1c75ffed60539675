"""`make run` without a token: the real bot against the embedded Bot API server, with a chat page in front.

Same factory, handlers, scheduler and engine as production; only the Bot API is local, time is a movable clock,
and the data lives in its own SQLite file. Nothing is sent anywhere but 127.0.0.1 (or SANDBOX_HOST).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from sqlalchemy import func, select

from bot.config import Settings
from bot.content import Library
from bot.sandbox.clock import MovableClock
from bot.sandbox.page import ADMIN_ID, SandboxPage
from bot.sandbox.server import FakeTelegram

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

# A made-up token in Telegram's shape: aiogram checks the shape, and only the embedded server ever sees it.
SANDBOX_TOKEN: Final = "1000000001:SandboxLocalOnlyTokenNothingLeavesThisPC"
SANDBOX_DB_URL: Final = "sqlite+aiosqlite:///./data/sandbox.sqlite3"
_WILDCARDS: Final = frozenset({"0.0.0.0", "::", ""})


def wants_sandbox(settings: Settings) -> bool:
    return settings.sandbox or not settings.bot_token


def sandbox_settings(settings: Settings, api_url: str, database_url: str = SANDBOX_DB_URL) -> Settings:
    """The operator's settings, pointed at the local server and file; the sandbox's admin is a page person."""
    return settings.model_copy(
        update={
            "bot_token": SANDBOX_TOKEN,
            "telegram_api_url": api_url,
            "database_url": database_url,
            "admin_ids": frozenset({ADMIN_ID}),
            "redis_url": None,
            "webhook_url": "",
        }
    )


def page_address(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in _WILDCARDS else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


@dataclass(frozen=True)
class Running:
    """A started sandbox, for tests: where the page is, and the parts behind it."""

    address: str
    app: App
    tg: FakeTelegram
    clock: MovableClock
    page: SandboxPage


async def run_sandbox(
    settings: Settings,
    library: Library,
    *,
    database_url: str = SANDBOX_DB_URL,
    handle_signals: bool = True,
    on_started: Callable[[Running], None] | None = None,
) -> None:
    from bot.app import build_app
    from bot.db.models import Family
    from bot.preflight import bind_socket, check_database, migrate

    page_sock = bind_socket(settings.sandbox_host, settings.sandbox_port, "SANDBOX_PORT")
    port = int(page_sock.getsockname()[1])
    address = page_address(settings.sandbox_host, port)
    # The bot reaches the server on loopback even when the page listens on every interface.
    api_url = page_address("127.0.0.1" if settings.sandbox_host in _WILDCARDS else settings.sandbox_host, port)
    local = sandbox_settings(settings, api_url, database_url)
    clock = MovableClock()
    tg = FakeTelegram(
        token=SANDBOX_TOKEN,
        bot_username="family_coach_sandbox_bot",
        bot_first_name="Family Coach (sandbox)",
        host=settings.sandbox_host,
        strict_html=False,  # Telegram keeps a bare "&"; the sandbox shows what Telegram would
    )
    tg.now = lambda: clock.now().timestamp()
    health_sock = bind_socket("127.0.0.1", 0, "HEALTH_PORT")
    try:
        await check_database(database_url)
        await migrate(database_url)
        app = build_app(local, clock=clock, library=library)

        async def next_prompt() -> datetime | None:
            """Move the clock just past the earliest scheduled prompt and run a tick, so it arrives now."""
            async with app.sessions() as s:
                when = await s.scalar(
                    select(func.min(Family.next_send_at)).where(
                        Family.active.is_(True), Family.onboarded_at.is_not(None), Family.next_send_at.is_not(None)
                    )
                )
            if when is None:
                return None
            clock.jump_to(when + timedelta(seconds=1))
            await app.tick()
            return when

        async def tick() -> None:
            await app.tick()

        page = SandboxPage(tg, clock, tick, next_prompt)
        await tg.start(page_sock)
        print(f"Sandbox: open {address} to try the bot. It runs on this machine only; nothing is sent.", flush=True)
        if on_started is not None:
            on_started(Running(address, app, tg, clock, page))
        await app.run_polling(handle_signals=handle_signals, sock=health_sock)
    finally:
        await tg.stop()
        for sock in (page_sock, health_sock):
            sock.close()


__all__ = [
    "SANDBOX_DB_URL",
    "SANDBOX_TOKEN",
    "Running",
    "page_address",
    "run_sandbox",
    "sandbox_settings",
    "wants_sandbox",
]
