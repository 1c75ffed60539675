"""/delete leaves nothing behind: every table and column that can hold a family's data is walked."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Column, String, Text, select

from bot.db.models import Base, Delivery
from bot.services.household import HouseholdService
from bot.services.therapists import InviteProblem, TherapistService
from tests.service.helpers import onboard, services

ADMIN = 900
FAMILY_REFS = {"families.id", "caregivers.id", "children.id", "deliveries.id"}
# Tables that legitimately hold no family data at all (checked: no reference to a family and no free text
# a family wrote). Anything new has to be classified here or the test fails.
# The outbox holds notices to therapists (digests, quiet alerts); a notice's text is erased once it is sent.
NO_FAMILY_DATA = {"therapists", "therapist_decisions", "fsm_states", "alembic_version", "outbox"}
SECRET = "Zebra-Label-7319"


def _refs_family(col: Column) -> bool:  # type: ignore[type-arg]
    return any(f"{fk.column.table.name}.{fk.column.name}" in FAMILY_REFS for fk in col.foreign_keys)


async def test_every_table_is_empty_of_the_family_after_delete(sessions, clock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    therapists = TherapistService(sessions, clock, library, frozenset({ADMIN}))
    household = HouseholdService(sessions, clock)
    who = await onboard(families, 1001, children=(("Quillon", 2023, 5), ("Leo", 2019, 2)))
    other = await onboard(families, 2002)  # must survive untouched
    # A co-parent, a therapist link labelled by the therapist, an assignment, answers with notes.
    made = await household.create_invite(who.family_id, who.caregiver_id)
    assert made is not None
    assert await household.join(3003, "en", made[0]) == who.family_id
    t = await therapists.request(500, "Dr. Ada", "Europe/Berlin")
    assert await therapists.decide(ADMIN, t.id, True)
    for family_id in (who.family_id, other.family_id):
        inv = await therapists.create_invite(500, SECRET if family_id == who.family_id else "Other")
        assert inv is not None
        assert not isinstance(await therapists.accept(family_id, inv[0], share_notes=True), InviteProblem)
    link_id = next(i for i, label in await therapists.links(t.id) if label == SECRET)
    assert await therapists.assign(500, [link_id], custom_text="A custom idea for the family.")
    clock.advance(timedelta(minutes=1))
    did = await deliveries.create_now(who.family_id)
    assert did is not None
    async with sessions() as s, s.begin():
        d = await s.get(Delivery, did)
        assert d is not None
        d.status, d.sent_at = "sent", clock.now()
    assert await deliveries.answer(who.family_id, who.caregiver_id, did, rating=2, note="a private note")

    erased: dict[str, set[int]] = {"families": {who.family_id}}
    async with sessions() as s:
        for name in ("caregivers", "children", "deliveries"):
            table = Base.metadata.tables[name]
            ids = await s.execute(select(table.c.id).where(table.c.family_id == who.family_id))
            erased[name] = set(ids.scalars().all())
    assert all(erased.values())

    telegram_ids = await families.delete_family(who.family_id)
    assert sorted(telegram_ids) == [1001, 3003]

    async with sessions() as s:
        checked = set()
        for table in Base.metadata.sorted_tables:
            text_cols = [c for c in table.columns if isinstance(c.type, String | Text)]
            ref_cols = [c for c in table.columns if _refs_family(c)]
            if table.name in NO_FAMILY_DATA:
                assert not ref_cols, f"{table.name} references a family: classify it"
                continue
            assert ref_cols or table.name == "families", f"{table.name}: no family reference; classify it"
            rows = (await s.execute(select(table))).mappings().all()
            for row in rows:
                for col in ref_cols:
                    # Nothing may still point at the erased family, its caregivers, children or deliveries.
                    target = next(iter(col.foreign_keys)).column.table.name
                    assert row[col.name] not in erased[target], (table.name, col.name)
                for col in text_cols:
                    assert SECRET not in str(row[col.name] or ""), (table.name, col.name)
                    assert "a private note" not in str(row[col.name] or ""), (table.name, col.name)
                    assert row[col.name] != "Quillon", (table.name, col.name)
            checked.add(table.name)
        fam_ids = (await s.execute(select(Base.metadata.tables["families"].c.id))).scalars().all()
        assert who.family_id not in fam_ids and other.family_id in fam_ids
        caregivers = Base.metadata.tables["caregivers"]
        assert (await s.execute(select(caregivers.c.telegram_id))).scalars().all() == [2002]
    assert checked >= {"families", "caregivers", "children", "deliveries", "responses", "assignments"}
    assert checked >= {"therapist_links", "client_invites", "caregiver_invites"}
    # The other family still has its link.
    assert [label for _, label in await therapists.links(t.id)] == ["Other"]
