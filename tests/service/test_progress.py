"""/progress numbers: tries per local week and per skill, only tries, only this family."""

from __future__ import annotations

from datetime import date, timedelta

from bot.db.models import Delivery
from tests.service.helpers import onboard, services


async def test_tries_are_counted_per_week_and_skill(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    who = await onboard(families, 1001)
    other = await onboard(families, 1002)
    answers = [(who, 0, "tried"), (who, 0, "tried"), (who, 8, "tried"), (who, 15, "skipped"), (other, 0, "tried")]
    skills: list[str] = []
    for fam, days, outcome in answers:
        clock.set(clock.now() + timedelta(days=days) if days else clock.now())
        did = await deliveries.create_now(fam.family_id)
        assert did is not None
        async with sessions() as s, s.begin():
            d = await s.get(Delivery, did)
            assert d is not None and d.skill is not None
            d.status, d.sent_at = "sent", clock.now()
            if fam is who and outcome == "tried":
                skills.append(d.skill)
        assert await deliveries.answer(fam.family_id, fam.caregiver_id, did, outcome=outcome)
    p = await families.progress(who.family_id)
    assert len(p.weeks) == 8 and p.weeks[-1][0] == date(2026, 3, 23)  # Monday of this week, oldest first
    counts = dict(p.weeks)
    assert counts[date(2026, 3, 2)] == 2 and counts[date(2026, 3, 9)] == 1 and counts[date(2026, 3, 23)] == 0
    assert p.total == 3
    assert sum(p.by_skill.values()) == 3 and set(p.by_skill) == set(skills)
