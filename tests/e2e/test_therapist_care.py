"""Therapists, round two: consent with note sharing chosen on the screen, pending prompts, the quiet-family
alert, revocation with a confirmation and notices, a re-application's history, a family leaving."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.models import Assignment, TherapistLink
from tests.e2e.conftest import AppFactory
from tests.e2e.flows import onboard, say, tap
from tests.e2e.test_therapist_journey import (
    ADMIN,
    ANN,
    BOB,
    THERAPIST,
    approve,
    become_therapist,
    invite,
    sent_with,
    started,
)
from tests.fakebot import FakeTelegram, SentMessage


async def _assign_own(tg: FakeTelegram, family: str, text: str, when: str) -> None:
    await say(tg, THERAPIST, "/assign", "Who is it for")
    await tap(tg, THERAPIST, family, "What would you like to send")
    await tap(tg, THERAPIST, "Write my own", "Type the prompt")
    await say(tg, THERAPIST, text, "Add a short note")
    await tap(tg, THERAPIST, "Skip", "When should it go out")
    await tap(tg, THERAPIST, when, "Assigned to 1 family")


async def test_consent_pending_quiet_alert_revocation_and_reapplication(
    tg: FakeTelegram, start_app: AppFactory, clock: FakeClock
) -> None:
    app = await started(start_app, tg)
    await become_therapist(tg)
    await approve(tg)
    await onboard(tg, ANN)
    code = await invite(tg, "Weber family")

    # Consent: the screen changes with the choice, and the link gets exactly what the screen said.
    screen = await say(tg, ANN, f"/start c_{code}", "would like to follow")
    assert "Note sharing is off" in (screen.text or "") and "does not see your notes" in (screen.text or "")
    await tap(tg, ANN, "Share my notes too", None)
    shown = (await tg.wait_for(ANN, lambda m: m.edited and "Note sharing is on" in (m.text or "")))[0]
    assert "the notes you write from now on" in (shown.text or "")
    await tap(tg, ANN, "Accept", "Your notes are shared with them from now on")
    async with app.sessions() as s:
        link = await s.scalar(select(TherapistLink))
    assert link is not None and link.share_notes and link.notes_shared_since is not None

    # Pending prompts: listed, and one cancelled.
    await _assign_own(tg, "Weber family", "Ask about the best moment of the day.", "Next week")
    await _assign_own(tg, "Weber family", "Draw the day's feelings together.", "Next week")
    pending = await say(tg, THERAPIST, "/pending", "Waiting to go out")
    assert "best moment" in (pending.text or "") and "Draw the day" in (pending.text or "")
    await tap(tg, THERAPIST, "Draw the day", None)
    after = (await tg.wait_for(THERAPIST, lambda m: m.edited and "Draw the day" not in (m.text or "")))[0]
    assert "best moment" in (after.text or "")
    async with app.sessions() as s:
        assert sorted((await s.scalars(select(Assignment.status))).all()) == ["cancelled", "pending"]

    # Two quiet weeks: one alert, not one per tick.
    clock.advance(timedelta(days=14, minutes=1))
    await app.tick()
    await app.tick()
    alerts = [m for m in tg.sent(THERAPIST) if "hasn't answered a prompt for two weeks" in (m.text or "")]
    assert len(alerts) == 1 and "Weber family" in (alerts[0].text or "")

    # The admin revokes, after a confirmation; the family is told, with its cancelled prompt.
    await _assign_own(tg, "Weber family", "Name one feeling each at dinner.", "Next week")
    listing = await say(tg, ADMIN, "/therapists", "Therapists")

    def card() -> SentMessage:
        return next(m for m in tg.sent(ADMIN) if m.message_id == listing.message_id)

    # Handlers edit before they answer the press, so each state can be read straight after a tap.
    await tap(tg, ADMIN, "Revoke", None)
    assert "Yes, revoke" in str(card().buttons)
    await tap(tg, ADMIN, "Keep them", None)
    assert "Revoke Dr. Sam Rivera" in str(card().buttons) and "✅ approved" in (card().text or "")
    await tap(tg, ADMIN, "Revoke", None)
    await tap(tg, ADMIN, "Yes, revoke", None)
    sent_with(tg, THERAPIST, "access on this bot has been withdrawn")
    told = sent_with(tg, ANN, "is no longer a therapist on this bot")
    assert "1 pending prompt from them won't come" in (told.text or "")
    assert "access withdrawn" in (card().text or "") and "Revoke" not in str(card().buttons)
    async with app.sessions() as s:
        statuses = (await s.scalars(select(Assignment.status).order_by(Assignment.id))).all()
    assert statuses[1] == "cancelled" and statuses[-1] == "cancelled" and "pending" not in statuses

    # Applying again: the admin sees the history with the new request.
    await say(tg, THERAPIST, "/therapist", "What name should they see")
    await say(tg, THERAPIST, "Dr. Sam Rivera", "Which timezone")
    await say(tg, THERAPIST, "Manchester", "request has gone to the admins")
    request = [m for m in tg.sent(ADMIN) if "Therapist request" in (m.text or "")][-1]
    assert "History: applied" in (request.text or "") and "approved" in (request.text or "")
    assert "revoked" in (request.text or "") and "Europe/London" in (request.text or "")
    tg.assert_no_errors()


async def test_family_stopping_or_deleting_is_confirmed_and_told(tg: FakeTelegram, start_app: AppFactory) -> None:
    await started(start_app, tg)
    await become_therapist(tg)
    await approve(tg)
    await onboard(tg, ANN)
    await onboard(tg, BOB, nickname="Zoe", birth="2022-11")
    for user, label in ((ANN, "Weber family"), (BOB, "Okafor family")):
        code = await invite(tg, label)
        await say(tg, user, f"/start c_{code}", "would like to follow")
        await tap(tg, user, "Accept", "You're now sharing")
    await _assign_own(tg, "Weber family", "Ask about the best moment of the day.", "Next week")

    # Ann stops sharing: asked first, and "Keep sharing" changes nothing.
    await say(tg, ANN, "/mytherapist", "Sharing with")
    await tap(tg, ANN, "Stop sharing", "Stop sharing with")
    await tap(tg, ANN, "Keep sharing", None)
    await say(tg, ANN, "/mytherapist", "Sharing with")
    await tap(tg, ANN, "Stop sharing", "Stop sharing with")
    done = await tap(tg, ANN, "Yes, stop sharing", "no longer sees anything")
    assert done is not None and "1 planned prompt from them won't come" in (done.text or "")
    told = sent_with(tg, THERAPIST, "Weber family has stopped sharing")
    assert "1 pending prompt for them was cancelled" in (told.text or "")

    # Bob erases his family: the therapist is told it left.
    await say(tg, BOB, "/delete", "Delete everything?")
    await tap(tg, BOB, "Yes, delete everything", "Everything is erased")
    sent_with(tg, THERAPIST, "Okafor family has left the bot")
    await say(tg, THERAPIST, "/clients", "No linked families yet")
    tg.assert_no_errors()
