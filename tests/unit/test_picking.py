from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content import Prompt, Skill
from bot.domain.picking import ChildTurn, pick_child, pick_prompt


@dataclass(frozen=True)
class FakePrompt:
    id: str
    skill: str
    level: int = 1
    situation: str | None = None
    min_age: int | None = None
    max_age: int | None = None

    def fits_age(self, months: int) -> bool:
        return (self.min_age is None or months >= self.min_age) and (self.max_age is None or months <= self.max_age)


def lib(*specs: str) -> list[FakePrompt]:
    """lib("a1:notice", "b1:connect:2") -> prompts with those ids, skills and (optionally) levels."""
    out = []
    for spec in specs:
        pid, skill, *level = spec.split(":")
        out.append(FakePrompt(pid, skill, int(level[0]) if level else 1))
    return out


def _content_prompts_fit(library: Sequence[Prompt]) -> Prompt:
    """Never called: mypy checks that content prompts satisfy PromptLike and keep their type."""
    return pick_prompt(library, [])


def run(library: list[FakePrompt], n: int, history: list[str] | None = None) -> list[str]:
    """Pick n prompts in a row, appending each to the history; return the picked ids."""
    hist = list(history or [])
    picked = []
    for _ in range(n):
        p = pick_prompt(library, hist)
        hist.append(p.id)
        picked.append(p.id)
    return picked


# --- pick_prompt ---------------------------------------------------------------------------------------


def test_empty_library_raises() -> None:
    with pytest.raises(ValueError, match="empty"):
        pick_prompt([], [])
    with pytest.raises(ValueError):
        pick_prompt([], ["a"])


def test_first_pick_is_first_in_library() -> None:
    library = lib("x:calm", "y:notice", "z:calm")
    assert pick_prompt(library, []).id == "x"


def test_single_prompt_repeats() -> None:
    library = lib("only:calm")
    assert run(library, 3) == ["only", "only", "only"]


def test_skills_rotate() -> None:
    library = lib("a1:A", "a2:A", "a3:A", "b1:B", "b2:B", "c1:C")
    # A, B, C in order of first appearance, then the skill used longest ago among unused prompts.
    assert run(library, 6) == ["a1", "b1", "c1", "a2", "b2", "a3"]
    # Second round: everything used once. Skills by last use: c1 (2), b2 (4), a3 (5).
    assert run(library, 12)[6:] == ["c1", "b1", "a1", "b2", "a2", "a3"]


def test_skill_order_is_first_appearance_not_alphabetical() -> None:
    library = lib("z1:zeta", "a1:alpha", "z2:zeta", "a2:alpha")
    assert run(library, 4) == ["z1", "a1", "z2", "a2"]


def test_interleaved_library_order_within_skill() -> None:
    library = lib("n2:notice", "c1:connect", "n1:notice")
    assert run(library, 3) == ["n2", "c1", "n1"]


def test_candidates_are_least_delivered() -> None:
    library = lib("a:A", "b:B", "c:C")
    # a and b delivered twice, c once: c is the only candidate even though C was used most recently.
    assert pick_prompt(library, ["a", "b", "a", "b", "c"]).id == "c"
    # a delivered once, b and c never: neither skill B nor C was used, so library order decides.
    assert pick_prompt(library, ["a"]).id == "b"


def test_rotation_uses_history_recency() -> None:
    library = lib("a1:A", "a2:A", "b1:B", "b2:B")
    # B was used after A, so A comes next.
    assert pick_prompt(library, ["a1", "b1"]).id == "a2"
    # A used after B: B next.
    assert pick_prompt(library, ["b1", "a1"]).id == "b2"


def test_unknown_ids_are_ignored() -> None:
    library = lib("a1:A", "a2:A", "b1:B")
    clean = ["a1", "b1"]
    noisy = ["old-1", "a1", "retired", "b1", "gone", "gone"]
    assert pick_prompt(library, noisy) == pick_prompt(library, clean)
    assert run(library, 7, noisy) == run(library, 7, clean)
    assert pick_prompt(library, ["x", "y", "z"]).id == "a1"


def test_history_of_a_partly_replaced_library() -> None:
    # a1 was removed from the library after being delivered; its skill's last use no longer counts.
    library = lib("a2:A", "b1:B")
    assert pick_prompt(library, ["b1", "a1"]).id == "a2"


def test_works_with_skill_enum() -> None:
    library = [
        FakePrompt("p1", Skill.notice),
        FakePrompt("p2", Skill.notice),
        FakePrompt("p3", Skill.calm),
    ]
    assert run(library, 3) == ["p1", "p3", "p2"]


def test_returns_the_library_object() -> None:
    library = lib("a:A", "b:B")
    assert pick_prompt(library, ["a"]) is library[1]


