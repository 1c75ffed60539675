"""`python -m bot content check`: everything start-up validates, plus the quality bar for the library.

The per-prompt rules are in bot.content_rules; this module adds the band minimums from bands.yaml, the
locale comparison, and the automatic part of the review sheet (content/REVIEW.md).
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.content import (
    DEFAULT_CONTENT_DIR,
    SITUATIONS,
    TELEGRAM_TEXT_LIMIT,
    Band,
    ContentError,
    ContentInvalid,
    Empathy,
    Library,
    Prompt,
    Skill,
    load_library,
    load_prompts,
)
from bot.content_rules import prompt_problems
from bot.i18n.check import catalog_errors, coverage
from bot.readability import Scale, scale_for
from bot.render import prompt_text
from bot.tips import load_tips

REFERENCE_LOCALE = "en"
MAX_OVERLAP = 0.5  # word-set Jaccard of what-to-do + try-saying
LONG_NICKNAME = "W" * 32  # the longest nickname a family can set
WORD_RE = re.compile(r"[a-z']+")
# Issue 12's goals; bands.yaml holds what is enforced today and rises to these as prompts land.
GOALS = {"scheduled": 156, "per_age": 156, "per_skill": 12, "calm_repair": 20}
# What a translation must keep: everything that decides who gets a prompt and when.
SAME_IN_EVERY_LOCALE = ("skill", "situation", "level", "min_age", "max_age", "strategy", "empathy", "minutes", "anchor")


@dataclass
class Report:
    errors: list[ContentError]
    library: Library | None
    others: dict[str, dict[str, Prompt]] = field(default_factory=dict)  # every other locale's prompts by id
    coverage: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class BandFigures:
    """The counts a band's minimums are checked against, over its scheduled prompts."""

    scheduled: int
    situation: int
    per_age: dict[int, int]  # whole years of age -> scheduled prompts that fit
    per_skill: dict[Skill, int]
    calm_repair: int
    strategy_share: float
    age_ranged_share: float

    @property
    def fewest_per_age(self) -> int:
        return min(self.per_age.values(), default=0)

    @property
    def fewest_per_skill(self) -> int:
        return min(self.per_skill.values(), default=0)


def _words(text: str) -> set[str]:
    return set(WORD_RE.findall(text.lower()))


def figures(band: Band, prompts: list[Prompt]) -> BandFigures:
    scheduled = [p for p in prompts if p.situation is None]
    n = max(1, len(scheduled))
    per_age = {
        years: sum(1 for p in scheduled if any(p.fits_age(years * 12 + m) for m in range(12)))
        for years in range(band.min_years, band.max_years + 1)
    }
    skills = Counter(p.skill for p in scheduled)
    return BandFigures(
        scheduled=len(scheduled),
        situation=len(prompts) - len(scheduled),
        per_age=per_age,
        per_skill={s: skills.get(s, 0) for s in (band.core_skills or tuple(Skill))},
        calm_repair=skills.get(Skill.calm, 0) + skills.get(Skill.repair, 0),
        strategy_share=sum(p.strategy for p in scheduled) / n,
        age_ranged_share=sum(p.age_ranged for p in scheduled) / n,
    )


def band_errors(band: Band, prompts: list[Prompt]) -> list[str]:
    f, least = figures(band, prompts), band.minimums
    out = []
    if f.scheduled < least.scheduled:
        out.append(f"band has {f.scheduled} scheduled prompts; at least {least.scheduled} needed")
    for years, count in f.per_age.items():
        if count < least.per_age:
            out.append(f"{count} scheduled prompts fit a child of {years}; at least {least.per_age} needed")
    for skill, count in f.per_skill.items():
        if count == 0:
            out.append(f"no prompt teaches the skill {skill.value!r}")
        elif count < least.per_skill:
            out.append(f"{count} scheduled prompts teach {skill.value!r}; at least {least.per_skill} needed")
    if f.calm_repair < least.calm_repair:
        out.append(f"{f.calm_repair} scheduled calm + repair prompts; at least {least.calm_repair} needed")
    if f.strategy_share < least.strategy_share:
        out.append(
            f"{f.strategy_share:.0%} of scheduled prompts use the band's strategy ({band.strategy}); "
            f"at least {least.strategy_share:.0%} needed"
        )
    if f.age_ranged_share < least.age_ranged_share:
        out.append(
            f"{f.age_ranged_share:.0%} of scheduled prompts carry an age range; "
            f"at least {least.age_ranged_share:.0%} needed"
        )
    return out


