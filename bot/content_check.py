"""`python -m bot content check`: everything start-up validates, plus the quality bar for the library."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.content import (
    SITUATIONS,
    TELEGRAM_TEXT_LIMIT,
    ContentError,
    ContentInvalid,
    Library,
    Skill,
    load_library,
)
from bot.readability import fk_grade
from bot.render import prompt_text
from bot.tips import load_tips

MAX_GRADE = 8.0
MAX_OVERLAP = 0.5  # word-set Jaccard of what-to-do + try-saying
LONG_NICKNAME = "W" * 32  # the longest nickname a family can set
WORD_RE = re.compile(r"[a-z']+")


@dataclass
class Report:
    errors: list[ContentError]
    library: Library | None

    @property
    def ok(self) -> bool:
        return not self.errors


def _words(text: str) -> set[str]:
    return set(WORD_RE.findall(text.lower()))


def quality_errors(lib: Library) -> list[ContentError]:
    errors: list[ContentError] = []

    def err(band: str, pid: str | None, msg: str) -> None:
        errors.append(ContentError(f"content/prompts/en/{band}.yaml", pid, msg))

    for band in lib.bands:
        prompts = lib.by_band.get(band.id, [])
        if len(prompts) < band.min_prompts:
            err(band.id, None, f"band has {len(prompts)} prompts; at least {band.min_prompts} needed")
        have = {p.skill for p in prompts}
        for skill in band.core_skills:
            if skill not in have:
                err(band.id, None, f"no prompt teaches the skill {skill.value!r}")
        for p in prompts:
            if "{" in p.say:
                err(band.id, p.id, "try-saying is spoken to the child; it can't hold a {child} placeholder")
            grade = fk_grade(f"{p.do} {p.say}")
            if grade > MAX_GRADE:
                err(band.id, p.id, f"reading level is grade {grade:.1f}; keep it at {MAX_GRADE:.0f} or below")
            for nick in (None, LONG_NICKNAME):
                rendered = prompt_text(p, nick, status="✅ <b>You tried this</b> · 😊 Went well")
                if len(rendered) > TELEGRAM_TEXT_LIMIT:
                    err(band.id, p.id, f"rendered message is {len(rendered)} characters, over Telegram's limit")
        words = [(p, _words(f"{p.do} {p.say}")) for p in prompts]
        for (a, wa), (b, wb) in itertools.combinations(words, 2):
            overlap = len(wa & wb) / max(1, len(wa | wb))
            if overlap >= MAX_OVERLAP:
                err(band.id, b.id, f"near-duplicate of {a.id} ({overlap:.0%} of words shared)")
    if lib.situations:
        for band in lib.bands:
            for situation in SITUATIONS:
                if (situation, band.id) not in lib.cards:
                    errors.append(ContentError(f"content/cards/en/{band.id}.yaml", None, f"no card for {situation!r}"))
    return errors


def run_check(content_dir: Path | None = None) -> Report:
    try:
        lib = load_library(content_dir)
    except ContentInvalid as exc:
        return Report(exc.errors, None)
    try:
        load_tips(content_dir)
        tip_errors: list[ContentError] = []
    except ContentInvalid as exc:
        tip_errors = exc.errors
    return Report(quality_errors(lib) + tip_errors, lib)


def table(lib: Library) -> str:
    skills = list(Skill)
    head = ["band".ljust(10)] + [s.value[:9].rjust(9) for s in skills] + ["total".rjust(7)]
    lines = [" ".join(head)]
    for band in lib.bands:
        counts = Counter(p.skill for p in lib.by_band.get(band.id, []))
        row = [band.id.ljust(10)] + [str(counts.get(s, 0)).rjust(9) for s in skills]
        row.append(str(sum(counts.values())).rjust(7))
        lines.append(" ".join(row))
    total = sum(len(v) for v in lib.by_band.values())
    lines.append(f"{len(lib.prompts)} prompts in all ({total} by band); {len(lib.cards)} help cards")
    return "\n".join(lines)
