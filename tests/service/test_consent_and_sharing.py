"""Truthful consent: what the screens say each therapist sees is checked against what they really see."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.models import Delivery
from bot.i18n.catalog import english
from bot.render import h
from bot.render_therapist import consent_text, links_text
from bot.services.deliveries import DeliveryService
from bot.services.therapists import InviteProblem, LinkView, TherapistService
from tests.service.helpers import onboard, services

ADMIN = 900
NOTE_BEFORE, NOTE_AFTER = "written while private", "written while shared"


def _claims_notes(text: str, name: str) -> bool:
    """What a screen claims about notes for one therapist, read back from the text itself."""
    shows = "the notes you write from now on" in text or "Note sharing is <b>on</b>" in text
    hides = f"{h(name)} does <b>not</b> see your notes" in text
    assert shows != hides, text  # exactly one claim, never both or neither
    return shows


async def _therapist(therapists: TherapistService, tg: int, name: str) -> None:
    t = await therapists.request(tg, name, "Europe/Berlin")
    assert await therapists.decide(ADMIN, t.id, True)


async def _answer_with_note(deliveries: DeliveryService, sessions, who, note: str) -> None:
    did = await deliveries.create_now(who.family_id)
    assert did is not None
    async with sessions() as s, s.begin():
        d = await s.get(Delivery, did)
        assert d is not None
        d.status, d.sent_at = "sent", d.created_at
    assert await deliveries.answer(who.family_id, who.caregiver_id, did, rating=3, note=note)


async def _seen_notes(therapists: TherapistService, link: LinkView) -> set[str]:
    detail = await therapists.client(link.therapist_id, link.id)
    assert detail is not None
    return {i.note for i in detail.items if i.note}


@pytest.mark.parametrize(
    ("share_first", "share_second", "toggle_first"), list(itertools.product([False, True], repeat=3))
)
async def test_every_combination_says_what_each_therapist_sees(
    sessions, clock, library, share_first: bool, share_second: bool, toggle_first: bool
) -> None:
    families, deliveries = services(sessions, clock, library)
    therapists = TherapistService(sessions, clock, library, frozenset({ADMIN}))
    who = await onboard(families)
    await _answer_with_note(deliveries, sessions, who, NOTE_BEFORE)  # before any link exists
    links: list[LinkView] = []
    for tg, name, share in ((501, "Dr. Ada", share_first), (502, "Dr. Bo", share_second)):
        await _therapist(therapists, tg, name)
        made = await therapists.create_invite(tg, None)
        assert made is not None
        # The screen the family sees for these terms, then consent on exactly those terms.
        screen = consent_text(name, share, english())
        assert _claims_notes(screen, name) is share
        clock.advance(timedelta(minutes=1))
        link = await therapists.accept(who.family_id, made[0], share_notes=share)
        assert not isinstance(link, InviteProblem) and link.share_notes is share
        links.append(link)
    if toggle_first:
        clock.advance(timedelta(minutes=1))
        changed = await therapists.set_share_notes(who.family_id, links[0].id, not links[0].share_notes)
        assert changed is not None
        links[0] = changed
    clock.advance(timedelta(minutes=1))
    await _answer_with_note(deliveries, sessions, who, NOTE_AFTER)

    shown = await therapists.family_links(who.family_id)
    screen = links_text(shown, "Europe/Berlin", english())
    for link in shown:
        sees = await _seen_notes(therapists, link)
        claimed = _claims_notes(_section(screen, link.therapist_name), link.therapist_name)
        # The screen's claim matches the data, and no note written while private is ever shown.
        assert claimed is link.share_notes
        assert sees == ({NOTE_AFTER} if link.share_notes else set())
        assert NOTE_BEFORE not in sees
    # The privacy line under a note names exactly the therapists who will read it.
    assert await therapists.sharing_notes_with(who.family_id) == [
        link.therapist_name for link in shown if link.share_notes
    ]


def _section(screen: str, name: str) -> str:
    parts = re.split(r"\n\nSharing with ", screen)
    return next(p for p in parts if p.startswith(f"<b>{h(name)}</b>"))


async def test_turning_sharing_off_and_on_again_never_reveals_notes_from_the_gap(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    therapists = TherapistService(sessions, clock, library, frozenset({ADMIN}))
    who = await onboard(families)
    await _therapist(therapists, 501, "Dr. Ada")
    made = await therapists.create_invite(501, None)
    assert made is not None
    link = await therapists.accept(who.family_id, made[0], share_notes=True)
    assert not isinstance(link, InviteProblem)
    clock.advance(timedelta(minutes=1))
    await _answer_with_note(deliveries, sessions, who, "one")
    clock.advance(timedelta(minutes=1))
    assert await therapists.set_share_notes(who.family_id, link.id, False)
    clock.advance(timedelta(minutes=1))
    await _answer_with_note(deliveries, sessions, who, "private gap")
    assert await _seen_notes(therapists, link) == set()
    clock.advance(timedelta(minutes=1))
    assert await therapists.set_share_notes(who.family_id, link.id, True)
    clock.advance(timedelta(minutes=1))
    await _answer_with_note(deliveries, sessions, who, "three")
    # Only what was written since sharing last began: the gap stays private (and, conservatively, so does
    # the first spell's note).
    assert await _seen_notes(therapists, link) == {"three"}
    async with sessions() as s:
        assert len((await s.scalars(select(Delivery))).all()) == 3


async def test_someone_elses_link_cannot_be_changed(sessions, clock, library) -> None:
    families, _ = services(sessions, clock, library)
    therapists = TherapistService(sessions, clock, library, frozenset({ADMIN}))
    ann = await onboard(families, 1001)
    bob = await onboard(families, 1002)
    await _therapist(therapists, 501, "Dr. Ada")
    made = await therapists.create_invite(501, None)
    assert made is not None
    link = await therapists.accept(ann.family_id, made[0])
    assert not isinstance(link, InviteProblem)
    assert await therapists.set_share_notes(bob.family_id, link.id, True) is None
    assert await therapists.revoke_link(bob.family_id, link.id) is None
    assert (await therapists.family_links(ann.family_id))[0].share_notes is False
