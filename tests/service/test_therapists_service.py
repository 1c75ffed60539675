"""Assignment timing and caseload rules, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db.models import Assignment, Delivery
from bot.domain.schedule import Cadence
from bot.services.therapists import InviteProblem, TherapistService, When
from tests.service.helpers import onboard, services

BERLIN = ZoneInfo("Europe/Berlin")
ADMIN, T = 900, 500


async def _linked(sessions, clock, library, **plan):
    families, deliveries = services(sessions, clock, library)
    therapists = TherapistService(sessions, clock, library, frozenset({ADMIN}))
    who = await onboard(families, **plan)
    t = await therapists.request(T, "Dr. Lee", "Europe/Berlin")
    assert await therapists.decide(ADMIN, t.id, True)
    made = await therapists.create_invite(T, "Fam")
    assert made is not None
    link = await therapists.accept(who.family_id, made[0])
    assert not isinstance(link, InviteProblem)
    return families, deliveries, therapists, who, link


async def test_this_week_rides_on_the_next_slot(sessions, clock, library) -> None:
    _, deliveries, therapists, _who, link = await _linked(sessions, clock, library, cadence=Cadence.three)
    # Monday 10:00; three a week means Tue, Thu, Sat at 19:30.
    assert await therapists.assign(T, [link.id], prompt_id=library.by_band["toddler"][5].id, note="hi")
    async with sessions() as s:
        a = await s.scalar(select(Assignment))
    assert a is not None and a.replaces_slot and a.week_start == date(2026, 3, 2)
    assert a.deliver_at == datetime(2026, 3, 3, 19, 30, tzinfo=BERLIN).astimezone(UTC)
    clock.set(datetime(2026, 3, 3, 19, 31, tzinfo=BERLIN))
    await deliveries.dispatch_due()
    async with sessions() as s:
        d = await s.scalar(select(Delivery))
    assert d is not None and d.assignment_id == a.id and d.prompt_id == library.by_band["toddler"][5].id
    content = await deliveries.content_for(d.id)
    assert content is not None and content.therapist_name == "Dr. Lee" and content.note == "hi"


async def test_no_slot_left_falls_back_to_the_last_day_of_the_week(sessions, clock, library) -> None:
    _, deliveries, therapists, _who, link = await _linked(
        sessions, clock, library, cadence=Cadence.weekdays, at=time(7, 0)
    )
    clock.set(datetime(2026, 3, 6, 12, 0, tzinfo=BERLIN))  # Friday noon: no weekday slot left this week
    assert await therapists.assign(T, [link.id], custom_text="Ask about the best part of the week.")
    async with sessions() as s:
        a = await s.scalar(select(Assignment))
    assert a is not None and not a.replaces_slot
    assert a.deliver_at == datetime(2026, 3, 8, 7, 0, tzinfo=BERLIN).astimezone(UTC)  # Sunday, send time
    clock.set(datetime(2026, 3, 8, 7, 0, 1, tzinfo=BERLIN))
    assert await deliveries.dispatch_assignments() == 1
    async with sessions() as s:
        d = await s.scalar(select(Delivery).where(Delivery.assignment_id == a.id))
    assert d is not None and d.kind == "assigned" and d.prompt_id is None


async def test_next_week_and_send_now(sessions, clock, library) -> None:
    _, deliveries, therapists, _who, _link = await _linked(sessions, clock, library, cadence=Cadence.weekly)
    await therapists.assign(T, None, custom_text="Next week's idea, for everyone.", when=When.next_week)
    await therapists.assign(T, None, custom_text="Something to try tonight.", when=When.now)
    async with sessions() as s:
        nxt, now = (await s.scalars(select(Assignment).order_by(Assignment.id))).all()
    assert nxt.week_start == date(2026, 3, 9) and nxt.replaces_slot
    assert nxt.deliver_at == datetime(2026, 3, 15, 19, 30, tzinfo=BERLIN).astimezone(UTC)
    assert not now.replaces_slot and now.deliver_at == clock.now()
    assert await deliveries.dispatch_assignments() == 1


async def test_paused_family_lets_an_assignment_expire_with_its_week(sessions, clock, library) -> None:
    families, deliveries, therapists, who, link = await _linked(
        sessions, clock, library, cadence=Cadence.weekdays, at=time(7, 0)
    )
    clock.set(datetime(2026, 3, 6, 12, 0, tzinfo=BERLIN))
    await therapists.assign(T, [link.id], custom_text="A quiet weekend idea for you all.")
    await families.pause(who.family_id, date(2026, 3, 20))
    clock.set(datetime(2026, 3, 8, 8, 0, tzinfo=BERLIN))
    assert await deliveries.dispatch_assignments() == 0
    clock.set(datetime(2026, 3, 9, 8, 0, tzinfo=BERLIN))
    await deliveries.dispatch_assignments()
    async with sessions() as s:
        assert (await s.scalar(select(Assignment.status))) == "expired"
        assert (await s.scalar(select(Delivery.id))) is None


async def test_revoked_or_deleted_families_leave_the_caseload(sessions, clock, library) -> None:
    families, _, therapists, who, link = await _linked(sessions, clock, library)
    other = await onboard(families, 4242)
    tid = (await therapists.get(T)).id  # type: ignore[union-attr]
    assert [c.label for c in await therapists.caseload(tid)] == ["Fam"]
    assert await therapists.revoke_link(other.family_id, link.id) is None  # not theirs
    assert await therapists.assign(T, [link.id + 1], custom_text="Not in my caseload at all.") is None
    await therapists.assign(T, [link.id], custom_text="Pending when they revoke.", when=When.next_week)
    assert await therapists.revoke_link(who.family_id, link.id) is not None
    assert await therapists.caseload(tid) == []
    async with sessions() as s:
        assert (await s.scalar(select(Assignment.status))) == "cancelled"
    made = await therapists.create_invite(T, None)
    assert made is not None
    assert not isinstance(await therapists.accept(who.family_id, made[0]), InviteProblem)
    assert len(await therapists.caseload(tid)) == 1
    await families.delete_family(who.family_id)
    assert await therapists.caseload(tid) == []
    assert await therapists.client(tid, link.id) is None
