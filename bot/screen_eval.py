"""Leave-one-set-out figures for the screen's learned tier (`python -m bot content train-screen --evaluate`):
each set left out in turn, rules alone vs rules + model on it, the corpus test's measures."""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from bot.domain.screen import FEAR_FOR_CHILD, Screener
from bot.domain.screen.learned import LearnedScreen
from bot.screen_train import Sample, Trainer


@dataclass
class Figures:
    crisis: list[int]
    fear: list[int]
    alarms: list[int]
    distress: list[int]
    hard: list[int]

    @staticmethod
    def empty() -> Figures:
        return Figures([0, 0], [0, 0], [0, 0], [0, 0], [0, 0])

    def add(self, other: Figures) -> None:
        for mine, theirs in zip(self.rows(), other.rows(), strict=True):
            mine[0] += theirs[0]
            mine[1] += theirs[1]

    def rows(self) -> list[list[int]]:
        return [self.crisis, self.fear, self.alarms, self.distress, self.hard]


def measure(screener: Screener, samples: Sequence[Sample]) -> Figures:
    """The corpus test's figures (tests/unit/test_screen_corpus.py) for ``samples``."""
    out = Figures.empty()
    for s in samples:
        r = screener.screen(s.text)
        if s.kind == "crisis":
            out.crisis[0] += r.crisis
            out.crisis[1] += 1
            if s.category == FEAR_FOR_CHILD:
                out.fear[0] += r.fear_for_child
                out.fear[1] += 1
        elif s.kind == "everyday":
            out.alarms[0] += r.crisis
            out.alarms[1] += 1
        elif s.kind == "distress":
            out.distress[0] += r.level == "distress"
            out.distress[1] += 1
        else:
            ok = bool(r.situations) and r.situations[0] in s.accepted
            out.hard[0] += ok or ("parent_anger" in s.accepted and r.level == "distress")
            out.hard[1] += 1
    return out


def _pct(pair: Sequence[int]) -> str:
    return f"{pair[0] / pair[1]:6.1%}" if pair[1] else "     -"


def evaluate_table(
    screener: Screener, trainer: Trainer, only: AbstractSet[str] = frozenset(), quick: bool = False
) -> list[str]:
    """Each set (or fold) left out in turn (those in ``only`` when given): rules alone vs rules + model."""
    head = "| left out | n | crisis recall | false alarms | distress | hard moments | fear step |"
    lines = [head, "|---|---|---|---|---|---|---|"]
    totals = {"rules": Figures.empty(), "+model": Figures.empty(), "+model, idioms ignored": Figures.empty()}
    saved = screener.learned
    try:
        for g in trainer.groups:
            if only and g not in only:
                continue
            test = [trainer.samples[i] for i in trainer.rows({g}, inside=True)]
            raw = trainer.model(frozenset({g}), quick=quick)
            for label, model in (
                ("rules", None),
                ("+model", LearnedScreen(raw)),
                ("+model, idioms ignored", LearnedScreen({**raw, "idioms_stop_crisis": False})),
            ):
                screener.learned = model
                fig = measure(screener, test)
                totals[label].add(fig)
                lines.append(f"| {g} {label} | {len(test)} | " + " | ".join(_row(fig)) + " |")
    finally:
        screener.learned = saved
    for label, fig in totals.items():
        n = fig.crisis[1] + fig.alarms[1] + fig.distress[1] + fig.hard[1]
        lines.append(f"| all {label} | {n} | " + " | ".join(_row(fig)) + " |")
    return lines


def _row(fig: Figures) -> list[str]:
    return [_pct(fig.crisis), _pct(fig.alarms), _pct(fig.distress), _pct(fig.hard), _pct(fig.fear)]
