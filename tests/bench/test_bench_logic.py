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
HISTORY_LENGTHS = (0, 46, 460, 4600)  # nothing yet; one pass of the band; ~1 year daily; ~12 years daily
PICK_CALLS = 1000
SEQUENCE = 46 * 3


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


def _picks(band: list[Prompt], past: list[str]) -> list[Prompt]:
    return [pick_prompt(band, past) for _ in range(PICK_CALLS)]


@pytest.mark.bench
def test_pick_prompt_speed(library: Library) -> None:
    band = max(library.by_band.values(), key=len)
    assert len(band) == 46

    def sequence() -> list[str]:
        history: list[str] = []
        for _ in range(SEQUENCE):
            history.append(pick_prompt(band, history).id)
        return history

    # Correctness: picking in sequence uses every prompt once before any repeats.
    seq, t_seq = timed(sequence)
    assert len(set(seq[:46])) == 46
    assert set(Counter(seq).values()) == {SEQUENCE // 46}

    rng = random.Random(11)
    ids = [p.id for p in band]
    rows: list[tuple[str, str]] = [
        ("library", f"{len(band)} prompts, {len({p.skill for p in band})} skills"),
        (f"sequence of {SEQUENCE}", f"{us(t_seq, SEQUENCE)}   (history growing from 0 to {SEQUENCE - 1})"),
    ]
    for length in HISTORY_LENGTHS:
        past = [rng.choice(ids) for _ in range(length)]
        if length:
            past[rng.randrange(length)] = "retired-prompt-id"  # ids no longer in the library are skipped
        picks, t = timed(partial(_picks, band, past))
        assert len({p.id for p in picks}) == 1  # deterministic
        rows.append((f"history of {length:,}", f"{us(t, PICK_CALLS)}"))
    longest = [rng.choice(ids) for _ in range(HISTORY_LENGTHS[-1])]
    _, peak = traced(lambda: pick_prompt(band, longest))
    rows.append(("peak memory", f"{mib(peak)} for one pick with a {len(longest):,}-long history"))
    report("pick_prompt", rows)
