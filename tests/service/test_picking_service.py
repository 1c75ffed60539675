"""Picking through the real services and database: what a family tried unlocks harder prompts, and a situation
prompt is found for one child of the family."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.content import Library, Prompt
from bot.db.models import Child, Delivery
from bot.services.deliveries import DeliveryService
from tests.service.helpers import onboard, services


def _prompt(pid: str, skill: str, level: int = 1, **extra: Any) -> Prompt:
    return Prompt.model_validate(
        {
            "id": pid,
            "band": "toddler",
            "skill": skill,
            "title": f"Prompt {pid}",
            "do": "At bath time, name one feeling you see on their face.",
            "say": "You look happy!",
            "why": "Naming a feeling helps a toddler find the word for it.",
            "empathy": "affective",
            "reflect": "What did you notice?",
            "minutes": 2,
            "anchor": "bath",
            "tags": ["everyday"],
            "level": level,
            **extra,
        }
    )


def _small_library(shipped: Library) -> Library:
    prompts = [
        _prompt("tod-n1", "notice"),
        _prompt("tod-n2", "notice", level=2),
        _prompt("tod-c1", "connect"),
        _prompt("tod-c2", "connect"),
        _prompt("tod-m1", "name"),
        _prompt("tod-tantrum", "calm", situation="tantrum", anchor="anytime"),
    ]
    by_band: dict[str, list[Prompt]] = {b.id: [] for b in shipped.bands}
    by_band["toddler"] = prompts
    return Library(bands=shipped.bands, prompts={p.id: p for p in prompts}, by_band=by_band)


async def _next(sessions: async_sessionmaker[AsyncSession], deliveries: DeliveryService, family_id: int) -> Delivery:
    delivery_id = await deliveries.create_now(family_id)
    assert delivery_id is not None
    async with sessions() as s, s.begin():
        d = await s.get(Delivery, delivery_id)
        assert d is not None
        d.status = "sent"
    return d


async def test_a_harder_prompt_waits_until_the_family_tried_an_easier_one(sessions, clock: FakeClock, library) -> None:
    small = _small_library(library)
    families, deliveries = services(sessions, clock, small)
    eager = await onboard(families, 1001, children=((None, 2024, 1),))
    shy = await onboard(families, 1002, children=((None, 2024, 1),))
    picked: dict[int, list[str]] = {eager.family_id: [], shy.family_id: []}
    for _ in range(5):
        for who, outcome in ((eager, "tried"), (shy, "skipped")):
            d = await _next(sessions, deliveries, who.family_id)
            assert d.prompt_id is not None
            picked[who.family_id].append(d.prompt_id)
            assert await deliveries.answer(who.family_id, who.caregiver_id, d.id, outcome=outcome)
        clock.advance(minutes=1)
    # The same first three; then the family that tried tod-n1 gets its level 2, the other one a level 1 first.
    assert picked[eager.family_id] == ["tod-n1", "tod-c1", "tod-m1", "tod-n2", "tod-c2"]
    assert picked[shy.family_id] == ["tod-n1", "tod-c1", "tod-m1", "tod-c2", "tod-n2"]
    # Situation prompts never went on the timer.
    assert all("tantrum" not in p for seq in picked.values() for p in seq)


async def test_situation_prompt_for_a_child_of_the_family(sessions, clock: FakeClock, library) -> None:
    families, deliveries = services(sessions, clock, library)
    toddler = await onboard(families, 2001, children=((None, 2024, 1),))
    teen = await onboard(families, 2002, children=((None, 2011, 6),))
    async with sessions() as s:
        toddler_child = await s.scalar(select(Child.id).where(Child.family_id == toddler.family_id))
        teen_child = await s.scalar(select(Child.id).where(Child.family_id == teen.family_id))
    assert toddler_child is not None and teen_child is not None

    p = await deliveries.situation_prompt(toddler.family_id, toddler_child, "hitting")
    assert p is not None and p.band == "toddler" and p.situation == "hitting"
    assert p in library.for_situation("toddler", "hitting")
    q = await deliveries.situation_prompt(teen.family_id, teen_child, "door_silence")
    assert q is not None and q.band == "teen" and q.situation == "door_silence"
    # Another family's child, an unknown child and a situation without prompts give nothing.
    assert await deliveries.situation_prompt(teen.family_id, toddler_child, "hitting") is None
    assert await deliveries.situation_prompt(teen.family_id, 999_999, "hitting") is None
    assert await deliveries.situation_prompt(teen.family_id, teen_child, "night_fear") is None
