"""The screen measured on the labelled corpus in ``tests/data/screen/<locale>/``.

Every locale folder that exists is measured; a missing file is skipped. Kinds of file (by name):
``crisis`` (category -> phrasings, each must be a crisis; ``fear_of_harming_child`` ones must also get the
immediate step), ``everyday`` (category -> messages that must not be a crisis), ``distress`` (category ->
phrasings that must get the distress reply) and ``hard_moments`` (a list of ``{text, situation}``; right when
the first situation found is expected, or, when ``parent_anger`` is expected, when it gets the distress reply).

The table is printed with ``-s`` and at the end of every run. Failing sentences are printed to help whoever
edits the rules, except from files whose name starts with ``heldout`` (so a held-out set stays unseen).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from bot.content import DEFAULT_CONTENT_DIR, CardsFile, ContentInvalid, SafetyFile, Situation, load_library
from bot.domain.screen import FEAR_FOR_CHILD, Screener
from bot.domain.screen.learned import load, model_path

DATA = Path(__file__).resolve().parent.parent / "data" / "screen"
KINDS = ("crisis", "everyday", "distress", "hard_moments")
# Thresholds on the in-repo corpus: regression guards a little under today's figures. Since 2026-12-07 it holds
# 34 more sets (en 10-31, es 6-27), each in a style the rules were never written for (slang, no accents,
# voice-to-text, jokes and hyperbole, things described rather than named, terse, indirect, buried in long
# messages, second-language): false alarms sit above the held-out target (2%; the plain rules fire on jokes
# and first-aid talk the veto does not catch), and Spanish hard moments under 95%, not well inside the targets
# as the issue asks. See tests/data/screen_unseen/README.md for the held-out figures.
MIN_RECALL = 0.955
MAX_FALSE_ALARMS = 0.025
MIN_DISTRESS = 0.95
MIN_FEAR_STEP = 0.93
MIN_HARD = 0.94
NO_ALARM = "everyday, no alarm"  # false alarm rate = 1 - this


@dataclass
class Tally:
    hit: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, text: str, hidden: bool) -> None:
        self.total += 1
        self.hit += ok
        if not ok and not hidden:
            self.misses.append(text)

    @property
    def rate(self) -> float:
        return self.hit / self.total if self.total else 1.0


@dataclass
class Report:
    locale: str
    # metric -> category -> tally
    metrics: dict[str, dict[str, Tally]] = field(default_factory=dict)

    def tally(self, metric: str, category: str) -> Tally:
        return self.metrics.setdefault(metric, {}).setdefault(category, Tally())

    def total(self, metric: str) -> Tally:
        out = Tally()
        for t in self.metrics.get(metric, {}).values():
            out.hit += t.hit
            out.total += t.total
        return out


def _files(folder: Path) -> Iterator[tuple[str, Path, bool]]:
    for path in sorted(folder.rglob("*.yaml")):
        rel = path.relative_to(folder)
        hidden = any(part.startswith("heldout") for part in rel.parts)
        kind = next((k for k in KINDS if k in path.stem), None)
        if kind is not None:
            yield kind, path, hidden


def _screener(content: Path, locale: str) -> tuple[Screener, bool]:
    """The locale's screen, and whether it knows the situations (needed to measure hard moments)."""
    try:
        library = load_library(content, locale=locale)
    except ContentInvalid as exc:
        # A locale whose prompts are still being written: its screen is measured from the safety file and the
        # situation keywords alone (any other content error still fails).
        prompts = f"content/prompts/{locale}"
        if not all(e.file.startswith(prompts) for e in exc.errors):
            raise
        raw = yaml.safe_load((content / "safety" / f"{locale}.yaml").read_text(encoding="utf-8"))
        situations: list[Situation] = []
        lexicon: dict[str, tuple[str, ...]] = {}
        for path in sorted((content / "cards" / locale).glob("*.yaml")):
            cards = CardsFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
            situations.extend(cards.situations)
            for name, entries in cards.lexicon.items():
                lexicon[name] = lexicon.get(name, ()) + entries
        screener = Screener(SafetyFile.model_validate(raw), situations, lexicon)
        screener.learned = load(model_path(content, locale))  # the learned tier, as load_library attaches it
        return screener, bool(situations)
    assert library.screener is not None
    return library.screener, True  # with its learned tier, when the locale has one


