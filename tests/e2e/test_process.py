"""The real entry point as a process: clear errors for bad settings, migrations on start, graceful SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from bot.db.engine import create_engine
from tests.fakebot import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_URL", "TELEGRAM_API_URL"}}
    env.update(extra)
    return env


async def _run(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode(), err.decode()


# No token at all starts the local sandbox instead (tests/e2e/test_sandbox_process.py).
@pytest.mark.parametrize(
    ("token", "expected"),
    [("not-a-token", "does not look like a Telegram token"), ("12345:short", "does not look like a Telegram token")],
)
async def test_malformed_token_is_one_clear_line(tmp_path: Path, token: str, expected: str) -> None:
    env = _env(BOT_TOKEN=token, PYTHONPATH=str(ROOT))
    code, _, err = await _run(env=env, cwd=tmp_path)
    assert code == 2
    assert expected in err and "@BotFather" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


async def test_bad_content_stops_startup_naming_file_and_prompt(tmp_path: Path) -> None:
    content = tmp_path / "content"
    import shutil

    shutil.copytree(ROOT / "content", content)
    f = content / "prompts" / "en" / "toddler.yaml"
    text = f.read_text().replace("minutes: 2", "minutes: 99", 1)
    f.write_text(text)
    env = _env(BOT_TOKEN="123456:" + "A" * 35, CONTENT_DIR=str(content), PYTHONPATH=str(ROOT))
    code, _, err = await _run(env=env, cwd=tmp_path)
    assert code == 1 and "Traceback" not in err
    assert "content/prompts/en/toddler.yaml [tod-" in err and "minutes" in err
    code, _out, err = await _run("content", "check", "--dir", str(content), env=env, cwd=tmp_path)
    assert code == 1 and "minutes" in err


async def test_runs_migrates_serves_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    async with FakeTelegram() as tg:
        db = tmp_path / "data" / "bot.sqlite3"
        env = _env(
            BOT_TOKEN=tg.token,
            TELEGRAM_API_URL=tg.base_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{db}",
            POLLING_TIMEOUT="1",
            PYTHONPATH=str(ROOT),
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await tg.wait_for_call("setMyCommands", timeout=60)
            tg.add_user(5)
            await tg.send_text(5, "/start")
            await tg.wait_for(5, lambda m: "Is that OK" in (m.text or ""), timeout=30)
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, err.decode()[-2000:]
        assert "stopped cleanly" in err.decode()
        engine = create_engine(f"sqlite+aiosqlite:///{db}")
        try:
            async with engine.connect() as conn:
                tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        finally:
            await engine.dispose()
        assert {"families", "deliveries", "alembic_version"} <= set(tables)
