"""Outbox notices (digests) and nudges get a prompt's guarantees; paid broadcasts are flagged; SIGTERM releases."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from bot.app import App
from bot.clock import FakeClock
from bot.db.models import Delivery, Outbox
from tests.e2e.conftest import AppFactory
from tests.e2e.flows import onboard, say
from tests.fakebot import FakeTelegram

BERLIN = ZoneInfo("Europe/Berlin")
ANN = 111
THERAPIST = 222


async def _outbox(app: App) -> list[Outbox]:
    async with app.sessions() as s:
        return list((await s.scalars(select(Outbox).order_by(Outbox.id))).all())


async def test_a_notice_that_meets_a_5xx_is_retried_not_lost(tg: FakeTelegram, app: App, clock: FakeClock) -> None:
    tg.add_user(THERAPIST)
    async with app.sessions() as s, s.begin():
        s.add(
            Outbox(
                kind="digest",
                chat_id=THERAPIST,
                text="🗓 <b>Digest</b>",
                next_attempt_at=clock.now(),
                created_at=clock.now(),
            )
        )
    tg.fail_next("sendMessage", status=502)
    await app.tick()
    (row,) = await _outbox(app)
    assert row.status == "queued" and row.attempts == 1 and row.next_attempt_at == clock.now() + timedelta(seconds=15)
    assert tg.sent(THERAPIST) == []
    clock.advance(seconds=16)
    await app.tick()
    await app.tick()
    (row,) = await _outbox(app)
    assert row.status == "sent" and row.claimed_by is None
    assert [m.text for m in tg.sent(THERAPIST)] == ["🗓 Digest"]


async def test_a_nudge_caught_mid_send_goes_back_to_the_queue(
    tg: FakeTelegram, start_app: AppFactory, clock: FakeClock
) -> None:
    app = await start_app()
    await onboard(tg, ANN, at="17:00")
    clock.set(datetime(2026, 3, 2, 17, 0, 5, tzinfo=BERLIN))
    await app.tick()  # the prompt goes out; its nudge is due three hours later
    async with app.sessions() as s:
        (d,) = (await s.scalars(select(Delivery))).all()
    assert d.status == "sent" and d.nudge_due_at is not None
    # An instance claimed the nudge and was killed before sending it.
    async with app.sessions() as s, s.begin():
        await s.execute(
            update(Delivery).values(nudge_status="sending", claimed_by="killed", lease_until=d.nudge_due_at)
        )
    clock.set(d.nudge_due_at + timedelta(minutes=5))
    await app.tick()
    nudges = [m for m in tg.sent(ANN) if "still waiting" in (m.text or "")]
    assert len(nudges) == 1
    async with app.sessions() as s:
        d = await s.get(Delivery, d.id)
    assert d is not None and d.nudge_status == "sent" and d.claimed_by is None


async def test_paid_broadcast_flags_broadcasts_only(tg: FakeTelegram, start_app: AppFactory, clock: FakeClock) -> None:
    app = await start_app(allow_paid_broadcast=True, paid_rate_per_second=200.0)
    assert app.limiter.rate == 200.0
    await onboard(tg, ANN, at="17:00")
    replies = tg.calls_to("sendMessage")
    assert replies and all("allow_paid_broadcast" not in p for p in replies)
    clock.set(datetime(2026, 3, 2, 17, 0, 5, tzinfo=BERLIN))
    await app.tick()
    prompt = tg.calls_to("sendMessage")[-1]
    assert "Try saying" in prompt["text"] and str(prompt.get("allow_paid_broadcast")).lower() == "true"
    # A prompt the parent asks for is a reply, not a broadcast.
    await say(tg, ANN, "/prompt", "Try saying")
    asked = tg.calls_to("sendMessage")[-1]
    assert "Try saying" in asked["text"] and "allow_paid_broadcast" not in asked


async def test_shutdown_releases_claimed_rows_that_never_left(tg: FakeTelegram, app: App, clock: FakeClock) -> None:
    await onboard(tg, ANN, at="17:00")
    clock.set(datetime(2026, 3, 2, 17, 0, 5, tzinfo=BERLIN))
    await app.deliveries.dispatch_due()
    sender = app.sender
    jobs = await sender.queue.claim_prompts(10)
    assert len(jobs) == 1
    sender.hold(jobs)  # claimed, never handed to a worker: what a SIGTERM finds waiting for the limiter
    assert await sender.stop() == 1
    async with app.sessions() as s:
        (d,) = (await s.scalars(select(Delivery))).all()
    assert (d.status, d.attempts, d.claimed_by, d.lease_until) == ("queued", 0, None, None)
    assert [m for m in tg.sent(ANN) if "Try saying" in (m.text or "")] == []