def _metric(name: str, hidden: bool) -> str:
    """Held-out sets are reported on their own and kept out of the thresholds: they measure how the screen
    does on phrasings nobody tuned it to, which is the figure the project's goals are about."""
    return f"{name} [held-out]" if hidden else name


def _measure(locale: str, folder: Path) -> Report:
    # SCREEN_CONTENT_DIR lets whoever edits the rules measure a copy of content/ without touching the repo.
    content = os.environ.get("SCREEN_CONTENT_DIR")
    screener, with_situations = _screener(Path(content) if content else DEFAULT_CONTENT_DIR, locale)
    report = Report(locale)
    for kind, path, hidden in _files(folder):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if kind == "hard_moments":
            if not with_situations:
                continue
            for item in data:
                expected = item["situation"]
                expected = [expected] if isinstance(expected, str) else list(expected)
                result = screener.screen(item["text"])
                ok = bool(result.situations) and result.situations[0] in expected
                ok = ok or ("parent_anger" in expected and result.level == "distress")
                report.tally(_metric("hard moments matched", hidden), expected[0]).add(ok, item["text"], hidden)
            continue
        for category, texts in data.items():
            for text in texts:
                result = screener.screen(text)
                if kind == "crisis":
                    report.tally(_metric("crisis recall", hidden), category).add(result.crisis, text, hidden)
                    if category == FEAR_FOR_CHILD:
                        report.tally(_metric("fear step given", hidden), category).add(
                            result.fear_for_child, text, hidden
                        )
                elif kind == "everyday":
                    report.tally(_metric(NO_ALARM, hidden), category).add(not result.crisis, text, hidden)
                else:
                    report.tally(_metric("distress cared for", hidden), category).add(
                        result.level == "distress", text, hidden
                    )
    return report


def _render(report: Report) -> str:
    lines = [f"\n=== screen corpus: {report.locale} ==="]
    for metric, cats in report.metrics.items():
        total = report.total(metric)
        lines.append(f"{metric:<22} {total.rate:7.1%}  ({total.hit}/{total.total})")
        for cat, t in sorted(cats.items()):
            lines.append(f"    {cat:<26} {t.rate:7.1%}  ({t.hit}/{t.total})")
    for metric, cats in report.metrics.items():
        for cat, t in sorted(cats.items()):
            wrong = "alarm" if metric == NO_ALARM else "miss"
            lines.extend(f"  {wrong} [{metric} / {cat}] {text}" for text in t.misses)
    return "\n".join(lines)


LOCALES = sorted(p.name for p in DATA.iterdir() if p.is_dir()) if DATA.is_dir() else []


@pytest.fixture(scope="module", params=LOCALES)
def report(request: pytest.FixtureRequest) -> Report:
    locale: str = request.param
    content = Path(os.environ.get("SCREEN_CONTENT_DIR") or DEFAULT_CONTENT_DIR)
    if not (content / "safety" / f"{locale}.yaml").is_file():
        pytest.skip(f"no content/safety/{locale}.yaml yet")
    rep = _measure(locale, DATA / locale)
    text = _render(rep)
    capman = request.config.pluginmanager.getplugin("capturemanager")
    if capman is not None:
        with capman.global_and_fixture_disabled():
            print(text)
    else:  # pragma: no cover - capture disabled
        print(text)
    return rep


def test_corpus_present() -> None:
    assert LOCALES, f"no corpus under {DATA}"


def test_crisis_recall(report: Report) -> None:
    total = report.total("crisis recall")
    if not total.total:
        pytest.skip("no crisis file")
    assert total.rate >= MIN_RECALL
    fear = report.total("fear step given")
    if fear.total:
        assert fear.rate >= MIN_FEAR_STEP


def test_false_alarms(report: Report) -> None:
    total = report.total(NO_ALARM)
    if not total.total:
        pytest.skip("no everyday file")
    assert 1 - total.rate <= MAX_FALSE_ALARMS


def test_distress_cared_for(report: Report) -> None:
    total = report.total("distress cared for")
    if not total.total:
        pytest.skip("no distress file")
    assert total.rate >= MIN_DISTRESS


def test_hard_moments_matched(report: Report) -> None:
    total = report.total("hard moments matched")
    if not total.total:
        pytest.skip("no hard moments file")
    assert total.rate >= MIN_HARD
