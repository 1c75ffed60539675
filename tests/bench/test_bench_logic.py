"""Pure scheduling and picking logic: ``next_slot`` across zones and ``pick_prompt`` with long histories."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest

from bot.content import Library, Prompt
from bot.domain.picking import pick_prompt
from bot.domain.schedule import CADENCE_DAYS, next_slot
from tests.bench.util import mib, report, timed, traced, us

SLOT_CALLS = 100_000
SLOT_TRACED = 2_000
# Zones with DST in either hemisphere, half-hour and 45-minute offsets, and none at all.
ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tokyo",
    "UTC",
)
HISTORY_LENGTHS = (0, 156, 520, 5200)  # nothing yet; a year at 3 a week; ~10 years at 3 a week; ~14 years daily
PICK_CALLS = 1000
YEAR_SIZE = 200  # a band at the issue-12 goal: 156+ scheduled prompts plus situation prompts
SKILLS = ("notice", "connect", "validate", "name", "limits", "perspective", "reflection", "repair", "calm")


def _slot_inputs(n: int, seed: int = 7) -> list[tuple[datetime, ZoneInfo, time, frozenset[int]]]:
    """Instants spread over 2026 (every DST change of the year included), varied send times and cadences."""
    rng = random.Random(seed)
    zones = [ZoneInfo(z) for z in ZONES]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    cadences = list(CADENCE_DAYS.values())
    # Some send times sit in the small hours, where spring-forward gaps and fall-back repeats are.
    times = [time(h, m) for h in (2, 3, 7, 8, 12, 18, 19, 20) for m in (0, 15, 30, 45)]
    return [
        (
            start + timedelta(seconds=rng.randrange(365 * 86400)),
            rng.choice(zones),
            rng.choice(times),
            rng.choice(cadences),
        )
        for _ in range(n)
    ]


@pytest.mark.bench
def test_next_slot_speed() -> None:
    inputs = _slot_inputs(SLOT_CALLS)
    slots, t = timed(lambda: [next_slot(after, tz, at, days) for after, tz, at, days in inputs])
    for (after, _tz, _at, _days), slot in zip(inputs, slots, strict=True):
        assert after < slot <= after + timedelta(days=8)
        assert slot.tzinfo is UTC
    _, peak = traced(lambda: [next_slot(after, tz, at, days) for after, tz, at, days in inputs[:SLOT_TRACED]])
    report(
        "next_slot",
        [
            ("calls", f"{SLOT_CALLS:,} over {len(ZONES)} zones, all of 2026, 4 cadences"),
            ("time", f"{t:.2f} s   {us(t, SLOT_CALLS)}   ({SLOT_CALLS / t:,.0f} calls/s)"),
            ("peak memory", f"{mib(peak)} for {SLOT_TRACED:,} calls and their results (tracemalloc)"),
        ],
    )


def _year_band() -> list[Prompt]:
    """A synthetic school band at the goal size: levels 1-3, a third age-ranged, some situation prompts."""
    rng = random.Random(5)
    out = []
    for i in range(YEAR_SIZE):
        ranged = i % 3 == 0
        out.append(
            Prompt.model_validate(
                {
                    "id": f"sch-bench-{i:03d}",
                    "band": "school",
                    "skill": SKILLS[i % len(SKILLS)],
                    "title": f"Bench prompt {i}",
                    "do": "At dinner, ask one open question and listen to the answer.",
                    "say": "What was the best bit?",
                    "why": "Listening first helps a child feel heard.",
                    "empathy": "affective",
                    "reflect": "What did you hear?",
                    "minutes": 5,
                    "anchor": "meal",
                    "tags": ["everyday"],
                    "level": rng.choice((1, 1, 2, 3)),
                    "min_age": 96 if ranged and i % 2 else None,
                    "max_age": 95 if ranged and not i % 2 else None,
                    "situation": "siblings" if i % 10 == 9 else None,
                }
            )
        )
    return out


def _picks(band: list[Prompt], past: list[str], age: int | None = None) -> list[Prompt]:
    tried = set(past[::2])
    return [pick_prompt(band, past, age_months=age, tried=tried) for _ in range(PICK_CALLS)]


@pytest.mark.bench
@pytest.mark.parametrize("which", ["shipped", "year"])
def test_pick_prompt_speed(library: Library, which: str) -> None:
    if which == "shipped":
        band_id = max(library.by_band, key=lambda b: len(library.scheduled(b)))
        band, age = library.by_band[band_id], None
        pool = library.scheduled(band_id)
    else:
        band, age = _year_band(), 100  # 8 years 4 months
        pool = [p for p in band if p.situation is None and p.fits_age(age)]
    n = len(pool)

    def sequence() -> list[str]:
        history: list[str] = []
        for _ in range(3 * n):
            history.append(pick_prompt(band, history, age_months=age, tried=set(history)).id)
        return history

    # Correctness: picking in sequence uses every prompt of the child's pool once before any repeats.
    seq, t_seq = timed(sequence)
    assert sorted(seq[:n]) == sorted(p.id for p in pool)
    assert set(Counter(seq).values()) == {3}

    rng = random.Random(11)
    ids = [p.id for p in band]
    rows: list[tuple[str, str]] = [
        ("library", f"{len(band)} prompts, {n} in the child's pool, {len({p.skill for p in band})} skills"),
        (f"sequence of {3 * n}", f"{us(t_seq, 3 * n)}   (history growing from 0 to {3 * n - 1})"),
    ]
    for length in HISTORY_LENGTHS:
        past = [rng.choice(ids) for _ in range(length)]
        if length:
            past[rng.randrange(length)] = "retired-prompt-id"  # ids no longer in the library are skipped
        picks, t = timed(partial(_picks, band, past, age))
        assert len({p.id for p in picks}) == 1  # deterministic
        rows.append((f"history of {length:,}", f"{us(t, PICK_CALLS)}"))
    longest = [rng.choice(ids) for _ in range(HISTORY_LENGTHS[-1])]
    _, peak = traced(lambda: pick_prompt(band, longest, age_months=age, tried=set(longest)))
    rows.append(("peak memory", f"{mib(peak)} for one pick with a {len(longest):,}-long history"))
    report(f"pick_prompt ({which} band)", rows)
