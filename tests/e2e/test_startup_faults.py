"""Every usual start-up fault, on the real process: a non-zero exit and one stderr line that names the fix."""

from __future__ import annotations

import asyncio
import shutil
import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL
from tests.e2e.proc_env import ROOT, base_env, closed_port


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        yield int(s.getsockname()[1])


async def run_bot(env: dict[str, str], cwd: Path) -> tuple[int, list[str]]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, err.decode().strip().splitlines()


def non_utf8_content(tmp: Path) -> str:
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    f = content / "prompts" / "en" / "toddler.yaml"
    f.write_bytes("# Saved by an editor in Latin-1: caf\xe9\n".encode("latin-1") + f.read_bytes())
    return str(content)


def broken_spanish(tmp: Path, file: str, junk: bytes) -> str:
    """Content whose Spanish file is broken: the bot reads Spanish prompts and locale data only when first needed,
    but checks them at start."""
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    f = content / file
    f.write_bytes(f.read_bytes() + junk)
    return str(content)


def missing_pg_database(_: Path) -> str:
    return make_url(PG_URL).set(database="fcb_no_such_database").render_as_string(hide_password=False)


def sqlite_dir(tmp: Path) -> str:
    (tmp / "adir").mkdir()
    return f"sqlite+aiosqlite:///{tmp / 'adir'}"


def sqlite_under_file(tmp: Path) -> str:
    (tmp / "afile").write_text("x")
    return f"sqlite+aiosqlite:///{tmp / 'afile' / 'bot.sqlite3'}"


Value = str | Callable[[Path], str]
needs_pg = pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL")

CASES: list[object] = [
    pytest.param(
        "DATABASE_URL",
        f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/test",
        "Start PostgreSQL or fix the host and port in DATABASE_URL",
        id="database-unreachable",
    ),
    pytest.param("DATABASE_URL", missing_pg_database, "does not exist", id="database-missing", marks=needs_pg),
    pytest.param("DATABASE_URL", sqlite_dir, "points at a folder", id="sqlite-path-is-a-folder"),
    pytest.param("DATABASE_URL", sqlite_under_file, "is a file, not a folder", id="sqlite-folder-is-a-file"),
    pytest.param("CONTENT_DIR", non_utf8_content, "is not UTF-8 text", id="content-not-utf8"),
    pytest.param(
        "CONTENT_DIR",
        lambda tmp: broken_spanish(tmp, "prompts/es/school.yaml", "# caf\xe9\n".encode("latin-1")),
        "error: content/prompts/es/school.yaml: is not UTF-8 text",
        id="spanish-prompts-not-utf8",
    ),
    pytest.param(
        "CONTENT_DIR",
        lambda tmp: broken_spanish(tmp, "locales/es/common.ftl", b"\nbroken = { oops\n"),
        "error: locales/es/common.ftl: syntax error",
        id="spanish-locale-syntax-error",
    ),
    pytest.param("BOT_TOKEN", "123456789:replace-with-the-token-from-BotFather", "@BotFather", id="placeholder-token"),
    pytest.param("BOT_TOKEN", "12345:short", "Copy it again from @BotFather", id="malformed-token"),
    pytest.param("RATE_PER_SECOND", "abc", "RATE_PER_SECOND='abc' is not valid", id="bad-setting"),
    pytest.param("REDIS_URL", f"redis://127.0.0.1:{closed_port()}/6", "Start Redis or fix REDIS_URL", id="redis-down"),
    pytest.param("WEBHOOK_URL", "https://coach.example.org/hook", "Set WEBHOOK_SECRET", id="webhook-no-secret"),
    pytest.param("HEALTH_PORT", "busy", "already in use", id="port-in-use"),
]


@pytest.mark.parametrize(("name", "value", "fix"), CASES)
async def test_a_start_up_fault_is_one_line_that_names_the_fix(
    tmp_path: Path, busy_port: int, name: str, value: Value, fix: str
) -> None:
    env = base_env(tmp_path)
    env[name] = str(busy_port) if value == "busy" else value(tmp_path) if callable(value) else value
    code, lines = await run_bot(env, tmp_path)
    assert code != 0
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ") and fix in lines[0], lines[0]
    assert "Traceback" not in lines[0]


async def test_telegram_unreachable_is_retried_with_backoff_then_one_line(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    code, lines = await run_bot(env, tmp_path)
    assert code == 1
    *retries, last = lines
    assert retries and all("Telegram is not reachable" in r and "retrying in" in r for r in retries)
    assert last.startswith("error: cannot reach Telegram") and "TELEGRAM_API_URL" in last
    assert not any("Traceback" in line for line in lines)


async def test_debug_log_level_shows_the_traceback(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    env.update(LOG_LEVEL="DEBUG", DATABASE_URL=sqlite_under_file(tmp_path))
    code, lines = await run_bot(env, tmp_path)
    assert code == 1
    assert any(line.startswith("Traceback") for line in lines)
    assert lines[-1].startswith("error: cannot open the SQLite database")
