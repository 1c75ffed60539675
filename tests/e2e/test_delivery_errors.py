"""What Telegram throws at the sender: 429, 403, 400, 5xx, blocks, and restarts mid-send."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from bot.app import App
from bot.clock import FakeClock
from bot.db.models import Delivery, Family
from tests.e2e.conftest import AppFactory
from tests.e2e.flows import has, onboard, say
from tests.fakebot import FakeTelegram

BERLIN = ZoneInfo("Europe/Berlin")
ANN = 111


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=BERLIN)


def prompts(tg: FakeTelegram, user: int = ANN) -> list[str]:
    return [m.text or "" for m in tg.sent(user) if "Try saying" in (m.text or "") and not m.edited]


async def deliveries(app: App) -> list[Delivery]:
    async with app.sessions() as s:
        return list((await s.scalars(select(Delivery).order_by(Delivery.id))).all())


async def family(app: App) -> Family:
    async with app.sessions() as s:
        fam = await s.scalar(select(Family))
    assert fam is not None
    return fam


async def test_429_waits_retry_after_then_sends_once(tg: FakeTelegram, app: App, clock: FakeClock) -> None:
    await onboard(tg, ANN)
    tg.fail_next("sendMessage", status=429, retry_after=30)
    clock.set(at(2, 19, 0, 5))
    await app.tick()
    assert prompts(tg) == []
    (d,) = await deliveries(app)
    assert d.status == "queued" and d.next_attempt_at == clock.now() + timedelta(seconds=30)
    clock.advance(seconds=10)
    await app.tick()  # still inside retry_after: nothing goes out
    assert prompts(tg) == []
    clock.advance(seconds=25)
    await app.tick()
    assert len(prompts(tg)) == 1
    await app.tick()
    assert len(prompts(tg)) == 1
    (d,) = await deliveries(app)
    assert d.status == "sent"


async def test_403_blocked_deactivates_and_start_reactivates(tg: FakeTelegram, app: App, clock: FakeClock) -> None:
    await onboard(tg, ANN)
    tg.block(ANN)
    clock.set(at(2, 19, 0, 5))
    await app.tick()
    fam = await family(app)
    assert not fam.active and fam.next_send_at is None
    (d,) = await deliveries(app)
    assert d.status == "failed"
    # Nothing more is attempted while blocked.
    clock.set(at(3, 19, 0, 5))
    await app.tick()
    assert len(await deliveries(app)) == 1
    tg.unblock(ANN)
    await say(tg, ANN, "/start", "Welcome back")
    fam = await family(app)
    assert fam.active and fam.next_send_at == at(4, 19).astimezone(fam.next_send_at.tzinfo)


async def test_my_chat_member_kicked_and_back(tg: FakeTelegram, app: App, clock: FakeClock) -> None:
    await onboard(tg, ANN)
    await tg.chat_member_update(ANN, "kicked")
    await tg.wait_idle()
    for _ in range(50):
        if not (await family(app)).active:
            break
        await tg.wait_idle()
    assert not (await family(app)).active
    await tg.chat_member_update(ANN, "member")
    for _ in range(50):
        if (await family(app)).active:
            break
        await tg.wait_idle()
    assert (await family(app)).active


async def test_400_is_recorded_failed_with_reason(tg: FakeTelegram, app: App, clock: FakeClock) -> None:
    await onboard(tg, ANN)
    tg.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    clock.set(at(2, 19, 0, 5))
    await app.tick()
    (d,) = await deliveries(app)
    assert d.status == "failed" and d.last_error is not None and "chat not found" in d.last_error
    clock.advance(hours=1)
    await app.tick()
    assert prompts(tg) == []
    assert (await family(app)).active


async def test_5xx_retries_with_backoff(tg: FakeTelegram, app: App, clock: FakeClock) -> None:
    await onboard(tg, ANN)
    tg.fail_next("sendMessage", status=502, count=2)
    clock.set(at(2, 19, 0, 5))
    await app.tick()
    (d,) = await deliveries(app)
    assert d.status == "queued" and d.attempts == 1 and d.next_attempt_at == clock.now() + timedelta(seconds=15)
    clock.advance(seconds=16)
    await app.tick()
    (d,) = await deliveries(app)
    assert d.status == "queued" and d.attempts == 2 and d.next_attempt_at == clock.now() + timedelta(seconds=30)
    clock.advance(seconds=31)
    await app.tick()
    assert len(prompts(tg)) == 1
    (d,) = await deliveries(app)
    assert d.status == "sent" and d.attempts == 3


async def test_5xx_gives_up_after_bounded_attempts(tg: FakeTelegram, app: App, clock: FakeClock) -> None:
    await onboard(tg, ANN)
    tg.fail_next("sendMessage", status=500, count=50)
    clock.set(at(2, 19, 0, 5))
    for _ in range(10):
        await app.tick()
        clock.advance(minutes=11)
    (d,) = [x for x in await deliveries(app) if x.slot_at == at(2, 19).astimezone(x.slot_at.tzinfo)]
    assert d.status == "failed" and d.attempts == 6
    tg.clear_faults()


async def test_crash_mid_send_requeues_after_the_lease(
    tg: FakeTelegram, start_app: AppFactory, clock: FakeClock
) -> None:
    first = await start_app()
    await onboard(tg, ANN)
    clock.set(at(2, 19, 0, 5))
    await first.deliveries.dispatch_due()
    # An instance claimed the row and was killed: it stays 'sending' under a lease nobody renews.
    async with first.sessions() as s, s.begin():
        await s.execute(
            update(Delivery).values(
                status="sending", claimed_by="killed", lease_until=clock.now() + timedelta(seconds=60), attempts=1
            )
        )
    await first.dp.stop_polling()
    second = await start_app()
    clock.advance(seconds=30)
    await second.tick()
    assert prompts(tg) == []  # the lease still holds: its owner might be alive
    clock.advance(seconds=31)
    await second.tick()
    assert len(prompts(tg)) == 1  # lease expired: back in the queue, sent (at-least-once)
    (d,) = await deliveries(second)
    assert d.status == "sent" and d.claimed_by is None and d.lease_until is None
    await second.tick()
    assert len(prompts(tg)) == 1
    # The schedule carries on: the next slot is sent normally.
    clock.set(at(3, 19, 0, 5))
    await second.tick()
    assert len(prompts(tg)) == 2


async def test_restart_between_dispatch_and_send_sends_exactly_once(
    tg: FakeTelegram, start_app: AppFactory, clock: FakeClock
) -> None:
    first = await start_app()
    await onboard(tg, ANN)
    clock.set(at(2, 19, 0, 5))
    await first.deliveries.dispatch_due()  # queued, then the process stops before sending
    await first.dp.stop_polling()
    second = await start_app()
    await second.tick()
    await second.tick()
    assert len(prompts(tg)) == 1


async def test_nudge_respects_answer_pause_and_setting(tg: FakeTelegram, app: App, clock: FakeClock) -> None:
    await onboard(tg, ANN, at="17:00")
    clock.set(at(2, 17, 0, 5))
    await app.tick()
    assert len(prompts(tg)) == 1
    # Reminders off: no nudge at 20:00.
    await say(tg, ANN, "/settings", "Your settings")
    await tg.press_button(ANN, "Reminders: on")
    await tg.wait_for(ANN, has("Reminders off"))
    clock.set(at(2, 20, 0, 5))
    await app.tick()
    assert not [m for m in tg.sent(ANN) if "still waiting" in (m.text or "")]
    (d,) = await deliveries(app)
    assert d.nudge_status == "cancelled"
    # Reminders on again; Tuesday's prompt unanswered -> one nudge at 20:00 (not in quiet hours).
    await say(tg, ANN, "/settings", "Your settings")
    await tg.press_button(ANN, "Reminders: off")
    await tg.wait_for(ANN, has("Reminders on"))
    clock.set(at(3, 17, 0, 5))
    await app.tick()
    clock.set(at(3, 20, 0, 5))
    await app.tick()
    await app.tick()
    assert len([m for m in tg.sent(ANN) if "still waiting" in (m.text or "")]) == 1
    # Paused: Wednesday's prompt isn't sent, so nothing to nudge either.
    await say(tg, ANN, "/pause", "Take a break")
    await tg.press_button(ANN, "1 week")
    await tg.wait_for(ANN, has("Paused until"))
    clock.set(at(4, 20, 0, 5))
    await app.tick()
    assert len(prompts(tg)) == 2


async def test_later_today_brings_the_prompt_back_once(tg: FakeTelegram, app: App, clock: FakeClock) -> None:
    await onboard(tg, ANN, at="17:00")
    clock.set(at(2, 17, 0, 5))
    await app.tick()
    await tg.press_button(ANN, "Later today")
    await tg.wait_for(ANN, has("I'll bring it back"))
    clock.set(at(2, 19, 0, 10))
    await app.tick()
    again = [m for m in tg.sent(ANN) if "Here it is again" in (m.text or "")]
    assert len(again) == 1 and "Later today" not in str(again[0].buttons)
    clock.set(at(2, 20, 0, 10))
    await app.tick()
    assert (
        len([m for m in tg.sent(ANN) if "Here it is again" in (m.text or "") or "still waiting" in (m.text or "")]) == 1
    )
