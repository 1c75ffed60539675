"""Proximity rules over word-class hits: "all of these classes within N words", with negation and exclusions."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.domain.screen.normalize import Token
from bot.domain.screen.patterns import ClassHits

__all__ = ["BRIDGE", "NEGATION", "Hits", "Rule", "span_list", "spans", "tight_negated"]

NEGATION = "negation"
# Words that may stand between a negator and a strong signal it cancels ("not GOING TO kill myself").
BRIDGE = "negation_bridge"

# class name -> sorted (start, end) spans
Hits = dict[str, list[tuple[int, int]]]
# Whether a candidate match (the spans of its words) counts
_Check = Callable[[list[tuple[int, int]], Sequence[Token], Hits], bool]


def span_list(by_start: dict[int, list[int]] | None) -> list[tuple[int, int]]:
    """One class's hits as sorted ``(start, end)`` spans."""
    if not by_start:
        return []
    return sorted([(s, e) for s, ends in by_start.items() for e in ends])


def spans(hits: ClassHits) -> Hits:
    return {name: span_list(by_start) for name, by_start in hits.items()}


def _nearest(options: list[tuple[int, int]], start: int) -> tuple[int, int]:
    """The span in a start-sorted list whose start is closest to ``start``."""
    i = bisect_left(options, (start, -1))
    if i == 0:
        return options[0]
    if i == len(options):
        return options[-1]
    before, after = options[i - 1], options[i]
    return before if start - before[0] <= after[0] - start else after


def tight_negated(pos: int, tokens: Sequence[Token], hits: Hits, reach: int) -> bool:
    """A negator just before ``pos``: in the same clause, with at most ``reach`` words between, all of them
    of the class ``negation_bridge`` ("I would never hurt", "not going to kill", "don't want to die")."""
    negators = {e for _s, e in hits.get(NEGATION, ())}
    if not negators:
        return False
    bridges: dict[int, int] = {}
    for s, e in hits.get(BRIDGE, ()):
        bridges[e] = min(s, bridges.get(e, s))
    i, gap = pos, 0
    while i > 0:
        before = tokens[i - 1]
        if before.brk or before.clause:
            return False
        if i in negators:
            return True
        bridge_start = bridges.get(i)
        if bridge_start is None:
            return False
        gap += i - bridge_start
        if gap > reach:
            return False
        i = bridge_start
    return False


