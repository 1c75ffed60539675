"""The review sheet a therapist scores (content/REVIEW.md): a seeded sample, shown as parents see it."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.content import load_library
from bot.content_review import CRITERIA, main, review, sample


def test_the_sample_is_per_band_and_repeatable() -> None:
    lib = load_library()
    first = sample(lib, 20, seed=1234)
    assert Counter(p.band for p in first) == {"toddler": 20, "school": 20, "teen": 20}
    assert len({p.id for p in first}) == 60
    assert [p.id for p in sample(lib, 20, seed=1234)] == [p.id for p in first]
    assert [p.id for p in sample(lib, 20, seed=99)] != [p.id for p in first]
    # A band smaller than the request gives all it has.
    assert len(sample(lib, 500, seed=1)) == len(lib.prompts)


def test_the_sheet_shows_prompts_as_parents_see_them() -> None:
    lib = load_library()
    sheet = review(lib, 2, seed=7)
    for p in sample(lib, 2, seed=7):
        assert f"### {p.id}" in sheet
        assert p.say in sheet and f"Reflect: {p.reflect}" in sheet
    assert "<b>" not in sheet and "<i>" not in sheet and "your child" in sheet.lower()
    assert "| " + " | ".join((*CRITERIA, "verdict")) + " |" in sheet
    assert "## Automatic part" in sheet and "goal 156" in sheet


def test_cli_prints_the_sheet(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--per-band", "1", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Prompt review: 1 per band, seed 5")
    assert out.count("\n### ") == 3


def test_a_scheduled_only_sample_leaves_situation_prompts_out(capsys: pytest.CaptureFixture[str]) -> None:
    lib = load_library()
    drawn = sample(lib, 500, seed=3, scheduled_only=True)
    assert drawn and all(p.situation is None for p in drawn)
    assert len(drawn) == sum(len(lib.scheduled(b.id)) for b in lib.bands)
    assert main(["--per-band", "2", "--seed", "5", "--scheduled"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Prompt review: 2 scheduled per band, seed 5")
    assert "· situation:" not in out and out.count("\n### ") == 6
