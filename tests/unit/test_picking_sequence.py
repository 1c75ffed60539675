"""Sequencing rules of ``pick_prompt``: ages, levels, no skill twice in a row, a year without a repeat;
and ``pick_for_situation``. Property tests drive families through long runs of picks."""

from __future__ import annotations

from collections.abc import Collection

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content import load_library
from bot.domain.picking import easier_levels, is_ready, pick_for_situation, pick_prompt, tried_levels
from tests.unit.test_picking import FakePrompt, lib

SKILLS = ("notice", "connect", "validate", "name", "limits", "perspective", "reflection", "repair", "calm")
YEAR_AT_THREE_A_WEEK = 156


def run(
    library: list[FakePrompt], n: int, *, age: int | None = None, tries_all: bool = True, tried: Collection[str] = ()
) -> list[FakePrompt]:
    """n picks in a row for one child; a family that ``tries_all`` answers "we tried it" every time."""
    history: list[str] = []
    done = set(tried)
    picked = []
    for _ in range(n):
        p = pick_prompt(library, history, age_months=age, tried=done)
        history.append(p.id)
        if tries_all:
            done.add(p.id)
        picked.append(p)
    return picked


@st.composite
def libraries(draw: st.DrawFn, min_size: int = 1, max_size: int = 40) -> list[FakePrompt]:
    size = draw(st.integers(min_size, max_size))
    out = []
    for i in range(size):
        low = draw(st.none() | st.integers(60, 150))
        high = draw(st.none() | st.integers(low or 60, 155))
        out.append(
            FakePrompt(
                f"p{i}",
                draw(st.sampled_from(SKILLS[: draw(st.integers(1, 9))])),
                level=draw(st.integers(1, 3)),
                situation=draw(st.sampled_from([None, None, None, None, "tantrum"])),
                min_age=low,
                max_age=high,
            )
        )
    return out


def pool_for(library: list[FakePrompt], age: int) -> list[FakePrompt]:
    scheduled = [p for p in library if p.situation is None] or library
    return [p for p in scheduled if p.fits_age(age)] or scheduled


# --- a year without a repeat -----------------------------------------------------------------------------


def test_a_year_at_three_a_week_has_no_repeat() -> None:
    library = [FakePrompt(f"p{i}", SKILLS[i % 9], level=1 + i % 3) for i in range(YEAR_AT_THREE_A_WEEK)]
    for tries_all in (True, False):
        picked = run(library, YEAR_AT_THREE_A_WEEK, age=100, tries_all=tries_all)
        assert len({p.id for p in picked}) == YEAR_AT_THREE_A_WEEK


@settings(max_examples=150, deadline=None)
@given(library=libraries(), age=st.integers(60, 155), tries_all=st.booleans())
def test_no_repeat_until_the_childs_pool_is_used_up(library: list[FakePrompt], age: int, tries_all: bool) -> None:
    pool = pool_for(library, age)
    picked = run(library, 2 * len(pool), age=age, tries_all=tries_all)
    first, second = picked[: len(pool)], picked[len(pool) :]
    assert sorted(p.id for p in first) == sorted(p.id for p in pool)
    assert sorted(p.id for p in second) == sorted(p.id for p in pool)


# --- ages and situations ------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(library=libraries(), age=st.integers(60, 155))
def test_picks_fit_the_age_and_are_never_situation_prompts(library: list[FakePrompt], age: int) -> None:
    fitting = [p for p in library if p.situation is None and p.fits_age(age)]
    for p in run(library, 12, age=age):
        if fitting:
            assert p.fits_age(age)
        if any(q.situation is None for q in library):
            assert p.situation is None


def test_a_five_and_an_eleven_year_old_get_different_prompts() -> None:
    library = [
        FakePrompt("bath-toys", "perspective", max_age=95),
        FakePrompt("group-chat", "perspective", min_age=108),
        FakePrompt("any-age", "name"),
    ]
    young = {p.id for p in run(library, 2, age=5 * 12)}
    old = {p.id for p in run(library, 2, age=11 * 12)}
    assert young == {"bath-toys", "any-age"}
    assert old == {"group-chat", "any-age"}


def test_shipped_school_band_differs_by_age() -> None:
    school = load_library().by_band["school"]
    young = [p.id for p in run(list(school), 20, age=5 * 12 + 2)]  # type: ignore[arg-type]
    old = [p.id for p in run(list(school), 20, age=11 * 12 + 6)]  # type: ignore[arg-type]
    assert young != old
    by_id = {p.id: p for p in school}
    assert all(by_id[i].fits_age(62) and by_id[i].situation is None for i in young)
    assert all(by_id[i].fits_age(138) and by_id[i].situation is None for i in old)


def test_only_situation_prompts_left_still_gives_a_prompt() -> None:
    library = [FakePrompt("s1", "calm", situation="tantrum")]
    assert pick_prompt(library, []).id == "s1"


# --- no skill twice in a row ------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(library=libraries(min_size=2), age=st.integers(60, 155), tries_all=st.booleans())
def test_no_skill_twice_in_a_row_while_another_is_left(library: list[FakePrompt], age: int, tries_all: bool) -> None:
    pool = pool_for(library, age)
    history: list[str] = []
    done: set[str] = set()
    for _ in range(2 * len(pool)):
        counts = {p.id: history.count(p.id) for p in pool}
        fewest = min(counts.values())
        candidate_skills = {p.skill for p in pool if counts[p.id] == fewest}
        p = pick_prompt(library, history, age_months=age, tried=done)
        if history and len(candidate_skills) > 1:
            last = next(q for q in library if q.id == history[-1])
            assert p.skill != last.skill
        history.append(p.id)
        if tries_all:
            done.add(p.id)


