"""`python -m bot` (what `make run` runs) with no BOT_TOKEN, or with SANDBOX=1, starts the local sandbox."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

ROOT = Path(__file__).resolve().parents[2]
_DROP = {"BOT_TOKEN", "DATABASE_URL", "TELEGRAM_API_URL", "SANDBOX", "SANDBOX_HOST", "SANDBOX_PORT", "REDIS_URL"}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROP}
    env.update(PYTHONPATH=str(ROOT), CONTENT_DIR=str(ROOT / "content"), SANDBOX_PORT="0", HEALTH_PORT="0")
    env.update(extra)
    return env


@pytest.mark.parametrize(
    "extra",
    [{}, {"SANDBOX": "1", "BOT_TOKEN": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"}],
    ids=["no-token", "sandbox-forced"],
)
async def test_no_token_starts_the_sandbox_on_loopback(tmp_path: Path, extra: dict[str, str]) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=_env(**extra),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
        found = re.search(r"open (http://127\.0\.0\.1:\d+) ", line)
        assert found, line
        assert "nothing is sent" in line
        address = found.group(1)
        async with aiohttp.ClientSession() as http:
            async with http.get(address + "/") as r:
                assert r.status == 200 and "sandbox" in (await r.text()).lower()
            async with http.get(address + "/sandbox/api/state") as r:
                state = await r.json()
                assert state["bot"]["username"] == "family_coach_sandbox_bot"
        assert (tmp_path / "data" / "sandbox.sqlite3").exists()  # its own file, next to where `make run` runs
        assert not (tmp_path / "data" / "bot.sqlite3").exists()
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()[-2000:]
