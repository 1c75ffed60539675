"""A review sheet for a family therapist: a seeded random sample of prompts, as parents see them.

    python -m bot.content_review [--per-band 20] [--seed 2026] [--scheduled] [--dir content] > review.md

The rubric and how to score are in content/REVIEW.md. The sheet starts with the automatic part (what
`python -m bot content check` measures), then one block per sampled prompt with an empty score row.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Sequence
from html import unescape
from pathlib import Path

from bot.content import Library, Prompt, load_library
from bot.content_check import review_sheet
from bot.render import prompt_text

CRITERIA = ("any day", "warm", "concrete", "age-right", "coaching", "say = do", "why", "tags")
TAG_RE = re.compile(r"<[^>]+>")


def sample(lib: Library, per_band: int, seed: int, scheduled_only: bool = False) -> list[Prompt]:
    """``per_band`` prompts from each band, the same ones for the same seed and library. ``scheduled_only`` leaves
    situation prompts out: those are what a family gets on the timer, most of what it reads."""
    rng = random.Random(seed)
    chosen: list[Prompt] = []
    for band in lib.bands:
        pool = lib.scheduled(band.id) if scheduled_only else lib.by_band.get(band.id, [])
        prompts = sorted(pool, key=lambda p: p.id)
        chosen += rng.sample(prompts, min(per_band, len(prompts)))
    return chosen


def _ages(p: Prompt) -> str:
    if not p.age_ranged:
        return "whole band"
    low = f"{p.min_age // 12}y{p.min_age % 12}m" if p.min_age is not None else "band start"
    high = f"{p.max_age // 12}y{p.max_age % 12}m" if p.max_age is not None else "band end"
    return f"{low} to {high}"


def prompt_block(p: Prompt) -> str:
    kind = f"situation: {p.situation}" if p.situation else "scheduled"
    facts = f"{p.band} · {kind} · {p.skill.value} · level {p.level} · {p.empathy.value} · ages {_ages(p)}" + (
        " · band strategy" if p.strategy else ""
    )
    shown = unescape(TAG_RE.sub("", prompt_text(p, None)))
    row = "| " + " | ".join(["   "] * (len(CRITERIA) + 1)) + " |"
    return "\n".join(
        [
            f"### {p.id}",
            f"_{facts}_",
            "",
            *(f"> {line}" if line else ">" for line in shown.splitlines()),
            f"> Reflect: {p.reflect}",
            "",
            "| " + " | ".join((*CRITERIA, "verdict")) + " |",
            "|" + "---|" * (len(CRITERIA) + 1),
            row,
            "",
            "Note:",
            "",
        ]
    )


def review(lib: Library, per_band: int, seed: int, scheduled_only: bool = False) -> str:
    head = [
        f"# Prompt review: {per_band} {'scheduled ' if scheduled_only else ''}per band, seed {seed}",
        "",
        "Score each criterion ok / fix / fail (content/REVIEW.md); verdict: as is / small fix / rewrite.",
        "",
        "## Automatic part",
        "",
        "```",
        "\n\n".join(review_sheet(b, lib.by_band.get(b.id, [])) for b in lib.bands),
        "```",
        "",
        "## Sample",
        "",
    ]
    return "\n".join(head) + "\n".join(prompt_block(p) for p in sample(lib, per_band, seed, scheduled_only))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.content_review", description=__doc__.splitlines()[0])
    parser.add_argument("--per-band", type=int, default=20)
    parser.add_argument("--seed", type=int, default=random.SystemRandom().randrange(10_000))
    parser.add_argument("--scheduled", action="store_true", help="draw only scheduled prompts")
    parser.add_argument("--dir", type=Path, default=None, help="content folder (default: the shipped one)")
    args = parser.parse_args(argv)
    print(review(load_library(args.dir), args.per_band, args.seed, args.scheduled))
    return 0


if __name__ == "__main__":
    sys.exit(main())
