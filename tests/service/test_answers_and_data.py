"""Answers, history, export and delete, on a real migrated database."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db.models import Base, Caregiver, Delivery, Response
from bot.domain.bands import BirthCheck
from tests.service.helpers import onboard, services


async def _sent_now(sessions, deliveries, family_id: int, clock) -> int:
    did = await deliveries.create_now(family_id)
    assert did is not None
    async with sessions() as s, s.begin():
        d = await s.get(Delivery, did)
        d.status = "sent"
        d.sent_at = clock.now()
    return did


async def test_pressing_again_updates_the_one_answer(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    who = await onboard(families)
    did = await _sent_now(sessions, deliveries, who.family_id, clock)
    a1 = await deliveries.answer(who.family_id, who.caregiver_id, did, outcome="tried")
    a2 = await deliveries.answer(who.family_id, who.caregiver_id, did, rating=3)
    a3 = await deliveries.answer(who.family_id, who.caregiver_id, did, note="  She  named it 'grumpy'! ")
    a4 = await deliveries.answer(who.family_id, who.caregiver_id, did, rating=3)
    assert a1 and a1.outcome == "tried" and a1.rating is None
    assert a2 and a2.rating == 3 and a2.changed
    assert a3 and a3.note == "She named it 'grumpy'!"
    assert a4 and not a4.changed
    a5 = await deliveries.answer(who.family_id, who.caregiver_id, did, outcome="skipped")
    assert a5 and a5.outcome == "skipped" and a5.rating is None
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Response)) == 1
        d = await s.get(Delivery, did)
        assert d.nudge_status == "cancelled"


async def test_another_familys_delivery_cannot_be_answered(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    ann = await onboard(families, 1)
    bob = await onboard(families, 2)
    did = await _sent_now(sessions, deliveries, ann.family_id, clock)
    assert await deliveries.answer(bob.family_id, bob.caregiver_id, did, outcome="tried") is None
    assert await deliveries.owned(bob.family_id, did) is None
    assert await deliveries.later(bob.family_id, did) is None
    assert await deliveries.answer(bob.family_id, bob.caregiver_id, 999_999, outcome="tried") is None
    with pytest.raises(ValueError):
        await deliveries.answer(ann.family_id, ann.caregiver_id, did, rating=7)
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Response)) == 0


async def test_history_counts_skills_and_streak(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    who = await onboard(families)
    for _week in range(3):
        did = await _sent_now(sessions, deliveries, who.family_id, clock)
        await deliveries.answer(who.family_id, who.caregiver_id, did, rating=2)
        clock.advance(timedelta(days=7))
    did = await _sent_now(sessions, deliveries, who.family_id, clock)
    await deliveries.answer(who.family_id, who.caregiver_id, did, outcome="skipped")
    hist = await deliveries.history(who.family_id)
    assert (hist.sent, hist.tried, hist.skipped) == (4, 3, 1)
    assert sum(hist.tried_by_skill.values()) == 3
    assert hist.streak_weeks == 3  # three weeks in a row; this week has no try yet but doesn't break it
    assert hist.recent[0].outcome == "skipped" and hist.recent[1].rating == 2


async def test_birth_checks_are_kind_and_specific(sessions, clock, library) -> None:
    families, _ = services(sessions, clock, library)
    assert families.check_birth(2027, 1) is BirthCheck.future
    assert families.check_birth(2026, 1) is BirthCheck.too_young
    assert families.check_birth(2001, 1) is BirthCheck.too_old
    assert families.check_birth(2020, 13) is BirthCheck.invalid
    assert families.check_birth(2020, 6) is BirthCheck.ok
    who = await families.agree(77, None)
    with pytest.raises(ValueError):
        await families.add_child(who.family_id, "x" * 33, 2020, 6)
    with pytest.raises(ValueError):
        await families.add_child(who.family_id, None, 2027, 6)


async def test_remove_child_checks_ownership(sessions, clock, library) -> None:
    families, _ = services(sessions, clock, library)
    ann = await onboard(families, 1, children=(("A", 2020, 1), ("B", 2019, 1)))
    bob = await onboard(families, 2)
    ann_kids = (await families.view(ann.family_id)).children
    assert not await families.remove_child(bob.family_id, ann_kids[0].id)
    assert await families.remove_child(ann.family_id, ann_kids[0].id)
    with pytest.raises(ValueError):  # a family keeps at least one child
        await families.remove_child(ann.family_id, ann_kids[1].id)


async def test_export_has_everything_and_delete_erases_it(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    who = await onboard(families)
    other = await onboard(families, 4242)
    did = await _sent_now(sessions, deliveries, who.family_id, clock)
    await deliveries.answer(who.family_id, who.caregiver_id, did, rating=3, note="we laughed")
    data = json.loads(await families.export_json(who.family_id))
    assert data["children"][0]["nickname"] == "Mia"
    assert data["deliveries"][0]["response"]["note"] == "we laughed"
    assert data["family"]["timezone"] == "Europe/Berlin"

    assert await families.delete_family(who.family_id) == [who.telegram_id]
    assert await families.who(who.telegram_id) is None
    async with sessions() as s:
        for table in Base.metadata.sorted_tables:
            if table.name == "fsm_states":
                continue
            cols = table.c
            if "family_id" in cols:
                n = await s.scalar(select(func.count()).select_from(table).where(cols.family_id == who.family_id))
                assert n == 0, table.name
        assert await s.scalar(select(func.count()).select_from(Response)) == 0
        assert await s.scalar(select(func.count()).select_from(Caregiver)) == 1
    assert await families.who(other.telegram_id) is not None
