"""Co-parents: invite, join without set-up, shared prompts and answers, remove, leave, last one out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.db.models import Caregiver, Delivery, Family
from bot.domain.status import Role
from bot.services.household import HouseholdService, JoinProblem
from tests.service.helpers import onboard, services

DAD, GRAN, STRANGER = 2002, 3003, 4004


async def test_invite_join_answer_remove_and_leave(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    household = HouseholdService(sessions, clock)
    mum = await onboard(families, 1001)
    assert mum.role is Role.owner
    made = await household.create_invite(mum.family_id, mum.caregiver_id)
    assert made is not None
    code, expires = made
    assert len(code) >= 22 and expires - clock.now() == timedelta(days=3)

    # Dad joins with no set-up of his own: same family, role caregiver, onboarded at once.
    assert await household.join(DAD, "en", code) == mum.family_id
    dad = await families.who(DAD)
    assert dad is not None and dad.family_id == mum.family_id and dad.onboarded and dad.role is Role.caregiver
    assert await household.join(STRANGER, "en", code) is JoinProblem.used  # single use
    # A caregiver can't invite or remove; only the owner can.
    assert await household.create_invite(dad.family_id, dad.caregiver_id) is None
    assert await household.remove(mum.family_id, dad.caregiver_id, mum.caregiver_id) is None

    # Either can answer the shared prompt; the answer records who.
    did = await deliveries.create_now(mum.family_id)
    assert did is not None
    async with sessions() as s, s.begin():
        d = await s.get(Delivery, did)
        assert d is not None
        d.status, d.sent_at = "sent", clock.now()
    assert await deliveries.answer(dad.family_id, dad.caregiver_id, did, outcome="tried")
    hist = await deliveries.history(mum.family_id)
    assert hist.recent[0].answered_by == dad.caregiver_id

    # Gran joins, the owner removes her.
    made = await household.create_invite(mum.family_id, mum.caregiver_id)
    assert made is not None
    assert await household.join(GRAN, None, made[0]) == mum.family_id
    gran = await families.who(GRAN)
    assert gran is not None
    assert await household.remove(mum.family_id, mum.caregiver_id, gran.caregiver_id) == GRAN
    assert await families.who(GRAN) is None

    # Mum (the owner) leaves: Dad stays and becomes the owner; the family and its history stay.
    left = await household.leave(mum.family_id, mum.caregiver_id)
    assert left is not None and not left.family_deleted and left.others == (DAD,)
    dad = await families.who(DAD)
    assert dad is not None and dad.role is Role.owner
    assert (await deliveries.history(dad.family_id)).sent == 1

    # The last one leaving erases the family.
    assert await household.is_last(dad.family_id)
    left = await household.leave(dad.family_id, dad.caregiver_id)
    assert left is not None and left.family_deleted
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Family)) == 0
        assert await s.scalar(select(func.count()).select_from(Caregiver)) == 0


async def test_join_refuses_expired_unknown_and_a_set_up_family(sessions, clock, library) -> None:
    families, _ = services(sessions, clock, library)
    household = HouseholdService(sessions, clock)
    mum = await onboard(families, 1001)
    other = await onboard(families, 5005)
    made = await household.create_invite(mum.family_id, mum.caregiver_id)
    assert made is not None
    assert await household.join(DAD, None, "not-a-code") is JoinProblem.unknown
    # Someone with a family of their own must leave it first.
    assert await household.join(other.telegram_id, None, made[0]) is JoinProblem.has_family
    # Someone who only started set-up: their empty family is dropped when they join.
    started = await families.agree(DAD, "en")
    assert await household.join(DAD, None, made[0]) == mum.family_id
    async with sessions() as s:
        assert await s.get(Family, started.family_id) is None
    made = await household.create_invite(mum.family_id, mum.caregiver_id)
    assert made is not None
    clock.advance(timedelta(days=3, seconds=1))
    assert await household.join(GRAN, None, made[0]) is JoinProblem.expired
