"""Environment for running the real `python -m bot` process in tests."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:" + "A" * 35


def clean_env() -> dict[str, str]:
    """This environment without any of the bot's settings, so a developer's shell cannot leak into a test."""
    names = {name.upper() for name in Settings.model_fields}
    return {k: v for k, v in os.environ.items() if k.upper() not in names}


def closed_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_env(tmp: Path) -> dict[str, str]:
    env = clean_env()
    env.update(
        PYTHONPATH=str(ROOT),
        BOT_TOKEN=TOKEN,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp / 'data' / 'bot.sqlite3'}",
        # Faults before Telegram never get that far; for the rest Telegram is unreachable on purpose.
        TELEGRAM_API_URL=f"http://127.0.0.1:{closed_port()}",
        HEALTH_PORT="0",
        STARTUP_TIMEOUT="2",
        LOG_LEVEL="INFO",
    )
    return env
