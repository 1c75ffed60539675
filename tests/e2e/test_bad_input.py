"""Bad input gets a clear, kind answer, and nothing is lost or corrupted. Callback data is never trusted."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.app import App
from bot.clock import FakeClock
from bot.db.models import Caregiver, Child, Delivery, Family, FsmRecord, Response
from tests.e2e.flows import has, onboard, press_raw, say, tap
from tests.fakebot import FakeTelegram

BERLIN = ZoneInfo("Europe/Berlin")
ANN, BOB = 111, 222


async def count(app: App, model: type) -> int:
    async with app.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_nothing_is_stored_before_consent(tg: FakeTelegram, app: App) -> None:
    tg.add_user(ANN)
    await say(tg, ANN, "/start", "Is that OK with you?")
    await say(tg, ANN, "hello there", "Here's what I can do")
    await say(tg, ANN, "/history", "tap /start")
    await tap(tg, ANN, "What exactly do you store", "Privacy")
    assert await count(app, Caregiver) == 0 and await count(app, Family) == 0


async def test_onboarding_answers_bad_input_kindly(tg: FakeTelegram, app: App) -> None:
    tg.add_user(ANN)
    await say(tg, ANN, "/start", "Is that OK with you?")
    await tap(tg, ANN, "I agree", "Let's add your child")
    await say(tg, ANN, "x" * 40, "under 32 characters")
    await say(tg, ANN, "Sam <b>&", "When was Sam <b>& born")
    await say(tg, ANN, "next tuesday", "couldn't read that as a month and year")
    await say(tg, ANN, "2031-02", "still in the future")
    await say(tg, ANN, "Jan 2026", "start at age one")
    await say(tg, ANN, "1990-01", "up to 17")
    await say(tg, ANN, "13/2020", "couldn't read that")
    await say(tg, ANN, "May 2019", "Is there another child")
    async with app.sessions() as s:
        child = await s.scalar(select(Child))
    assert child is not None and child.nickname == "Sam <b>&" and (child.birth_year, child.birth_month) == (2019, 5)
    await tap(tg, ANN, "That's everyone", "Which timezone")
    await say(tg, ANN, "Mars/Olympus", "don't know that timezone")
    await say(tg, ANN, "new york", "What time suits you")
    await say(tg, ANN, "25:99", "couldn't read that time")
    await say(tg, ANN, "half past", "couldn't read that time")
    await say(tg, ANN, "7:30 am", "How often")
    await tap(tg, ANN, "Weekdays", "You're all set")
    async with app.sessions() as s:
        fam = await s.scalar(select(Family))
    assert fam is not None
    assert (fam.timezone, fam.send_time.strftime("%H:%M"), fam.cadence) == ("America/New_York", "07:30", "weekdays")
    # The nickname a parent typed is shown back escaped, so HTML in it can't break a message.
    assert "Sam <b>&" in (tg.last(ANN).text or "")
    tg.assert_no_errors()


async def test_forged_and_stale_buttons_change_nothing(tg: FakeTelegram, app: App, clock: FakeClock) -> None:
    await onboard(tg, ANN, first_now=True)
    await onboard(tg, BOB, first_now=True)
    ann_prompt = next(m for m in tg.sent(ANN) if "Try saying" in (m.text or ""))
    bob_prompt = next(m for m in tg.sent(BOB) if "Try saying" in (m.text or ""))
    ann_data = ann_prompt.callback_data("We tried it")
    # Bob replays Ann's button data in his own chat: refused, and Ann's delivery is untouched.
    for forged in (ann_data, ann_data.replace(":t:", ":r:") + ":3", ann_data.replace(":t:", ":l:")):
        answer = await press_raw(tg, BOB, bob_prompt.message_id, forged)
        assert "isn't one of yours" in (answer.text or "")
    # Garbage and out-of-range data.
    for junk in ("d:t:abc", "d:r:1:9", "d:x:1", "d:t:99999999", "st:rm:1", "ob:y:2020", "ob:tz:Not/AZone", "zz", ""):
        answer = await press_raw(tg, BOB, bob_prompt.message_id, junk or "-")
        assert answer.text, junk
    assert await count(app, Response) == 0
    async with app.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Child)) == 2
        d = await s.scalar(select(Delivery).where(Delivery.chat_id == ANN))
    assert d is not None and d.nudge_status is None
    # Every press was answered (no spinning button), and nothing errored.
    assert len(tg.callback_answers) >= 12
    tg.assert_no_errors()


async def test_free_text_gets_the_menu_and_long_text_a_kind_answer(tg: FakeTelegram, app: App) -> None:
    await onboard(tg, ANN)
    await say(tg, ANN, "asdfgh qwerty", "Here's what I can do")
    await say(tg, ANN, "y" * 4000, "too long")
    await say(tg, ANN, "/help", "/prompt")
    await say(tg, ANN, "/privacy", "Stored")


async def test_crisis_text_gets_resources_and_is_not_stored(tg: FakeTelegram, app: App) -> None:
    await onboard(tg, ANN, first_now=True)
    await tg.press_button(ANN, "We tried it")
    await tg.wait_for(ANN, lambda m: m.edited and "Went well" in str(m.buttons))
    await tg.press_button(ANN, "Went well")
    await tg.wait_for(ANN, has("reply with one line"))
    crisis = "honestly some days I want to kill myself"
    reply = await say(tg, ANN, crisis, "emergency")
    assert "nobody" in (reply.text or "").lower() or "monitor" in (reply.text or "").lower()
    async with app.sessions() as s:
        notes = (await s.scalars(select(Response.note))).all()
        fsm = (await s.scalars(select(FsmRecord.data))).all()
    assert all(crisis not in (n or "") for n in notes)
    assert all(crisis not in (f or "") for f in fsm)


async def test_prompt_now_and_history_before_any_answer(tg: FakeTelegram, app: App) -> None:
    await onboard(tg, ANN)
    await say(tg, ANN, "/history", "No prompts yet")
    first = await say(tg, ANN, "/prompt", "Try saying")
    second = await say(tg, ANN, "/prompt", "Try saying")
    assert (first.text or "").splitlines()[0] != (second.text or "").splitlines()[0]


async def test_settings_change_time_days_zone_and_children(tg: FakeTelegram, app: App, clock: FakeClock) -> None:
    await onboard(tg, ANN)
    await say(tg, ANN, "/settings", "Your settings")
    await tap(tg, ANN, "Time", "What time suits you")
    await say(tg, ANN, "8:15pm", "Time set to 20:15")
    await tap(tg, ANN, "Days", "How often")
    await tap(tg, ANN, "Once a week", "Days: Once a week")
    await tap(tg, ANN, "Timezone", "Which timezone")
    await say(tg, ANN, "Asia/Tokyo", "Timezone set to Asia/Tokyo")
    await tap(tg, ANN, "Children", "Children")
    await tap(tg, ANN, "Add a child", "What do you call this child")
    await say(tg, ANN, "Teo", "When was Teo born")
    await say(tg, ANN, "2012-03", "Teo")
    await tap(tg, ANN, "Remove Mia", "Children")
    async with app.sessions() as s:
        fam = await s.scalar(select(Family))
        kids = (await s.scalars(select(Child.nickname))).all()
    assert fam is not None and fam.next_send_at is not None
    assert (fam.timezone, fam.send_time.strftime("%H:%M"), fam.cadence) == ("Asia/Tokyo", "20:15", "weekly")
    local = fam.next_send_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert (local.weekday(), local.hour, local.minute) == (6, 20, 15)
    assert kids == ["Teo"]


async def test_pause_until_a_typed_date_and_resume(tg: FakeTelegram, app: App, clock: FakeClock) -> None:
    await onboard(tg, ANN)
    await say(tg, ANN, "/pause", "Take a break")
    await tap(tg, ANN, "Until a date", "Until which date")
    await say(tg, ANN, "yesterday-ish", "couldn't read that date")
    await say(tg, ANN, "2026-02-01", "already passed")
    await say(tg, ANN, "2030-01-01", "within the next 12 months")
    await say(tg, ANN, "2026-03-20", "Paused until Fri 20 Mar")
    async with app.sessions() as s:
        fam = await s.scalar(select(Family))
    assert fam is not None and fam.next_send_at == datetime(2026, 3, 20, 19, 0, tzinfo=BERLIN)
    await say(tg, ANN, "/resume", "Welcome back")
    await say(tg, ANN, "/resume", "You're not paused")


async def test_help_now_and_free_text_offer_cards_for_the_familys_children(tg: FakeTelegram, app: App) -> None:
    await onboard(tg, ANN)  # Mia, a toddler
    listing = await say(tg, ANN, "/help_now", "Help in the moment")
    assert len(listing.buttons) == len(app.library.situations)
    card = await tap(tg, ANN, "Sibling", "for Mia")
    assert card is not None and "Notice:" in (card.text or "")
    reply = await say(tg, ANN, "she had a huge tantrim in the shop, screaming on the floor", "hard moment")
    assert "Tantrum" in (reply.text or "") and "for Mia" in (reply.text or "")
    # Before set-up, a card is offered for every age band.
    tg.add_user(BOB)
    reply = await say(tg, BOB, "my son slammed the door and won't talk to me", "hard moment")
    assert {"for toddler", "for school-age", "for teen"} <= set(
        line.split("— ")[-1] for line in (reply.text or "").splitlines() if "— for" in line
    )
    assert await count(app, Family) == 1  # nothing stored for Bob
