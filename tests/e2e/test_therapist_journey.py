"""A therapist and two families: approval, invite, consent, assignment, delivery, answers, digest, revocation."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.app import App
from bot.callbacks import AssignCb, ConsentCb, LinkCb
from bot.clock import FakeClock
from bot.db.models import Assignment, TherapistLink
from tests.e2e.conftest import AppFactory
from tests.e2e.flows import has, onboard, press_raw, say, tap
from tests.fakebot import FakeTelegram, SentMessage

BERLIN = ZoneInfo("Europe/Berlin")
ADMIN, THERAPIST, ANN, BOB, EVE = 900, 500, 111, 222, 333


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=BERLIN)


def sent_with(tg: FakeTelegram, chat: int, text: str) -> SentMessage:
    """A message the bot already sent (app.tick() returns after sending)."""
    found = [m for m in tg.sent(chat) if text in (m.text or "")]
    assert found, tg.transcript(chat)
    return found[-1]


def code_in(text: str | None) -> str:
    m = re.search(r"start=c_([A-Za-z0-9_-]+)", text or "")
    assert m, text
    return m.group(1)


async def become_therapist(tg: FakeTelegram) -> None:
    await say(tg, THERAPIST, "/therapist", "What name should they see")
    await say(tg, THERAPIST, "Dr. Sam Rivera", "Which timezone")
    await tg.send_text(THERAPIST, "Europe/Berlin")
    await tg.wait_for(THERAPIST, has("request has gone to the admins"))
    # Admins are told before the therapist's confirmation goes out.
    request = sent_with(tg, ADMIN, "Therapist request")
    assert "Dr. Sam Rivera" in (request.text or "")


async def approve(tg: FakeTelegram) -> None:
    await tg.press_button(ADMIN, "Approve")
    await tg.wait_for(THERAPIST, has("You're approved"))


async def invite(tg: FakeTelegram, label: str) -> str:
    msg = await say(tg, THERAPIST, f"/invite {label}", "Client invite")
    return code_in(msg.text)


async def started(start_app: AppFactory, tg: FakeTelegram) -> App:
    for uid in (ADMIN, THERAPIST):
        tg.add_user(uid)
    return await start_app(admin_ids=frozenset({ADMIN}))


async def test_therapist_and_two_families(tg: FakeTelegram, start_app: AppFactory, clock: FakeClock) -> None:
    app = await started(start_app, tg)
    assert {c["command"] for c in tg.commands(f"chat:{ADMIN}")} >= {"therapists"}

    # 1. Approval: only an admin can approve; the therapist's commands appear in their chat only.
    await become_therapist(tg)
    assert tg.commands(f"chat:{THERAPIST}") == []
    tg.add_user(EVE)
    await say(tg, EVE, "/help", "what I can do")
    refused = await press_raw(tg, EVE, tg.last(EVE).message_id, tg.last(ADMIN).callback_data("Approve"))
    assert "Only an admin" in (refused.text or "")
    await approve(tg)
    assert {"assign", "clients", "invite", "report"} <= {c["command"] for c in tg.commands(f"chat:{THERAPIST}")}

    # 2-3. Invite and consent: Ann is already set up; Bob opens his link before setting up.
    await onboard(tg, ANN)
    ann_code = await invite(tg, "Weber family")
    consent = await say(tg, ANN, f"/start c_{ann_code}", "would like to follow")
    text = consent.text or ""
    assert "Dr. Sam Rivera" in text and "tried or skipped" in text and "does not see your notes" in text
    assert "Note sharing is off" in text
    await tap(tg, ANN, "Accept", "You're now sharing with Dr. Sam Rivera")
    await tg.wait_for(THERAPIST, has("Weber family accepted"))

    bob_code = await invite(tg, "Okafor family")
    await onboard(tg, BOB, nickname="Zoe", birth="2022-11", start=f"/start c_{bob_code}")
    await tg.wait_for(BOB, has("would like to follow"))
    await tap(tg, BOB, "Accept", "You're now sharing")

    # The same link never works twice.
    await onboard(tg, EVE)
    await say(tg, EVE, f"/start c_{ann_code}", "already been used")

    # 4. Assignment: a library prompt for the whole caseload, this week, with a note.
    await say(tg, THERAPIST, "/assign", "Who is it for")
    await tap(tg, THERAPIST, "Whole caseload (2)", "What would you like to send")
    await tap(tg, THERAPIST, "Browse the library", "Which age band")
    await tap(tg, THERAPIST, "Toddler", "Which skill")
    await tap(tg, THERAPIST, "Naming feelings", "Tap a prompt to read it first")
    chosen_title = tg.last(THERAPIST).buttons[0][0]
    preview = await tap(tg, THERAPIST, chosen_title, "Preview")
    assert preview is not None and "Try saying" in (preview.text or "") and chosen_title in (preview.text or "")
    await tap(tg, THERAPIST, "Use this one", "Add a short note")
    await say(tg, THERAPIST, "Try this one at bath time <3 & tell me how it went", "When should it go out")
    await tap(tg, THERAPIST, "This week", "Assigned to 2 families")

    # 5. Delivery: at Monday's slot, in place of the library prompt, marked as from the therapist.
    clock.set(at(2, 19, 0, 5))
    await app.tick()
    for uid in (ANN, BOB):
        got = sent_with(tg, uid, "From Dr. Sam Rivera")
        assert chosen_title in (got.text or "") and "bath time <3 & tell me" in (got.text or "")
        assert [b for b, _ in got.buttons] == ["✅ We tried it", "⏭ Skip", "⏰ Later today"]
        assert len([m for m in tg.sent(uid) if "Try saying" in (m.text or "")]) == 1
    async with app.sessions() as s:
        assert set((await s.scalars(select(Assignment.status))).all()) == {"delivered"}

    # 6. Answers: Ann tried it and it went well (with a private note); Bob skipped.
    await tg.press_button(ANN, "We tried it")
    await tg.wait_for(ANN, lambda m: m.edited and "You tried this" in (m.text or ""))
    await tap(tg, ANN, "Went well", "reply with one line")
    await say(tg, ANN, "Bath was fun, she said 'happy splashy'", "Saved")
    await tap(tg, BOB, "Skip", None)

    clients = await say(tg, THERAPIST, "/clients", "Your families")
    assert "Weber family</b>" not in (clients.text or "")  # plain text view
    text = clients.text or ""
    assert "Weber family — Toddler, 2y\n   sent 1, tried 1, skipped 0" in text
    assert "Okafor family — Toddler, 3y\n   sent 1, tried 0, skipped 1" in text
    assert "this week from you: " + chosen_title + " (sent)" in text
    detail = await tap(tg, THERAPIST, "Weber family", "Weber family")
    assert (
        detail is not None and "went well" in (detail.text or "").lower() and "happy splashy" not in (detail.text or "")
    )
    assert "keeps its notes private" in (detail.text or "")

    # Ann turns note sharing on for this therapist. A note written while it was private stays private.
    await say(tg, ANN, "/mytherapist", "Sharing with")
    await tap(tg, ANN, "Share notes with Dr. Sam Rivera", "the notes you write from now on")
    detail = await tap(tg, THERAPIST, "Weber family", "Weber family")
    assert detail is not None and "happy splashy" not in (detail.text or "")
    assert "keeps its notes private" not in (detail.text or "")

    # A therapist's own words, sent now, arrive escaped with the same buttons.
    await say(tg, THERAPIST, "/assign", "Who is it for")
    await tap(tg, THERAPIST, "Okafor family", "What would you like to send")
    await tap(tg, THERAPIST, "Write my own", "Type the prompt")
    await say(tg, THERAPIST, "Ask Zoe about <her> favourite moment today & just listen.", "Add a short note")
    await tap(tg, THERAPIST, "Skip", "When should it go out")
    await tap(tg, THERAPIST, "Send now", "Assigned to 1 family")
    await app.tick()
    own = sent_with(tg, BOB, "favourite moment")
    assert "<her> favourite moment today & just listen" in (own.text or "") and "We tried it" in str(own.buttons)

    report = await tg.send_text(THERAPIST, "/report")
    doc = (await tg.wait_for(THERAPIST, lambda m: m.document is not None))[0]
    assert report and doc.document is not None
    rows = list(csv.DictReader(io.StringIO(doc.document.data.decode())))
    assert {r["family"] for r in rows} == {"Weber family", "Okafor family"}
    assert {"tried", "skipped", "no answer"} <= {r["outcome"] for r in rows}
    assert not any("happy splashy" in r["note"] for r in rows)
    assert rows[0]["sent_at (Europe/Berlin)"].endswith("19:00")  # the therapist's own time, not UTC
    assert {r["child_band"] for r in rows} == {"Toddler"} and {r["skill"] for r in rows} >= {"name"}
    assert "went well" in {r["how_it_went"] for r in rows}

    # 7. The digest: Monday 08:00 in the therapist's timezone.
    clock.set(at(9, 7, 59))
    await app.tick()
    assert not [m for m in tg.sent(THERAPIST) if "Your weekly digest —" in (m.text or "")]
    clock.set(at(9, 8, 0, 5))
    await app.tick()
    digest = sent_with(tg, THERAPIST, "Your weekly digest —")
    assert "Weber family: sent" in (digest.text or "") and "Okafor family: sent" in (digest.text or "")
    await app.tick()
    assert len([m for m in tg.sent(THERAPIST) if "Your weekly digest —" in (m.text or "")]) == 1

    # 8. Revocation by the family takes effect at once; a deleted family leaves every caseload.
    async with app.sessions() as s:
        ann_link = await s.scalar(select(TherapistLink.id).where(TherapistLink.label == "Weber family"))
    await say(tg, ANN, "/mytherapist", "Sharing with")
    await tap(tg, ANN, "Stop sharing with Dr. Sam Rivera", "any prompt they have planned for you is cancelled")
    await tap(tg, ANN, "Yes, stop sharing", "no longer sees anything")
    sent_with(tg, THERAPIST, "Weber family has stopped sharing")
    clients = await say(tg, THERAPIST, "/clients", "Your families")
    assert "Weber" not in (clients.text or "") and "Okafor" in (clients.text or "")
    forged = await press_raw(tg, THERAPIST, clients.message_id, f"cl:{ann_link}")
    assert "isn't in your caseload" in (forged.text or "")
    await say(tg, BOB, "/delete", "Delete everything?")
    await tap(tg, BOB, "Yes, delete everything", "Everything is erased")
    await say(tg, THERAPIST, "/clients", "No linked families yet")
    tg.assert_no_errors()


async def test_access_control(tg: FakeTelegram, start_app: AppFactory, clock: FakeClock) -> None:
    app = await started(start_app, tg)
    await onboard(tg, ANN)
    await onboard(tg, BOB)
    # Not a therapist: every therapist command is refused.
    for cmd in ("/invite", "/clients", "/assign", "/report"):
        await say(tg, ANN, cmd, "approved on this bot")
    await say(tg, ANN, "/therapists", "for the bot's admins")
    await become_therapist(tg)
    # A pending therapist is not yet a therapist.
    await say(tg, THERAPIST, "/invite", "approved on this bot")
    await approve(tg)

    # Unknown, expired and used codes.
    await say(tg, ANN, "/start c_AAAAAAAAAAAAAAAAAAAAAA", "don't recognise that invite")
    old = await invite(tg, "Old link")
    assert len(old) >= 22  # 16 random bytes, base64url
    clock.advance(timedelta(days=7, seconds=1))
    await say(tg, ANN, f"/start c_{old}", "has expired")
    fresh = await invite(tg, "Weber family")
    await say(tg, ANN, f"/start c_{fresh}", "would like to follow")
    # Bob replays Ann's consent button with Ann's code: it links Bob? No - the code is Ann's to use,
    # and after Ann accepts it is spent.
    await tap(tg, ANN, "Accept", "You're now sharing")
    spent = await press_raw(tg, BOB, tg.last(BOB).message_id, ConsentCb(action="ok", code=fresh, share=True).pack())
    assert "already been used" in (spent.text or "")
    async with app.sessions() as s:
        links = (await s.scalars(select(TherapistLink))).all()
    assert len(links) == 1
    ann_link = links[0].id

    # Bob can't revoke Ann's link, and can't read or assign through it.
    forged = await press_raw(tg, BOB, tg.last(BOB).message_id, LinkCb(action="rvy", link_id=ann_link).pack())
    assert "isn't one of yours" in (forged.text or "")
    forged = await press_raw(tg, BOB, tg.last(BOB).message_id, f"cl:{ann_link}")
    assert "approved therapists only" in (forged.text or "")
    forged = await press_raw(tg, BOB, tg.last(BOB).message_id, AssignCb(step="f", arg="all").pack())
    assert "approved therapists only" in (forged.text or "")
    # The therapist can't assign to a family outside the caseload, even with a forged id.
    await say(tg, THERAPIST, "/assign", "Who is it for")
    await press_raw(tg, THERAPIST, tg.last(THERAPIST).message_id, AssignCb(step="f", arg=str(ann_link + 999)).pack())
    await tg.wait_for(THERAPIST, has("isn't in your caseload"))
    # A stale step is refused rather than acted on.
    stale = await press_raw(tg, THERAPIST, tg.last(THERAPIST).message_id, AssignCb(step="w", arg="now").pack())
    assert "step has passed" in (stale.text or "")
    async with app.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Assignment)) == 0

    # An admin revokes the therapist: links end, commands go, invites stop working.
    pending = await invite(tg, "Later family")
    listing = await say(tg, ADMIN, "/therapists", "Therapists")
    assert "approved" in (listing.text or "")
    await tap(tg, ADMIN, "Revoke", None)
    await tap(tg, ADMIN, "Yes, revoke", None)
    sent_with(tg, THERAPIST, "access on this bot has been withdrawn")
    assert tg.commands(f"chat:{THERAPIST}") == []
    await say(tg, BOB, f"/start c_{pending}", "can't link families")
    await say(tg, THERAPIST, "/clients", "approved on this bot")
    await say(tg, ANN, "/mytherapist", "not sharing with any therapist")