def test_no_skill_twice_in_a_row_comes_before_easier_first() -> None:
    library = lib("a1:A:1", "a2:A:1", "b1:B:1", "b2:B:2")
    # b1 was delivered but not tried, so b2 isn't ready, while a2 is. A was the last skill, so B it is.
    assert pick_prompt(library, ["b1", "a1"], tried={"a1"}).id == "b2"


# --- easier first ----------------------------------------------------------------------------------------


def test_level_two_waits_until_level_one_was_tried() -> None:
    library = lib("n2:notice:2", "n1:notice:1", "c1:connect:1", "c2:connect:2")
    # Nothing tried yet: the level-1 prompts come first, whatever the library order.
    assert pick_prompt(library, []).id == "n1"
    # n1 was delivered but skipped, so notice stays at level 1: connect's level 1 is ready instead.
    assert pick_prompt(library, ["n1"], tried=()).id == "c1"
    # Tried n1 and c1: level 2 in notice is ready.
    assert pick_prompt(library, ["n1", "c1"], tried={"n1", "c1"}).id == "n2"


def test_a_level_three_needs_a_level_two_tried() -> None:
    library = lib("x1:A:1", "x3:A:3", "x2:A:2", "y1:B:1", "y2:B:1", "y3:B:1")
    picked = [p.id for p in run(library, 6)]
    assert picked.index("x1") < picked.index("x2") < picked.index("x3")
    assert tried_levels(library, {"x1"}) == {"A": 1}
    assert tried_levels(library, {"x1", "x2", "gone"}) == {"A": 2}
    assert easier_levels(library) == {("A", 1): 0, ("A", 2): 1, ("A", 3): 2, ("B", 1): 0}
    assert not is_ready(library[1], easier_levels(library), {"A": 1})  # x3 waits for a tried x2
    assert is_ready(library[1], easier_levels([library[1]]), {})  # nothing easier in the pool: ready at once


def test_a_family_that_never_taps_tried_still_gets_new_prompts() -> None:
    library = lib("a1:A:1", "a2:A:2", "a3:A:3", "b1:B:1", "b2:B:3")
    picked = run(library, 5, tries_all=False)
    assert sorted(p.id for p in picked) == sorted(p.id for p in library)
    levels_a = [p.level for p in picked if p.skill == "A"]
    assert levels_a == sorted(levels_a)


@settings(max_examples=150, deadline=None)
@given(library=libraries(), age=st.integers(60, 155), tries_all=st.booleans())
def test_levels_never_go_down_within_a_skill_in_a_round(library: list[FakePrompt], age: int, tries_all: bool) -> None:
    pool = pool_for(library, age)
    picked = run(library, len(pool), age=age, tries_all=tries_all)
    for skill in {p.skill for p in pool}:
        levels = [p.level for p in picked if p.skill == skill]
        assert levels == sorted(levels)


@settings(max_examples=150, deadline=None)
@given(library=libraries(), age=st.integers(60, 155))
def test_a_harder_prompt_comes_only_after_an_easier_one_was_tried(library: list[FakePrompt], age: int) -> None:
    """A family that tries everything: a pick with an easier level in its skill follows a tried prompt of the
    next easier level, unless no unused prompt of an allowed skill was ready (then the easiest comes rather
    than a repeat)."""
    pool = pool_for(library, age)
    history: list[str] = []
    for _ in range(len(pool)):
        p = pick_prompt(library, history, age_months=age, tried=set(history))
        easier = [q.level for q in pool if q.skill == p.skill and q.level < p.level]
        if easier:
            tried = [q.level for q in library if q.id in history and q.skill == p.skill]
            unused = [q for q in pool if q.id not in history]
            last = next((q.skill for q in library if history and q.id == history[-1]), None)
            allowed = [q for q in unused if q.skill != last] or unused
            top, below = tried_levels(library, history), easier_levels(pool)
            assert (tried and max(tried) >= max(easier)) or not any(is_ready(q, below, top) for q in allowed)
        history.append(p.id)


# --- situation prompts ---------------------------------------------------------------------------------


def test_pick_for_situation() -> None:
    library = [
        FakePrompt("sched", "calm"),
        FakePrompt("t-hard", "limits", level=2, situation="tantrum"),
        FakePrompt("t-easy", "name", level=1, situation="tantrum"),
        FakePrompt("t-big", "name", situation="tantrum", min_age=120),
        FakePrompt("sib", "repair", situation="siblings"),
    ]
    assert pick_for_situation(library, "tantrum") is library[2]
    assert pick_for_situation(library, "tantrum", ["t-easy"], age_months=70) is library[1]
    assert pick_for_situation(library, "tantrum", ["t-easy"]) is library[3]
    assert pick_for_situation(library, "tantrum", ["t-easy", "t-hard"], age_months=130) is library[3]
    assert pick_for_situation(library, "tantrum", ["t-easy", "t-hard"], age_months=70) is library[2]
    assert pick_for_situation(library, "night_fear") is None
    assert pick_for_situation(library, "siblings", age_months=60) is library[4]


def test_shipped_situation_prompts_can_be_offered() -> None:
    lib_ = load_library()
    offered = 0
    for band in lib_.bands:
        for situation in lib_.situations:
            p = pick_for_situation(lib_.by_band[band.id], situation, age_months=band.min_months)
            if p is not None:
                assert p.situation == situation and p.band == band.id
                assert p in lib_.for_situation(band.id, situation)
                offered += 1
    assert offered > 0
