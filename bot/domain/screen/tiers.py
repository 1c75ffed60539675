"""The screen's rule tiers (crisis categories, distress kinds, strong signals) as compiled for matching, and the
word-class includes they are built from."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from bot.domain.screen.patterns import PatternSet
from bot.domain.screen.rules import Rule

__all__ = ["ScreenConfigError", "Tier", "TierCategory", "expand"]


class ScreenConfigError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class TierCategory:
    id: str
    rules: tuple[Rule, ...]


class Tier:
    """Crisis categories or distress kinds, with their rules indexed so that a message tests only the rules
    whose classes it has."""

    def __init__(self, cats: list[TierCategory], phrases: PatternSet, breadth: Mapping[str, int]) -> None:
        self.cats = cats
        self.phrases = phrases
        self.phrase_classes = frozenset(phrases.classes_used())
        # Each rule is filed under its narrowest class (fewest entries), which most messages lack.
        self._by_key: dict[str, list[tuple[int, frozenset[str], frozenset[str], Rule]]] = {}
        for i, cat in enumerate(cats):
            for rule in cat.rules:
                key = min(rule.classes, key=lambda name: (breadth.get(name, 0), name))
                self._by_key.setdefault(key, []).append((i, frozenset(rule.classes), rule.reads(), rule))
        self._keys = frozenset(self._by_key)

    def candidates(self, present: AbstractSet[str]) -> list[tuple[int, frozenset[str], Rule]]:
        """The rules all of whose classes are in ``present``, with what each reads (in no fixed order)."""
        by_key = self._by_key
        return [
            (i, reads, rule)
            for key in self._keys & present
            for i, needs, reads, rule in by_key[key]
            if needs <= present
        ]


def expand(name: str, lexicon: Mapping[str, tuple[str, ...]], seen: tuple[str, ...] = ()) -> list[str]:
    """A class's entries with whole-entry ``<other>`` includes resolved."""
    if name in seen:
        raise ScreenConfigError(f"word class {name!r} includes itself ({' -> '.join((*seen, name))})")
    if name not in lexicon:
        raise ScreenConfigError(f"unknown word class <{name}> in {seen[-1] if seen else 'a pattern'}")
    out: list[str] = []
    for entry in lexicon[name]:
        e = entry.strip()
        if e.startswith("<") and e.endswith(">") and " " not in e:
            out.extend(expand(e[1:-1], lexicon, (*seen, name)))
        else:
            out.append(e)
    return out
