"""`python -m bot` in webhook mode: sets the hook, answers through it, and on SIGTERM leaves it set for the others."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import aiohttp

from tests.e2e.flows import has
from tests.e2e.proc_env import base_env, closed_port
from tests.fakebot import FakeTelegram


async def test_webhook_process_serves_updates_and_stops_cleanly(tmp_path: Path) -> None:
    async with FakeTelegram() as tg:
        port = closed_port()
        env = base_env(tmp_path)
        env.update(
            BOT_TOKEN=tg.token,
            TELEGRAM_API_URL=tg.base_url,
            WEBHOOK_URL="https://coach.example.org/tg/updates",
            WEBHOOK_SECRET="process-test-secret",
            WEBHOOK_HOST="127.0.0.1",
            WEBHOOK_PORT=str(port),
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
            # Generous: importing the bot is slow on a busy CI machine; on a quiet one this takes 2-3 s.
            done = asyncio.ensure_future(proc.wait())
            called = asyncio.ensure_future(tg.wait_for_call("setWebhook", timeout=120))
            await asyncio.wait({done, called}, return_when=asyncio.FIRST_COMPLETED)
            done.cancel()
            if not called.done():
                called.cancel()
            assert proc.returncode is None, "the bot exited: " + (await proc.stderr.read()).decode()[-2000:]  # type: ignore[union-attr]
            await called
            tg.route_webhook(f"http://127.0.0.1:{port}")
            tg.add_user(77)
            await tg.send_text(77, "/start")
            await tg.wait_for(77, has("Is that OK with you?"), timeout=30)
            async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/readyz") as resp:
                assert resp.status == 200 and '"webhook": "ok"' in await resp.text()
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(proc.communicate(), 60)
        log = err.decode()
        assert proc.returncode == 0, log[-2000:]
        assert "stopped cleanly" in log and "Traceback" not in log
        assert tg.calls_to("deleteWebhook") == []  # other instances still receive updates
        assert tg.webhook_url == "https://coach.example.org/tg/updates"
