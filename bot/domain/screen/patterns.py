"""Word patterns (see ``content/safety/README-format.md``) compiled into an index and matched over tokens.

A pattern is a sequence of elements: a literal word (matched against every form of a token: surface,
squeezed, corrected, lemma), a prefix (``suicid*``), one wildcard word (``*``) or a word class
(``<child>``), whose hits are computed beforehand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.domain.screen.normalize import Token

__all__ = ["ClassHits", "Elem", "PatternError", "PatternSet", "parse_pattern"]

# class name -> start position -> end positions
ClassHits = dict[str, dict[int, list[int]]]


class PatternError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Elem:
    kind: str  # "w" literal word, "p" prefix, "*" any one word, "c" word class
    text: str = ""

    def matches(self, forms: tuple[str, ...]) -> bool:
        if self.kind == "w":
            return self.text in forms
        if self.kind == "p":
            return any(f.startswith(self.text) for f in forms)
        return self.kind == "*" and forms[0] != ","  # one word, never a comma


def parse_pattern(pattern: str, words: Callable[[str], list[str]]) -> list[tuple[Elem, ...]]:
    """The element sequences a pattern stands for: itself and, for plain words, the words run together."""
    elems: list[Elem] = []
    for raw in pattern.split():
        if raw == "*":
            elems.append(Elem("*"))
        elif raw.startswith("<") and raw.endswith(">") and len(raw) > 2:
            elems.append(Elem("c", raw[1:-1]))
        else:
            prefix = raw.endswith("*")
            parts = words(raw.rstrip("*"))
            if not parts:
                continue
            elems.extend(Elem("w", p) for p in parts[:-1])
            elems.append(Elem("p" if prefix else "w", parts[-1]))
    if not elems:
        raise PatternError(f"pattern {pattern!r} has no words")
    if elems[0].kind == "*" or elems[-1].kind == "*":
        raise PatternError(f"pattern {pattern!r} can't start or end with *")
    if any(e.kind == "p" and len(e.text) < 3 for e in elems):
        raise PatternError(f"pattern {pattern!r}: a prefix needs at least 3 letters")
    out = [tuple(elems)]
    if len(elems) > 1 and all(e.kind == "w" for e in elems[:-1]) and elems[-1].kind in "wp":
        out.append((Elem(elems[-1].kind, "".join(e.text for e in elems)),))
    return out


def _barrier(token: Token) -> bool:
    return not token.forms


class PatternSet:
    """Many patterns, each with an owner index, found in a token list.

    Patterns are indexed by their first element, so a lookup costs a few dict probes per token however many
    patterns there are. ``gap`` lets up to that many other words stand between two elements (situation
    keywords); a sentence end or a cut idiom always stops a pattern.
    """

    def __init__(self, patterns: Iterable[tuple[int, tuple[Elem, ...]]], gap: int = 0) -> None:
        self.gap = gap
        self._exact: dict[str, list[tuple[int, tuple[Elem, ...]]]] = {}
        # Patterns starting with two plain words are indexed by the pair: most multiword entries begin with a
        # common word ("i", "my", "not"), and the pair rules nearly all of them out with one probe.
        self._pairs: dict[tuple[str, str], list[tuple[int, tuple[Elem, ...]]]] = {}
        self._prefix: dict[str, list[tuple[str, int, tuple[Elem, ...]]]] = {}
        self._by_class: dict[str, list[tuple[int, tuple[Elem, ...]]]] = {}
        # Class-first patterns whose second element is a plain word: class -> word -> patterns.
        self._class_pairs: dict[str, dict[str, list[tuple[int, tuple[Elem, ...]]]]] = {}
        for owner, elems in patterns:
            first = elems[0]
            if first.kind == "w" and len(elems) > 1 and elems[1].kind == "w":
                self._pairs.setdefault((first.text, elems[1].text), []).append((owner, elems))
            elif first.kind == "w":
                self._exact.setdefault(first.text, []).append((owner, elems))
            elif first.kind == "p":
                self._prefix.setdefault(first.text[:3], []).append((first.text, owner, elems))
            elif len(elems) > 1 and elems[1].kind == "w":
                self._class_pairs.setdefault(first.text, {}).setdefault(elems[1].text, []).append((owner, elems))
            else:
                self._by_class.setdefault(first.text, []).append((owner, elems))
        self._pair_firsts = frozenset(a for a, _b in self._pairs)
        self._starts = frozenset(self._exact) | self._pair_firsts

    def classes_used(self) -> set[str]:
        return set(self._by_class) | set(self._class_pairs)

    def _rest(self, elems: tuple[Elem, ...], k: int, pos: int, tokens: Sequence[Token], hits: ClassHits) -> int:
        if k == len(elems):
            return pos
        elem = elems[k]
        for p in range(pos, min(pos + self.gap + 1, len(tokens))):
            if _barrier(tokens[p]):
                break
            if elem.kind == "c":
                for end in hits.get(elem.text, {}).get(p, ()):
                    found = self._rest(elems, k + 1, end, tokens, hits)
                    if found >= 0:
                        return found
            elif elem.matches(tokens[p].forms):
                found = self._rest(elems, k + 1, p + 1, tokens, hits)
                if found >= 0:
                    return found
        return -1

    def find(self, tokens: Sequence[Token], hits: ClassHits | None = None) -> list[tuple[int, int, int]]:
        """Every match as ``(owner, start, end)``, in no particular order; one per owner, start and end."""
        hits = hits or {}
        out: set[tuple[int, int, int]] = set()
        n = len(tokens)
        pairs, exact, starts, pair_firsts = self._pairs, self._exact, self._starts, self._pair_firsts
        prefix = self._prefix
        for start, token in enumerate(tokens):
            forms = token.forms
            if not forms:
                continue
            for form in forms:
                if form in starts:
                    if form in pair_firsts:
                        for nxt in range(start + 1, min(start + 2 + self.gap, n)):
                            following = tokens[nxt].forms
                            if not following:
                                break
                            for second in following:
                                for owner, elems in pairs.get((form, second), ()):
                                    end = nxt + 1 if len(elems) == 2 else self._rest(elems, 2, nxt + 1, tokens, hits)
                                    if end >= 0:
                                        out.add((owner, start, end))
                    for owner, elems in exact.get(form, ()):
                        end = start + 1 if len(elems) == 1 else self._rest(elems, 1, start + 1, tokens, hits)
                        if end >= 0:
                            out.add((owner, start, end))
                if prefix:
                    for stem, owner, elems in prefix.get(form[:3], ()):
                        if form.startswith(stem):
                            end = self._rest(elems, 1, start + 1, tokens, hits)
                            if end >= 0:
                                out.add((owner, start, end))
        for name, by_word in self._class_pairs.items():
            for start, ends in hits.get(name, {}).items():
                for first_end in ends:
                    for nxt in range(first_end, min(first_end + 1 + self.gap, n)):
                        following = tokens[nxt].forms
                        if not following:
                            break
                        for second in following:
                            for owner, elems in by_word.get(second, ()):
                                end = nxt + 1 if len(elems) == 2 else self._rest(elems, 2, nxt + 1, tokens, hits)
                                if end >= 0:
                                    out.add((owner, start, end))
        for name, entries in self._by_class.items():
            for start, ends in hits.get(name, {}).items():
                for first_end in ends:
                    for owner, elems in entries:
                        end = self._rest(elems, 1, first_end, tokens, hits)
                        if end >= 0:
                            out.add((owner, start, end))
        return list(out)
