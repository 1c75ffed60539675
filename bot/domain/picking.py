"""Choosing the next prompt for a child, and which child's turn it is.

Every choice is deterministic: given the same library, history and age, the same prompt comes next.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar


class PromptLike(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def skill(self) -> str: ...

    @property
    def level(self) -> int: ...

    @property
    def situation(self) -> str | None: ...

    def fits_age(self, months: int) -> bool: ...


P = TypeVar("P", bound=PromptLike)


def _pool(library: Sequence[P], age_months: int | None) -> list[P]:
    """The scheduled prompts that fit the child's age; never empty while the library has a prompt.

    Situation prompts never go on the timer. If no scheduled prompt fits the age (a thin library), any
    scheduled prompt is better than none.
    """
    scheduled = [p for p in library if p.situation is None] or list(library)
    if age_months is None:
        return scheduled
    return [p for p in scheduled if p.fits_age(age_months)] or scheduled


def tried_levels(library: Sequence[P], tried: Collection[str]) -> dict[str, int]:
    """Per skill, the hardest level the child has tried."""
    level_of = {p.id: (p.skill, p.level) for p in library}
    top: dict[str, int] = {}
    for prompt_id in tried:
        known = level_of.get(prompt_id)
        if known is not None:
            skill, level = known
            top[skill] = max(top.get(skill, 0), level)
    return top


def easier_levels(pool: Sequence[PromptLike]) -> dict[tuple[str, int], int]:
    """For each (skill, level) in the pool, the next easier level the pool has in that skill (0: none)."""
    levels: dict[str, set[int]] = {}
    for p in pool:
        levels.setdefault(p.skill, set()).add(p.level)
    return {
        (skill, level): max((low for low in have if low < level), default=0)
        for skill, have in levels.items()
        for level in have
    }


def is_ready(prompt: PromptLike, easier: dict[tuple[str, int], int], top: dict[str, int]) -> bool:
    """Easier first: ready once the child tried a prompt at the next easier level the pool has in its skill.

    A level-2 prompt waits for a tried level 1, a level 3 for a tried level 2; a prompt with nothing easier
    in its skill is ready at once. ``easier`` comes from ``easier_levels``, ``top`` from ``tried_levels``.
    """
    return top.get(prompt.skill, 0) >= easier.get((prompt.skill, prompt.level), 0)


def pick_prompt(
    library: Sequence[P],
    history: Sequence[str],
    *,
    age_months: int | None = None,
    tried: Collection[str] = (),
) -> P:
    """The next scheduled prompt from ``library`` (one band's prompts, in library order) for a child.

    ``history`` holds the ids already delivered to this child, oldest first; ids not in the library are
    ignored. ``tried`` holds the ids the family said it tried with this child. In order of priority:

    1. Only scheduled prompts that fit ``age_months`` (the pool; see ``_pool``).
    2. No repeats until the whole pool has been used: candidates are the least-delivered prompts. With 156
       prompts a child gets a year at three a week without one.
    3. No skill twice in a row: the skill of the last delivery is left out while another skill has a candidate.
    4. Easier first (``is_ready``): a level-2 prompt is ready once the child tried a level 1 in that skill, a
       level 3 once it tried a level 2. Skills with a ready candidate come first. If none is ready (the family
       skipped the easy ones), the easiest candidate comes rather than a repeat.
    5. Skills rotate: the skill used longest ago (never used first; ties by first appearance in the library).
    6. Within the skill: ready before not ready, then the lowest level, then library order.
    """
    if not library:
        raise ValueError("cannot pick from an empty library")
    pool = _pool(library, age_months)
    skill_of = {p.id: p.skill for p in library}
    counts: Counter[str] = Counter()
    last_used: dict[str, int] = {}
    last_skill: str | None = None
    for index, prompt_id in enumerate(history):
        skill = skill_of.get(prompt_id)
        if skill is None:
            continue
        counts[prompt_id] += 1
        last_used[skill] = index
        last_skill = skill
    fewest = min(counts[p.id] for p in pool)
    candidates = [p for p in pool if counts[p.id] == fewest]
    if any(p.skill != last_skill for p in candidates):
        candidates = [p for p in candidates if p.skill != last_skill]
    top, easier = tried_levels(library, tried), easier_levels(pool)
    ready = {p.id for p in candidates if is_ready(p, easier, top)}
    first_seen: dict[str, int] = {}
    for position, p in enumerate(library):
        first_seen.setdefault(p.skill, position)
    ready_skills = {p.skill for p in candidates if p.id in ready}
    skill = min(
        {p.skill for p in candidates},
        key=lambda s: (s not in ready_skills, last_used.get(s, -1), first_seen[s]),
    )
    # Library order within a level; candidates keep library order, so the first minimum wins.
    return min((p for p in candidates if p.skill == skill), key=lambda p: (p.id not in ready, p.level))


def pick_for_situation(
    library: Sequence[P],
    situation: str,
    history: Sequence[str] = (),
    *,
    age_months: int | None = None,
) -> P | None:
    """A situation prompt to offer in the moment (help now, or "this just happened"), or None.

    ``library`` is one band's prompts. Only prompts tagged with ``situation`` that fit the age count; the
    least-offered comes first, then the lowest level, then library order. No fallback to another age: an
    ill-fitting idea in a hard moment is worse than the help card alone.
    """
    matching = [p for p in library if p.situation == situation]
    if age_months is not None:
        matching = [p for p in matching if p.fits_age(age_months)]
    if not matching:
        return None
    counts = Counter(history)
    order = {p.id: i for i, p in enumerate(matching)}
    return min(matching, key=lambda p: (counts[p.id], p.level, order[p.id]))


@dataclass(frozen=True)
class ChildTurn:
    child_id: int
    band: str | None
    last_delivery_at: datetime | None
    position: int
    age_months: int | None = None


def pick_child(children: Sequence[ChildTurn]) -> ChildTurn | None:
    """Whose turn it is: the child with a band whose last delivery is oldest (never first), ties by position.

    Children without a band (too young, too old) are skipped; ``None`` when nobody is left.
    """
    eligible = [c for c in children if c.band is not None]
    never = [c for c in eligible if c.last_delivery_at is None]
    if never:
        return min(never, key=lambda c: c.position)
    if not eligible:
        return None
    return min(eligible, key=lambda c: (c.last_delivery_at, c.position))