def quality_errors(lib: Library) -> list[ContentError]:
    errors: list[ContentError] = []

    def err(band: str, pid: str | None, msg: str) -> None:
        errors.append(ContentError(f"content/prompts/en/{band}.yaml", pid, msg))

    for band in lib.bands:
        prompts = lib.by_band.get(band.id, [])
        for msg in band_errors(band, prompts):
            err(band.id, None, msg)
        for p in prompts:
            for msg in prompt_problems(p, lib.locale):
                err(band.id, p.id, msg)
            if p.strategy and band.strategy is None:
                err(band.id, p.id, "strategy: true, but the band names no strategy in bands.yaml")
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


def load_other_locales(root: Path, lib: Library, errors: list[ContentError]) -> dict[str, dict[str, Prompt]]:
    folders = sorted(d for d in (root / "prompts").iterdir() if d.is_dir() and d.name != REFERENCE_LOCALE)
    return {folder.name: load_prompts(root, folder.name, lib.bands, errors)[0] for folder in folders}


def locale_errors(root: Path, lib: Library, others: dict[str, dict[str, Prompt]] | None = None) -> list[ContentError]:
    """Every other locale's prompts, loaded with the same schema, checked with that locale's per-prompt rules
    (content_rules), and compared with English id by id."""
    errors: list[ContentError] = []
    if others is None:
        others = load_other_locales(root, lib, errors)
    for locale, other in others.items():
        where = f"content/prompts/{locale}"
        for translated in other.values():
            errors += [ContentError(where, translated.id, msg) for msg in prompt_problems(translated, locale)]
        for pid, p in lib.prompts.items():
            q = other.get(pid)
            if q is None:
                errors.append(ContentError(where, pid, f"missing in locale {locale}"))
                continue
            for name in ("band", *SAME_IN_EVERY_LOCALE):
                if getattr(p, name) != getattr(q, name):
                    errors.append(ContentError(where, pid, f"{name} differs from English"))
        for pid in sorted(set(other) - set(lib.prompts)):
            errors.append(ContentError(where, pid, f"only in locale {locale}, not in English"))
    return errors


def run_check(content_dir: Path | None = None) -> Report:
    root = (content_dir or DEFAULT_CONTENT_DIR).resolve()
    try:
        lib = load_library(root)
    except ContentInvalid as exc:
        return Report(exc.errors, None)
    tip_errors: list[ContentError] = []
    for path in sorted((root / "tips").glob("*.yaml")):
        try:
            load_tips(root, path.stem)
        except ContentInvalid as exc:
            tip_errors += exc.errors
    load_errors: list[ContentError] = []
    others = load_other_locales(root, lib, load_errors)
    text_errors, found = catalog_errors(root, lib)
    errors = quality_errors(lib) + load_errors + locale_errors(root, lib, others) + tip_errors + text_errors
    return Report(errors, lib, others, coverage(root, found, lib))


def _goal(value: int, least: int, goal: int) -> str:
    mark = "" if value >= goal else "  below goal"
    return f"{value:>5}   min {least:<4} goal {goal}{mark}"


def _share(value: float, least: float) -> str:
    return f"{value:>5.0%}   min {least:.0%}"


