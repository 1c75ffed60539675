"""A parent's whole journey through the production bot, with time moved by the clock."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.app import App
from bot.clock import FakeClock
from bot.db.models import Caregiver, Child, Delivery, Family, Response
from tests.e2e.conftest import AppFactory
from tests.e2e.flows import has, onboard, say, tap
from tests.fakebot import FakeTelegram

BERLIN = ZoneInfo("Europe/Berlin")
ANN = 111


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=BERLIN)


async def _count(app: App, model: type, **where: object) -> int:
    async with app.sessions() as s:
        q = select(func.count()).select_from(model)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return int(await s.scalar(q) or 0)


async def test_whole_parent_journey(tg: FakeTelegram, start_app: AppFactory, clock: FakeClock) -> None:
    # The real APScheduler drives the pipeline here; the clock decides what is due.
    app = await start_app(tick_seconds=0.2)
    assert {c["command"] for c in tg.commands()} >= {"prompt", "history", "settings", "pause", "export", "delete"}

    await onboard(tg, ANN)
    async with app.sessions() as s:
        fam = await s.scalar(select(Family))
        child = await s.scalar(select(Child))
    assert fam is not None and child is not None
    assert (fam.timezone, fam.send_time.strftime("%H:%M"), fam.cadence) == ("Europe/Berlin", "19:00", "daily")
    assert (child.nickname, child.birth_year, child.birth_month) == ("Mia", 2023, 5)

    # Monday 19:00 in Berlin: the scheduled prompt arrives.
    clock.set(at(2, 19, 0, 5))
    prompt = (await tg.wait_for(ANN, has("Try saying"), timeout=5))[0]
    assert "Why it helps" in (prompt.text or "") and "for Mia" in (prompt.text or "")
    assert [b for b, _ in prompt.buttons] == ["✅ We tried it", "⏭ Skip", "⏰ Later today"]

    # "We tried it", a rating, then a one-line reflection.
    await tg.press_button(ANN, "We tried it")
    updated = (await tg.wait_for(ANN, lambda m: m.edited and "You tried this" in (m.text or "")))[0]
    assert updated.message_id == prompt.message_id
    assert "Went well" in str(updated.buttons)
    await tap(tg, ANN, "Went well", "reply with one line")
    await say(tg, ANN, "She called it a grumpy cloud and laughed.", "Saved")
    async with app.sessions() as s:
        r = await s.scalar(select(Response))
        cg = await s.scalar(select(Caregiver))
    assert r is not None and cg is not None
    assert (r.outcome, r.rating, r.note, r.caregiver_id) == (
        "tried",
        3,
        "She called it a grumpy cloud and laughed.",
        cg.id,
    )

    # Pressing a button again on the old prompt updates the one answer.
    await tg.press(ANN, prompt.message_id, prompt.callback_data("We tried it").replace(":t:", ":r:") + ":2")
    await tg.wait_for(ANN, lambda m: m.edited and "So-so" in (m.text or ""))
    assert await _count(app, Response) == 1
    async with app.sessions() as s:
        assert (await s.scalar(select(Response.rating))) == 2

    # The answered prompt gets no nudge, even long after nudge time.
    clock.set(at(3, 8, 30))
    await app.tick()
    assert not [m for m in tg.sent(ANN) if "is still waiting for you" in (m.text or "")]

    # Tuesday's prompt goes unanswered: 19:00 + 3h is in quiet hours, so the nudge moves earlier, to 20:45.
    clock.set(at(3, 19, 0, 5))
    await app.tick()
    tuesday = [m for m in tg.sent(ANN) if "Try saying" in (m.text or "")][-1]
    clock.set(at(3, 20, 30))
    await app.tick()
    assert not [m for m in tg.sent(ANN) if "is still waiting for you" in (m.text or "")]
    clock.set(at(3, 20, 45, 5))
    nudge = (await tg.wait_for(ANN, has("is still waiting for you")))[0]
    assert tuesday.message_id != nudge.message_id
    clock.set(at(4, 12, 0))
    await app.tick()
    assert len([m for m in tg.sent(ANN) if "is still waiting for you" in (m.text or "")]) == 1

    # /history shows what happened, counts per skill, and the streak.
    hist = await say(tg, ANN, "/history", "Your recent prompts")
    assert "✅ tried" in (hist.text or "") and "no answer yet" in (hist.text or "")
    assert "Tried, by skill" in (hist.text or "") and "Streak: 1 week" in (hist.text or "")

    # /export sends every piece of the family's data as JSON.
    await tg.send_text(ANN, "/export")
    doc = (await tg.wait_for(ANN, lambda m: m.document is not None))[0]
    assert doc.document is not None and doc.document.filename.endswith(".json")
    data = json.loads(doc.document.data)
    assert data["children"][0]["nickname"] == "Mia"
    assert any(d["response"] and d["response"]["note"] for d in data["deliveries"])

    # /delete, after a confirmation, erases everything.
    await say(tg, ANN, "/delete", "Delete everything?")
    await tap(tg, ANN, "Yes, delete everything", "Everything is erased")
    for model in (Family, Caregiver, Child, Delivery, Response):
        assert await _count(app, model) == 0, model.__name__
    await say(tg, ANN, "/history", "tap /start")
    tg.assert_no_errors()