@dataclass(frozen=True, slots=True)
class Rule:
    classes: tuple[str, ...]
    within: int
    ordered: bool
    block_negation: bool
    unless: tuple[str, ...]
    reach: int  # how far before the match a negator still blocks it
    one_sentence: bool = False  # the match may not reach across a sentence end
    tight: bool = False  # a strong signal: only a negator right before one of its words cancels it
    unless_reach: int = 0  # words either side of the match an ``unless`` class is looked for (0: the sentence)

    def reads(self) -> frozenset[str]:
        """Every class :meth:`test` looks at."""
        negation = (NEGATION, BRIDGE) if self.tight else (NEGATION,) if self.block_negation else ()
        return frozenset((*self.classes, *self.unless, *negation))

    def _negated(self, parts: list[tuple[int, int]], tokens: Sequence[Token], hits: Hits) -> bool:
        """A negator within ``reach`` words before one of the match's words, in the same clause (a comma,
        "but" or a sentence end stops it), and not inside the match's own words (as in "never wake up")."""
        negators = hits.get(NEGATION, ())
        if not negators:
            return False
        for ps, _pe in parts:
            lo = ps
            while lo > 0 and ps - lo < self.reach and not tokens[lo - 1].brk and not tokens[lo - 1].clause:
                lo -= 1
            for s, _e in negators:
                if lo <= s < ps and not any(qs <= s < qe for qs, qe in parts):
                    return True
        return False

    def _clear(self, parts: list[tuple[int, int]], tokens: Sequence[Token], hits: Hits) -> bool:
        """Not negated, and no ``unless`` class near the match in its sentence(s)."""
        start, end = min(s for s, _e in parts), max(e for _s, e in parts)
        if self.one_sentence and any(t.brk for t in tokens[start:end]):
            return False
        if self.tight:
            return not any(tight_negated(ps, tokens, hits, self.reach) for ps, _pe in parts)
        if self.block_negation and self._negated(parts, tokens, hits):
            return False
        if self.unless:
            lo, hi = start, end
            floor = max(0, start - self.unless_reach) if self.unless_reach else 0
            ceiling = min(len(tokens), end + self.unless_reach) if self.unless_reach else len(tokens)
            while lo > floor and not tokens[lo - 1].brk:
                lo -= 1
            while hi < ceiling and not tokens[hi].brk:
                hi += 1
            for name in self.unless:
                if any(lo <= s < hi for s, _e in hits.get(name, ())):
                    return False
        return True

    def _cancelled(self, parts: list[tuple[int, int]], tokens: Sequence[Token], hits: Hits, reach: int) -> bool:
        """A match in one sentence that a tight negation cancels (see :meth:`negated`)."""
        if self.one_sentence and any(t.brk for t in tokens[min(s for s, _e in parts) : max(e for _s, e in parts)]):
            return False
        return any(tight_negated(ps, tokens, hits, reach) for ps, _pe in parts)

    def _ordered(self, found: list[list[tuple[int, int]]], tokens: Sequence[Token], hits: Hits, clear: _Check) -> bool:
        for first in found[0]:
            parts = [first]
            for later in found[1:]:
                nxt = next((se for se in later if se[0] >= parts[-1][1]), None)
                if nxt is None:
                    break
                parts.append(nxt)
            else:
                if parts[-1][1] - first[0] <= self.within and clear(parts, tokens, hits):
                    return True
        return False

    def _unordered(
        self, found: list[list[tuple[int, int]]], tokens: Sequence[Token], hits: Hits, clear: _Check
    ) -> bool:
        anchor = min(range(len(found)), key=lambda i: len(found[i]))
        for a_start, a_end in found[anchor]:
            parts = [(a_start, a_end)]
            for i, options in enumerate(found):
                if i != anchor:
                    parts.append(_nearest(options, a_start))
            lo, hi = min(s for s, _e in parts), max(e for _s, e in parts)
            if hi - lo <= self.within and clear(parts, tokens, hits):
                return True
        return False

    def test(self, tokens: Sequence[Token], hits: Hits) -> bool:
        return self._search(tokens, hits, self._clear)

    def matches(self, tokens: Sequence[Token], hits: Hits) -> list[tuple[int, int]]:
        """The ``(start, end)`` of every match :meth:`test` could find (it stops at the first)."""
        found: list[tuple[int, int]] = []

        def record(parts: list[tuple[int, int]], toks: Sequence[Token], h: Hits) -> bool:
            if self._clear(parts, toks, h):
                found.append((min(s for s, _e in parts), max(e for _s, e in parts)))
            return False  # keep looking

        self._search(tokens, hits, record)
        return found

    def negated(self, tokens: Sequence[Token], hits: Hits, reach: int) -> bool:
        """Whether the rule's words are there but a tight negation (a negator with at most ``reach`` bridge
        words before one of them, in its clause) cancels them: "I would never hurt my baby". ``hits`` must
        hold the negation and bridge classes."""
        return self._search(tokens, hits, lambda parts, toks, h: self._cancelled(parts, toks, h, reach))

    def _search(self, tokens: Sequence[Token], hits: Hits, clear: _Check) -> bool:
        found = [hits.get(name) for name in self.classes]
        if not all(found):
            return False
        lists = [f for f in found if f]
        if self.ordered:
            return self._ordered(lists, tokens, hits, clear)
        return self._unordered(lists, tokens, hits, clear)