def review_sheet(band: Band, prompts: list[Prompt], locale: str = REFERENCE_LOCALE) -> str:
    """The automatic part of content/REVIEW.md for one band."""
    f, least = figures(band, prompts), band.minimums
    scheduled = [p for p in prompts if p.situation is None]
    empathy = Counter(p.empathy for p in scheduled)
    levels = Counter(p.level for p in scheduled)
    situations = Counter(p.situation for p in prompts if p.situation)
    ages = " · ".join(f"{y}: {n}" for y, n in f.per_age.items())
    rows = [
        f"== {band.id} ({band.min_years}-{band.max_years} years): strategy {band.strategy or '-'} ==",
        f"  scheduled prompts        {_goal(f.scheduled, least.scheduled, GOALS['scheduled'])}",
        f"  fewest for one age       {_goal(f.fewest_per_age, least.per_age, GOALS['per_age'])}",
        f"  fewest for one skill     {_goal(f.fewest_per_skill, least.per_skill, GOALS['per_skill'])}",
        f"  calm + repair            {_goal(f.calm_repair, least.calm_repair, GOALS['calm_repair'])}",
        f"  band strategy share      {_share(f.strategy_share, least.strategy_share)}",
        f"  age-ranged share         {_share(f.age_ranged_share, least.age_ranged_share)}",
        f"  situation prompts        {f.situation:>5}   "
        + " · ".join(f"{s}: {situations[s]}" for s in SITUATIONS if situations[s]),
        f"  by age (years: prompts)  {ages}",
        "  empathy                  " + " · ".join(f"{e.value}: {empathy.get(e, 0)}" for e in Empathy),
        "  levels                   " + " · ".join(f"{n}: {levels.get(n, 0)}" for n in (1, 2, 3)),
    ]
    scale = scale_for(locale)
    if scale is not None:
        rows += [
            f"  reading do + say         {_reading(scale, [f'{p.do} {p.say}' for p in prompts])}",
            f"  reading why              {_reading(scale, [p.why for p in prompts])}",
        ]
    return "\n".join(rows)


def _reading(scale: Scale, texts: list[str]) -> str:
    """Median and hardest value of a locale's reading formula, e.g. 'Flesch-Kincaid grade: median 1.1, ...'."""
    values = [scale.measure(t) for t in texts] or [0.0]
    hardest = min(values) if scale.higher_is_easier else max(values)
    limit = f"{'min' if scale.higher_is_easier else 'max'} {scale.limit:.0f}"
    return f"{scale.name}: median {statistics.median(values):.1f}, hardest {hardest:.1f} ({limit})"


def locale_sheet(lib: Library, others: dict[str, dict[str, Prompt]]) -> str:
    """Per locale: prompts present against the reference, problems the per-prompt rules find, reading figures."""
    lines = ["== locales =="]
    for locale, prompts in {lib.locale: lib.prompts, **others}.items():
        shared = len(set(prompts) & set(lib.prompts))
        flagged = sum(1 for p in prompts.values() if prompt_problems(p, locale))
        lines.append(
            f"  {locale:<4} prompts {len(prompts):>4}   {shared}/{len(lib.prompts)} of {lib.locale} "
            f"({shared / max(1, len(lib.prompts)):.0%})   with problems {flagged}"
        )
        scale = scale_for(locale)
        if scale is None:
            lines.append("       no reading formula for this language (content/README.md, rule 3)")
            continue
        lines.append(f"       do + say  {_reading(scale, [f'{p.do} {p.say}' for p in prompts.values()])}")
        lines.append(f"       why       {_reading(scale, [p.why for p in prompts.values()])}")
    return "\n".join(lines)


def table(lib: Library, others: dict[str, dict[str, Prompt]] | None = None) -> str:
    """Prompts per band and skill (scheduled + situation), each band's review sheet, then per-locale figures."""
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
    for band in lib.bands:
        lines += ["", review_sheet(band, lib.by_band.get(band.id, []), lib.locale)]
    return "\n".join([*lines, "", locale_sheet(lib, others or {})])
