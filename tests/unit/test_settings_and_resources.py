"""Settings parsing, SQLite tuning, and a deployment's own crisis resources."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import resources_text
from bot.config import ConfigError, load_settings
from bot.content import Library
from bot.db.engine import create_engine

TOKEN = "123456789:" + "A" * 35


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("ADMIN_IDS", "11, 22 33")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/coach")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://localhost:8081/")
    s = load_settings(_env_file=None)
    assert s.admin_ids == frozenset({11, 22, 33})
    assert s.database_url == "postgresql+asyncpg://u:p@db:5432/coach"
    assert s.telegram_api_url == "http://localhost:8081"
    assert s.database_url != "" and s.default_timezone == "Europe/London"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEFAULT_TIMEZONE", "Mars/Base", "DEFAULT_TIMEZONE"),
        ("ADMIN_IDS", "alice", "ADMIN_IDS"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("TELEGRAM_API_URL", "ftp://x", "TELEGRAM_API_URL"),
    ],
)
def test_bad_settings_give_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as exc:
        load_settings(_env_file=None)
    assert expected in str(exc.value) and "\n" not in str(exc.value)


async def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'bot.sqlite3'}")
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 5000
    finally:
        await engine.dispose()


def test_a_deployment_can_replace_the_crisis_resources(tmp_path: Path, library: Library) -> None:
    default = resources_text(library, None)
    assert "emergency" in default.lower()
    txt = tmp_path / "helplines.txt"
    txt.write_text("Call 116 123 (Samaritans, UK) any time.\n")
    assert resources_text(library, txt) == "Call 116 123 (Samaritans, UK) any time."
    yml = tmp_path / "helplines.yaml"
    yml.write_text("resources: |\n  In Germany call 0800 111 0 111.\n")
    assert resources_text(library, yml) == "In Germany call 0800 111 0 111."
