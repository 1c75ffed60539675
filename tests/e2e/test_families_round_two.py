"""Round two, played as parents would: quick start, co-parents, follow-ups by answer, /history and
/progress, flexible settings."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.db.models import Child, Delivery, Family
from bot.tips import load_tips, tip_for
from tests.e2e.flows import has, onboard, say, tap
from tests.fakebot import FakeTelegram, SentMessage

BERLIN = ZoneInfo("Europe/Berlin")
ANN, DAD = 111, 222


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=BERLIN)


async def press_on(tg: FakeTelegram, user: int, msg: SentMessage, button: str) -> None:
    qid = await tg.press(user, msg.message_id, msg.callback_data(button))
    await tg.wait_for_call("answerCallbackQuery", lambda p: str(p.get("callback_query_id")) == qid)


async def test_quick_start_gives_a_first_prompt_within_five_taps(tg: FakeTelegram, app: App) -> None:
    tg.add_user(ANN)
    taps = 0

    async def step(button: str, expect: str) -> None:
        nonlocal taps
        taps += 1
        await tap(tg, ANN, button, expect)

    await say(tg, ANN, "/start", "Is that OK with you?")  # the one message
    await step("I agree", "Let's add your child")
    await step("Skip", "When was your child born")
    await step("2023", "And the month?")
    await step("May", "Is there another child")
    await step("Start now", "Try saying")
    assert taps <= 5
    typed = [line for line in tg.transcript(ANN).splitlines() if line.startswith("user > ")]
    assert len(typed) == 1
    summary = next(m for m in tg.sent(ANN) if "You're all set" in (m.text or ""))
    assert "19:30 (Europe/London)" in (summary.text or "") and "/settings" in (summary.text or "")
    async with app.sessions() as s:
        fam = await s.scalar(select(Family))
    assert fam is not None and fam.onboarded_at is not None and fam.cadence == "three"
    tg.assert_no_errors()


async def test_a_co_parent_joins_sees_the_same_prompts_and_answers(
    tg: FakeTelegram, app: App, clock: FakeClock
) -> None:
    await onboard(tg, ANN, at="19:00")
    await say(tg, ANN, "/settings", "Your settings")
    await tap(tg, ANN, "Co-parents", "Co-parents")
    link = await tap(tg, ANN, "Invite a co-parent", "start=p_")
    assert link is not None
    code = re.search(r"start=p_([A-Za-z0-9_-]+)", link.text or "")
    assert code is not None
    tg.add_user(DAD, first_name="Dad")
    await say(tg, DAD, f"/start p_{code.group(1)}", "invited to join a family")
    await tap(tg, DAD, "I agree", "You've joined your family")
    await tg.wait_for(ANN, has("A co-parent has joined"))
    # The link was single use.
    tg.add_user(333)
    await say(tg, 333, f"/start p_{code.group(1)}", "Is that OK")
    await tap(tg, 333, "I agree", "already been used")

    clock.set(at(2, 19, 0, 5))
    await app.tick()
    dad_prompt = [m for m in tg.sent(DAD) if "Try saying" in (m.text or "")][-1]
    assert [m for m in tg.sent(ANN) if "Try saying" in (m.text or "")]
    await press_on(tg, DAD, dad_prompt, "We tried it")
    hist = await say(tg, ANN, "/history", "Your recent prompts")
    assert "✅ tried · by your co-parent" in (hist.text or "")
    assert "— ·" not in (hist.text or "")

    # /delete warns that it erases the family for the co-parent too.
    warning = await say(tg, DAD, "/delete", "Delete everything?")
    assert "erased for them too" in (warning.text or "")
    await tap(tg, DAD, "Cancel", "Nothing was deleted")

    # Dad leaves; Ann's family carries on, and she is told.
    await say(tg, DAD, "/settings", "Your settings")
    await tap(tg, DAD, "Co-parents", "Co-parents")
    await tap(tg, DAD, "Leave this family", "Leave this family?")
    await tap(tg, DAD, "Yes, leave", "You've left the family")
    await tg.wait_for(ANN, has("A co-parent has left"))
    await say(tg, ANN, "/history", "Your recent prompts")
    tg.assert_no_errors()


async def test_the_follow_up_fits_the_answer(tg: FakeTelegram, app: App) -> None:
    await onboard(tg, ANN, first_now=True)
    tips = load_tips()
    follow_ups = {"Went well": "What helped it go well?", "So-so": "worth keeping", "It was hard": "What made it hard?"}
    for rating, question in follow_ups.items():
        if rating != "Went well":
            await say(tg, ANN, "/prompt", "Try saying")
        prompt = [m for m in tg.sent(ANN) if "Try saying" in (m.text or "")][-1]
        await press_on(tg, ANN, prompt, "We tried it")
        await tg.wait_for(ANN, lambda m, p=prompt: m.message_id == p.message_id and "Went well" in str(m.buttons))
        await press_on(tg, ANN, tg.sent(ANN)[[m.message_id for m in tg.sent(ANN)].index(prompt.message_id)], rating)
        follow = (await tg.wait_for(ANN, has(question)))[0]
        text = follow.text or ""
        assert "It stays private to your family" in text
        if rating == "It was hard":
            async with app.sessions() as s:
                d = await s.scalar(select(Delivery).order_by(Delivery.id.desc()))
            assert d is not None
            tip = tip_for(tips, d.skill, d.id)
            assert tip is not None and tip in text and "One thing to try next time" in text
        else:
            assert "One thing to try" not in text
    tg.assert_no_errors()


async def test_history_shows_notes_and_later_today(tg: FakeTelegram, app: App) -> None:
    await onboard(tg, ANN, first_now=True)
    first = [m for m in tg.sent(ANN) if "Try saying" in (m.text or "")][-1]
    await press_on(tg, ANN, first, "We tried it")
    await tg.wait_for(ANN, lambda m: m.message_id == first.message_id and "Went well" in str(m.buttons))
    await tap(tg, ANN, "Went well", "What helped")
    await say(tg, ANN, "Singing the words helped", "Saved")
    await say(tg, ANN, "/prompt", "Try saying")
    second = [m for m in tg.sent(ANN) if "Try saying" in (m.text or "")][-1]
    await press_on(tg, ANN, second, "Later today")
    hist = await say(tg, ANN, "/history", "Your recent prompts")
    text = hist.text or ""
    assert "📝 Singing the words helped" in text
    assert "⏰ coming back later today" in text and "no answer yet" not in text
    assert "— ·" not in text and "by you" not in text  # one caregiver: no "by" labels

    await tg.send_text(ANN, "/progress")
    # Drawing runs in a thread; give a loaded machine time.
    photo = (await tg.wait_for(ANN, lambda m: m.method == "sendPhoto", timeout=30))[0]
    assert photo.document is not None and photo.document.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert "Your last 8 weeks: 1 try." in (photo.caption or "")
    tg.assert_no_errors()


async def test_flexible_settings(tg: FakeTelegram, app: App, clock: FakeClock) -> None:
    await onboard(tg, ANN)
    # Any set of weekdays, for shared custody or shifts.
    await say(tg, ANN, "/settings", "Your settings")
    await tap(tg, ANN, "Days", "How often")
    await tap(tg, ANN, "Choose my own days", "Pick your days")
    for day in ("Mon", "Wed", "Sun"):
        qid = await tg.press_button(ANN, day)
        await tg.wait_for_call("answerCallbackQuery", lambda p, q=qid: str(p.get("callback_query_id")) == q)
    done = await tap(tg, ANN, "Save these days", "Days: Mon, Wed, Sun")
    assert done is not None
    async with app.sessions() as s:
        fam = await s.scalar(select(Family))
    assert fam is not None and fam.cadence == "custom" and fam.custom_days == 0b1000101

    # Edit a child's nickname and birth month.
    await say(tg, ANN, "/settings", "Your settings")
    await tap(tg, ANN, "Children", "Children")
    await tap(tg, ANN, "Edit Mia", "What would you like to change")
    await tap(tg, ANN, "Change the nickname", "What should I call")
    await say(tg, ANN, "Mimi", "Nickname changed to Mimi")
    await tap(tg, ANN, "Edit Mimi", "What would you like to change")
    await tap(tg, ANN, "Change the birth month", "When was")
    await say(tg, ANN, "2022-11", "Birth month changed to Nov 2022")
    async with app.sessions() as s:
        child = await s.scalar(select(Child))
    assert child is not None and (child.nickname, child.birth_year, child.birth_month) == ("Mimi", 2022, 11)

    # A city, an offset confirmed as a real zone, a time in words, and honest wording for early mornings.
    await say(tg, ANN, "/settings", "Your settings")
    await tap(tg, ANN, "Timezone", "Which timezone")
    await say(tg, ANN, "Manchester", "Timezone set to Europe/London")
    await say(tg, ANN, "/settings", "Your settings")
    await tap(tg, ANN, "Timezone", "Which timezone")
    await say(tg, ANN, "GMT+1", "Which of these is yours")
    await tap(tg, ANN, "Europe/Berlin", "Timezone set to Europe/Berlin")
    await say(tg, ANN, "/settings", "Your settings")
    await tap(tg, ANN, "Time", "What time suits you")
    await say(tg, ANN, "half past seven", "Time set to 19:30")
    await say(tg, ANN, "/settings", "Your settings")
    await tap(tg, ANN, "Time", "What time suits you")
    early = await say(tg, ANN, "5am", "Time set to 05:00")
    assert "early-morning quiet hours" in (early.text or "") and "evening quiet" not in (early.text or "")
    tg.assert_no_errors()
