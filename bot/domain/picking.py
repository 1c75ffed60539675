"""Choosing the next prompt for a child, and which child's turn it is.

Both choices are deterministic: given the same library and history the same prompt comes next.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar


class PromptLike(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def skill(self) -> str: ...


P = TypeVar("P", bound=PromptLike)


def pick_prompt(library: Sequence[P], history: Sequence[str]) -> P:
    """The next prompt from ``library`` (one band's prompts, in library order) for a child.

    ``history`` holds the ids already delivered to this child, oldest first; ids not in the library are
    ignored.

    1. No repeats until the whole library has been used: candidates are the least-delivered prompts.
    2. Skills rotate: among the candidates' skills take the one used longest ago (never used comes first;
       ties go to the skill that appears first in the library).
    3. Within that skill, the first candidate in library order.
    """
    if not library:
        raise ValueError("cannot pick from an empty library")
    skill_of = {p.id: p.skill for p in library}
    counts: Counter[str] = Counter()
    last_used: dict[str, int] = {}
    for index, prompt_id in enumerate(history):
        skill = skill_of.get(prompt_id)
        if skill is None:
            continue
        counts[prompt_id] += 1
        last_used[skill] = index
    fewest = min(counts[p.id] for p in library)
    candidates = [p for p in library if counts[p.id] == fewest]
    first_seen: dict[str, int] = {}
    for position, p in enumerate(library):
        first_seen.setdefault(p.skill, position)
    skill = min({p.skill for p in candidates}, key=lambda s: (last_used.get(s, -1), first_seen[s]))
    return next(p for p in candidates if p.skill == skill)


@dataclass(frozen=True)
class ChildTurn:
    child_id: int
    band: str | None
    last_delivery_at: datetime | None
    position: int


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