def test_deterministic() -> None:
    library = lib("a1:A", "b1:B", "a2:A", "c1:C", "b2:B")
    history = ["b1", "zzz", "a2"]
    first = [pick_prompt(library, history) for _ in range(5)]
    assert len(set(first)) == 1
    assert run(library, 20, history) == run(library, 20, history)
    assert pick_prompt(tuple(library), tuple(history)) == first[0]


libraries = st.lists(st.sampled_from("ABCDE"), min_size=1, max_size=25).map(
    lambda skills: [FakePrompt(f"p{i}", s) for i, s in enumerate(skills)]
)


@settings(max_examples=200)
@given(library=libraries, rounds=st.integers(1, 3), noise=st.lists(st.sampled_from(["x", "y"]), max_size=5))
def test_no_repeat_until_library_exhausted(library: list[FakePrompt], rounds: int, noise: list[str]) -> None:
    picked = run(library, rounds * len(library), noise)
    n = len(library)
    for r in range(rounds):
        chunk = picked[r * n : (r + 1) * n]
        assert sorted(chunk) == sorted(p.id for p in library)  # each prompt exactly once per round
    assert set(Counter(picked).values()) == {rounds}


@settings(max_examples=200)
@given(library=libraries, history=st.lists(st.integers(0, 30), max_size=40))
def test_pick_is_a_least_delivered_prompt(library: list[FakePrompt], history: list[int]) -> None:
    ids = [f"p{i}" for i in history]  # some beyond the library: unknown ids
    counts = Counter(ids)
    chosen = pick_prompt(library, ids)
    assert chosen in library
    assert counts[chosen.id] == min(counts[p.id] for p in library)


@settings(max_examples=200)
@given(
    skills=st.integers(1, 6),
    per_skill=st.integers(1, 4),
    order=st.randoms(use_true_random=False),
)
def test_balanced_library_cycles_through_skills(skills: int, per_skill: int, order: random.Random) -> None:
    names = [f"s{k}" for k in range(skills)]
    library = [FakePrompt(f"{name}-{i}", name) for name in names for i in range(per_skill)]
    order.shuffle(library)
    picked = run(library, 3 * len(library))
    skill_of = {p.id: p.skill for p in library}
    sequence = [skill_of[p] for p in picked]
    first_appearance = list(dict.fromkeys(p.skill for p in library))
    # Every skill comes round once per cycle, always in the same order.
    for start in range(0, len(sequence), skills):
        assert sequence[start : start + skills] == first_appearance


# --- pick_child ----------------------------------------------------------------------------------------

T0 = datetime(2026, 6, 1, 17, tzinfo=UTC)


def child(cid: int, band: str | None = "school", last: datetime | None = None, position: int = 0) -> ChildTurn:
    return ChildTurn(child_id=cid, band=band, last_delivery_at=last, position=position)


def test_pick_child_empty_and_no_bands() -> None:
    assert pick_child([]) is None
    assert pick_child([child(1, band=None), child(2, band=None, last=T0)]) is None


def test_pick_child_skips_children_without_band() -> None:
    kids = [child(1, band=None, position=0), child(2, last=T0, position=1)]
    assert pick_child(kids) == kids[1]


def test_pick_child_never_delivered_first() -> None:
    kids = [child(1, last=T0 - timedelta(days=30), position=0), child(2, last=None, position=1)]
    assert pick_child(kids) == kids[1]


def test_pick_child_oldest_delivery() -> None:
    kids = [
        child(1, last=T0, position=0),
        child(2, last=T0 - timedelta(days=2), position=1),
        child(3, last=T0 - timedelta(days=1), position=2),
    ]
    assert pick_child(kids) == kids[1]


def test_pick_child_ties_by_position() -> None:
    kids = [child(1, last=T0, position=2), child(2, last=T0, position=1), child(3, last=T0, position=3)]
    assert pick_child(kids) == kids[1]
    new = [child(1, position=5), child(2, position=3), child(3, position=4)]
    assert pick_child(new) == new[1]


def test_children_take_turns() -> None:
    kids = [
        child(10, position=0),
        child(11, position=1),
        child(12, band=None, position=2),
        child(13, position=3),
    ]
    order = []
    now = T0
    for _ in range(7):
        chosen = pick_child(kids)
        assert chosen is not None
        order.append(chosen.child_id)
        kids = [replace(k, last_delivery_at=now) if k.child_id == chosen.child_id else k for k in kids]
        now += timedelta(days=2)
    assert order == [10, 11, 13, 10, 11, 13, 10]


def test_child_turn_is_frozen() -> None:
    c = child(1)
    with pytest.raises(AttributeError):
        c.position = 3  # type: ignore[misc]
