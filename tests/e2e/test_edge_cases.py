"""Edges found in review: late rows after downtime, quiet hours at send time, commands mid-flow, stale waits."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.models import Caregiver, Delivery, Response
from tests.e2e.conftest import AppFactory
from tests.e2e.flows import onboard, press_raw, say, tap
from tests.fakebot import FakeTelegram

BERLIN = ZoneInfo("Europe/Berlin")
ANN = 111


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=BERLIN)


def prompts(tg: FakeTelegram) -> list[str]:
    return [m.text or "" for m in tg.sent(ANN) if "Try saying" in (m.text or "") and not m.edited]


async def test_rows_queued_before_downtime_are_missed_not_sent_at_night(
    tg: FakeTelegram, start_app: AppFactory, clock: FakeClock
) -> None:
    first = await start_app()
    await onboard(tg, ANN)
    clock.set(at(2, 19, 0, 5))
    await first.deliveries.dispatch_due()  # queued, then the server goes down before sending
    await first.dp.stop_polling()
    clock.set(at(3, 3, 0))  # back at 3 a.m.
    second = await start_app()
    await second.tick()
    assert prompts(tg) == []
    async with second.sessions() as s:
        d = await s.scalar(select(Delivery))
    assert d is not None and d.status == "missed"


async def test_a_nudge_due_during_downtime_is_dropped_not_sent_next_morning(
    tg: FakeTelegram, start_app: AppFactory, clock: FakeClock
) -> None:
    app = await start_app()
    await onboard(tg, ANN, at="17:00")
    clock.set(at(2, 17, 0, 5))
    await app.tick()
    clock.set(at(2, 23, 30))  # the 20:00 nudge was due while the bot was down; now it's quiet hours
    await app.tick()
    assert not [m for m in tg.sent(ANN) if "still waiting" in (m.text or "")]
    clock.set(at(3, 8, 0, 5))
    await app.tick()
    assert not [m for m in tg.sent(ANN) if "still waiting" in (m.text or "")]


async def test_commands_work_in_the_middle_of_set_up(tg: FakeTelegram, start_app: AppFactory) -> None:
    app = await start_app()
    tg.add_user(ANN)
    await say(tg, ANN, "/start", "Is that OK")
    await tap(tg, ANN, "I agree", "Let's add your child")
    await say(tg, ANN, "Mia", "When was")
    await say(tg, ANN, "/privacy", "Stored")
    await say(tg, ANN, "2022-02", "Is there another child")  # the step is still waiting
    await say(tg, ANN, "/delete", "Delete everything?")
    await tap(tg, ANN, "Yes, delete everything", "Everything is erased")
    async with app.sessions() as s:
        assert await s.scalar(select(Caregiver)) is None


async def test_a_stale_note_question_does_not_swallow_later_text(
    tg: FakeTelegram, start_app: AppFactory, clock: FakeClock
) -> None:
    app = await start_app()
    await onboard(tg, ANN, first_now=True)
    await tg.press_button(ANN, "We tried it")
    await tg.wait_for(ANN, lambda m: m.edited and "Went well" in str(m.buttons))
    await tap(tg, ANN, "Went well", "reply with one line")
    clock.advance(timedelta(hours=2))
    reply = await say(tg, ANN, "big tantrum at dinner, help", "hard moment")
    assert "Tantrum" in (reply.text or "")
    async with app.sessions() as s:
        assert (await s.scalar(select(Response.note))) is None


async def test_odd_digits_in_forged_data_get_an_answer(tg: FakeTelegram, start_app: AppFactory) -> None:
    await start_app()
    await onboard(tg, ANN, first_now=True)
    for data in ("d:t:²", "d:r:1:³", "st:rm:٣", "cl:¹"):
        answer = await press_raw(tg, ANN, tg.last(ANN).message_id, data)
        assert answer.text, data
    tg.assert_no_errors()
    await say(tg, ANN, "/help", "what I can do")
