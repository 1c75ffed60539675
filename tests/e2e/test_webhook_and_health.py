"""Webhook mode and the operations endpoints, over real HTTP: the production app behind the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from bot.__main__ import main
from bot.app import App, build_app
from bot.clock import FakeClock
from bot.content import Library
from bot.db.engine import create_engine
from bot.web.ops import Readiness
from tests.e2e.conftest import AppFactory, make_settings
from tests.e2e.flows import has, say
from tests.e2e.proc_env import closed_port
from tests.fakebot import FakeTelegram

HOOK = "https://coach.example.org/telegram/update"
SECRET = "hook-secret_0123456789"


async def get(port: int, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}{path}") as resp:
        return resp.status, await resp.text()


async def post(port: int, path: str, body: dict[str, Any], headers: dict[str, str]) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"http://127.0.0.1:{port}{path}", json=body, headers=headers) as r,
    ):
        return r.status


WebhookFactory = Callable[[], Awaitable[App]]


@pytest.fixture
async def start_webhook_app(
    tg: FakeTelegram, sqlite_url: str, clock: FakeClock, library: Library
) -> AsyncIterator[WebhookFactory]:
    running: list[tuple[App, asyncio.Task[None]]] = []

    async def start() -> App:
        settings = make_settings(
            tg, sqlite_url, webhook_url=HOOK, webhook_secret=SECRET, webhook_host="127.0.0.1", webhook_port=0
        )
        app = build_app(settings, clock=clock, library=library)
        task = asyncio.create_task(app.run_webhook(handle_signals=False))
        running.append((app, task))
        await tg.wait_for_call("setWebhook", timeout=10)
        for _ in range(100):
            if app.runtime.readiness is not None and app.runtime.readiness.started:
                break
            await asyncio.sleep(0.05)
        return app

    yield start
    for app, task in running:
        app.request_stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 15)


async def test_webhook_instances_behind_a_balancer_answer_each_update_once(
    tg: FakeTelegram, start_webhook_app: WebhookFactory
) -> None:
    first, second = await start_webhook_app(), await start_webhook_app()
    assert first.runtime.port and second.runtime.port
    (call,) = tg.calls_to("setWebhook")[:1]
    assert call["url"] == HOOK and call["secret_token"] == SECRET and call.get("drop_pending_updates") is False
    tg.route_webhook(f"http://127.0.0.1:{first.runtime.port}", f"http://127.0.0.1:{second.runtime.port}")

    for user in (301, 302, 303, 304):
        tg.add_user(user)
        await say(tg, user, "/start", "Is that OK with you?")
    await tg.wait_idle()
    for user in (301, 302, 303, 304):
        assert len([m for m in tg.sent(user) if has("Is that OK with you?")(m)]) == 1
    targets = {d.target for d in tg.webhook.deliveries if d.status == 200}
    assert len(targets) == 2  # both instances served updates
    assert tg.pending_updates == 0
    assert not [c for c in tg.calls if c.status == 409]

    status, body = await get(first.runtime.port, "/readyz")
    assert status == 200 and '"webhook": "ok"' in body and '"database": "ok"' in body


async def test_webhook_refuses_requests_without_the_secret(tg: FakeTelegram, start_webhook_app: WebhookFactory) -> None:
    app = await start_webhook_app()
    port = app.runtime.port
    assert port is not None
    forged = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 666, "type": "private"},
            "from": {"id": 666, "is_bot": False, "first_name": "Eve"},
            "text": "/start",
        },
    }
    path = "/telegram/update"
    assert await post(port, path, forged, {}) == 401
    assert await post(port, path, forged, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}) == 401
    assert await post(port, path, forged, {"X-Telegram-Bot-Api-Secret-Token": SECRET + "x"}) == 401
    await asyncio.sleep(0.2)
    assert tg.calls_to("sendMessage") == []  # nothing was handled
    # The right secret gets in (with nonsense it is a clear 400, not a crash).
    assert await post(port, path, {"nonsense": True}, {"X-Telegram-Bot-Api-Secret-Token": SECRET}) == 400


async def test_polling_instance_serves_health_ready_and_metrics(
    start_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = await start_app()
    port = app.runtime.port
    assert port is not None
    # Docker's HEALTHCHECK command asks the same endpoint (in a thread: it blocks, and the server runs here).
    monkeypatch.delenv("WEBHOOK_URL", raising=False)
    monkeypatch.setenv("HEALTH_PORT", str(port))
    assert await asyncio.to_thread(main, ["healthcheck"]) == 0
    monkeypatch.setenv("HEALTH_PORT", str(closed_port()))
    assert await asyncio.to_thread(main, ["healthcheck"]) == 1
    assert await get(port, "/healthz") == (200, '{"status": "ok"}')
    status, body = await get(port, "/readyz")
    assert status == 200 and '"bot": "ok"' in body and '"mode": "polling"' in body
    status, metrics = await get(port, "/metrics")
    assert status == 200
    assert "bot_leader 1.0" in metrics and "bot_ready 1.0" in metrics
    assert "python_info" in metrics  # the default registry, where every module's metrics live


async def test_not_ready_when_the_database_does_not_answer() -> None:
    engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    try:
        ready, checks = await Readiness(engine, "polling", started=True).check()
    finally:
        await engine.dispose()
    assert not ready and checks["database"] == "unreachable"
