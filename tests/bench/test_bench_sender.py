"""Sender drain throughput: the production Sender sending queued prompts to the fake Bot API over real HTTP.

The rate limiter is set far above what one process reaches (rate=1000/s, no per-chat spacing), so the figure
is our own overhead per message: claim, load, render, one HTTP round trip, mark sent.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.clock import FakeClock
from bot.content import Library
from bot.db.engine import create_engine, session_factory
from bot.db.models import Delivery
from bot.sender import RateLimiter, Sender
from bot.services.deliveries import DeliveryService
from tests.bench.seed import count_deliveries, seed_families
from tests.bench.util import atimed, atraced, mib, report, us
from tests.fakebot import FakeTelegram

N = 300
TRACED = 50


@pytest.mark.bench
async def test_sender_drain_throughput(tg: FakeTelegram, db_url: str, clock: FakeClock, library: Library) -> None:
    backend = db_url.split("+", 1)[0]
    engine = create_engine(db_url)
    bot = tg.make_bot()
    try:
        sessions = session_factory(engine)
        due_at = clock.now() + timedelta(hours=10)
        seeded = await seed_families(sessions, library, N, due_at=due_at)
        for uid in seeded.telegram_ids:
            tg.add_user(uid)
        clock.set(due_at + timedelta(minutes=1))
        deliveries = DeliveryService(sessions, clock, library)
        queued = (await deliveries.dispatch_due(batch=N)).queued
        assert queued == N

        blocked: list[int] = []

        async def on_blocked(chat: int) -> None:
            blocked.append(chat)

        limiter = RateLimiter(rate=1000, per_chat_interval=0)
        sender = Sender(bot, sessions, clock, limiter, on_blocked=on_blocked, content=deliveries.content_for)

        sent, t_drain = await atimed(lambda: sender.drain(limit=500))
        assert sent == N
        assert await count_deliveries(sessions, "sent") == N
        assert blocked == []
        assert all(len(tg.sent(uid)) == 1 for uid in seeded.telegram_ids)
        tg.assert_no_errors()

        # A drain of TRACED of them again under tracemalloc (which slows everything down several times). The fake
        # server runs in this process, so its share of the work (parsing, storing the message) is counted too.
        async with sessions() as s, s.begin():
            await s.execute(
                update(Delivery)
                .where(Delivery.status == "sent")
                .values(status="queued", sent_at=None, message_id=None, chat_id=None, nudge_due_at=None)
            )
        sent2, peak = await atraced(lambda: sender.drain(limit=TRACED))
        assert sent2 == TRACED
        assert sum(len(tg.sent(uid)) for uid in seeded.telegram_ids) == N + TRACED

        report(
            f"Sender.drain -> fake Bot API on {backend}",
            [
                ("messages", f"{N} (one per chat, HTML + inline keyboard)"),
                ("drain(limit=500)", f"{t_drain:.2f} s"),
                ("throughput", f"{N / t_drain:,.0f} messages/s   {us(t_drain, N, 'message')}"),
                (
                    "peak memory",
                    f"{mib(peak)} for drain(limit={TRACED})   (tracemalloc; includes the in-process fake server)",
                ),
            ],
        )
    finally:
        await bot.session.close()
        await engine.dispose()
