"""Replies share the rate budget with a fan-out, jump its queue, survive a 429; stale buttons stay quiet."""

from __future__ import annotations

import logging
import time

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.content import Library
from bot.db.engine import create_engine, session_factory
from tests.bench.seed import seed_families
from tests.e2e.conftest import AppFactory
from tests.e2e.engine_proc import wait_until
from tests.e2e.flows import has, onboard, say
from tests.fakebot import FakeTelegram, Network
from tests.fakebot.server import NOT_MODIFIED, QUERY_TOO_OLD

ANN = 111
FAMILIES = 60


async def _fan_out(app: App, sqlite_url: str, tg: FakeTelegram, clock: FakeClock, library: Library) -> list[int]:
    """Queue a prompt for FAMILIES families and wake the send loop, as the dispatch loop does."""
    engine = create_engine(sqlite_url)
    try:
        seeded = await seed_families(session_factory(engine), library, FAMILIES, due_at=clock.now())
    finally:
        await engine.dispose()
    for uid in seeded.telegram_ids:
        tg.add_user(uid)
    assert (await app.deliveries.dispatch_due(batch=FAMILIES)).queued == FAMILIES
    app.engine_loops.wake_send.set()
    return seeded.telegram_ids


async def test_a_reply_during_a_fan_out_is_retried_after_a_429(
    tg: FakeTelegram, start_app: AppFactory, clock: FakeClock, library: Library, sqlite_url: str
) -> None:
    tg.network = Network(latency=0.02, global_limit=30)
    app = await start_app(rate_per_second=25.0, per_chat_interval=1.0)
    tg.add_user(ANN)
    users = await _fan_out(app, sqlite_url, tg, clock, library)
    await wait_until(lambda: sum(len(tg.sent(u)) for u in users) >= 5, 30)
    tg.fail_next("sendMessage", status=429, retry_after=1, chat_id=ANN)
    start = time.monotonic()
    await tg.send_text(ANN, "/start")
    await wait_until(lambda: any(c.status == 429 and c.params.get("chat_id") == ANN for c in tg.calls), 10)
    clock.advance(seconds=2)  # the chat's pause is kept in the clock's time
    await tg.wait_for(ANN, has("Is that OK"), timeout=10)
    assert time.monotonic() - start < 5
    # The fan-out went on around it, and Telegram's own limit was never hit.
    await wait_until(lambda: all(tg.sent(u) for u in users), 30)
    assert tg.network.rejected == {"global": 0, "chat": 0}


async def test_replies_jump_ahead_of_queued_broadcasts(
    tg: FakeTelegram, start_app: AppFactory, clock: FakeClock, library: Library, sqlite_url: str
) -> None:
    tg.network = Network(latency=0.02, global_limit=30)
    app = await start_app(rate_per_second=10.0, per_chat_interval=1.0)
    tg.add_user(ANN)
    users = await _fan_out(app, sqlite_url, tg, clock, library)
    await wait_until(lambda: sum(len(tg.sent(u)) for u in users) >= 3, 30)
    start = time.monotonic()
    await tg.send_text(ANN, "/start")
    await tg.wait_for(ANN, has("Is that OK"), timeout=10)
    waited = time.monotonic() - start
    left = sum(1 for u in users if not tg.sent(u))
    # At 10/s the queued broadcasts alone would take seconds; the reply went first.
    assert left > 20 and waited < 2.0


async def test_stale_buttons_are_handled_quietly(tg: FakeTelegram, app: App, caplog: pytest.LogCaptureFixture) -> None:
    await onboard(tg, ANN)
    await say(tg, ANN, "/settings", "Your settings")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        tg.fail_next("answerCallbackQuery", status=400, description=f"Bad Request: {QUERY_TOO_OLD}")
        await tg.press_button(ANN, "Reminders: on")
        await tg.wait_for(ANN, has("Reminders off"))
        await tg.wait_idle()
        # An edit that changes nothing, wherever a handler doesn't expect it, ends that handler quietly.
        tg.fail_next("*", status=400, description=f"Bad Request: {NOT_MODIFIED}")
        await tg.press_button(ANN, "Reminders: off")
        await tg.wait_idle()
    tg.clear_faults()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    quiet = [r.getMessage() for r in caplog.records if "stale button ignored" in r.getMessage()]
    assert quiet == ["stale button ignored: query is too old", "stale button ignored: message is not modified"]
    # The bot carries on as normal.
    await say(tg, ANN, "/settings", "Your settings")
