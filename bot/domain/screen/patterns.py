"""Word patterns (see ``content/safety/README-format.md``) compiled into an index and matched over tokens.

A pattern is a sequence of elements: a literal word (matched against every form of a token: surface,
squeezed, corrected, lemma), a prefix (``suicid*``), one wildcard word (``*``) or a word class
(``<child>``), whose hits are computed beforehand.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from operator import itemgetter

from bot.domain.screen.normalize import Token

__all__ = ["ClassHits", "Elem", "PatternError", "PatternSet", "StartIndex", "parse_pattern"]

# class name -> start position -> end positions
ClassHits = dict[str, dict[int, list[int]]]


class PatternError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Elem:
    kind: str  # "w" literal word, "p" prefix, "*" any one word, "c" word class, "n" not followed by this word
    text: str = ""

    def matches(self, forms: tuple[str, ...]) -> bool:
        if self.kind == "w":
            return self.text in forms
        if self.kind == "p":
            return any(f.startswith(self.text) for f in forms)
        return self.kind == "*" and forms[0] != ","  # one word, never a comma


def parse_pattern(pattern: str, raw_words: Callable[[str], list[str]]) -> list[tuple[Elem, ...]]:
    """The element sequences a pattern stands for: itself and, for plain words, the words run together."""

    def words(text: str) -> list[str]:
        # Interned: the same word stands in many patterns, classes and vocabularies of both locales.
        return [sys.intern(w) for w in raw_words(text)]

    elems: list[Elem] = []
    for raw in pattern.split():
        if raw == "*":
            elems.append(Elem("*"))
        elif raw.startswith("!") and len(raw) > 1:
            # "choke me !up": the next word is not "up" (a message may end there); it takes no word itself.
            parts = words(raw[1:])
            if len(parts) != 1 or not elems:
                raise PatternError(f"pattern {pattern!r}: '!' takes one word and can't start a pattern")
            elems.append(Elem("n", parts[0]))
        elif raw.startswith("<") and raw.endswith(">") and len(raw) > 2:
            elems.append(Elem("c", sys.intern(raw[1:-1])))
        else:
            prefix = raw.endswith("*")
            parts = words(raw.rstrip("*"))
            if not parts:
                continue
            elems.extend(Elem("w", p) for p in parts[:-1])
            elems.append(Elem("p" if prefix else "w", parts[-1]))
    if not elems:
        raise PatternError(f"pattern {pattern!r} has no words")
    if elems[0].kind in "*n" or elems[-1].kind == "*":
        raise PatternError(f"pattern {pattern!r} can't start or end with *")
    if any(e.kind == "p" and len(e.text) < 3 for e in elems):
        raise PatternError(f"pattern {pattern!r}: a prefix needs at least 3 letters")
    out = [tuple(elems)]
    if len(elems) > 1 and all(e.kind == "w" for e in elems[:-1]) and elems[-1].kind in "wp":
        out.append((Elem(elems[-1].kind, sys.intern("".join(e.text for e in elems))),))
    return out


# Per-token start entries are cached by the token's forms; past this many distinct tokens the cache is
# cleared rather than grown (a long-running bot sees an open-ended vocabulary). Each PatternSet has its own, six
# per locale: at 65,536 they kept ~20 MiB more after 80,000 distinct words; 8,192 holds the everyday vocabulary.
_CACHE_LIMIT = 8192

Entry = tuple[int, tuple[Elem, ...]]
# A pattern to match on, with the words and classes its remaining elements need: when one of them is nowhere
# in the message, the pattern is skipped without walking it.
_Lead = tuple[int, tuple[Elem, ...], frozenset[str]]
# What a token can start: patterns it matches whole, longer patterns its first element matched (matched on
# from element 1), and the second words of patterns starting with a pair of plain words (on from element 2).
_Start = tuple[tuple[int, ...], tuple[_Lead, ...], dict[str, list[_Lead]] | None, frozenset[str]]
_NOTHING: _Start = ((), (), None, frozenset())
_NEEDS_NOTHING: frozenset[str] = frozenset()


_FORMS = itemgetter(0)  # a token's forms, without the named attribute's lookup


def _lead(owner: int, elems: tuple[Elem, ...], k: int) -> _Lead:
    return owner, elems, frozenset(e.text for e in elems[k:] if e.kind in "wc") or _NEEDS_NOTHING


class _Interner:
    """One shared object for equal elements, element sequences and sets of owners while a set is built:
    word classes repeat the same words and phrases many times over (about 50,000 elements in two locales)."""

    def __init__(self) -> None:
        self._seen: dict[object, object] = {}

    def elems(self, elems: tuple[Elem, ...]) -> tuple[Elem, ...]:
        seen = self._seen
        shared = tuple(seen.setdefault(e, e) for e in elems)
        return seen.setdefault(shared, shared)  # type: ignore[return-value]

    def owners(self, owners: list[int]) -> tuple[int, ...]:
        out = tuple(owners)
        return self._seen.setdefault(out, out)  # type: ignore[return-value]


class PatternSet:
    """Many patterns, each with an owner index, found in a token list.

    Patterns are indexed by their first element, and what each distinct token can start is worked out once
    and cached, so a lookup costs one dict probe per token however many patterns there are. ``gap`` lets up
    to that many other words stand between two elements (situation keywords); a sentence end or a cut idiom
    always stops a pattern.

    The index is built in lists and kept in tuples (a list holds spare room), and a one-word pattern, most
    of them, is kept as its owner alone under its word.
    """

    def __init__(self, patterns: Iterable[tuple[int, tuple[Elem, ...]]], gap: int = 0) -> None:
        self.gap = gap
        shared = _Interner()
        whole: dict[str, list[int]] = {}  # one-word patterns: word -> owners
        exact: dict[str, list[Entry]] = {}  # longer patterns starting with a word not followed by a word
        # Patterns starting with two plain words are indexed by the pair: most multiword entries begin with a
        # common word ("i", "my", "not"), and the pair rules nearly all of them out with one probe.
        pairs: dict[str, dict[str, list[Entry]]] = {}
        prefix: dict[str, list[tuple[str, int, tuple[Elem, ...]]]] = {}
        by_class: dict[str, list[_Lead]] = {}
        # Class-first patterns whose second element is a plain word: class -> word -> patterns.
        class_pairs: dict[str, dict[str, list[_Lead]]] = {}
        self._classes: set[str] = set()
        for owner, raw in patterns:
            elems = shared.elems(raw)
            self._classes.update(e.text for e in elems if e.kind == "c")
            first = elems[0]
            if first.kind == "w" and len(elems) == 1:
                whole.setdefault(first.text, []).append(owner)
            elif first.kind == "w" and elems[1].kind == "w":
                pairs.setdefault(first.text, {}).setdefault(elems[1].text, []).append((owner, elems))
            elif first.kind == "w":
                exact.setdefault(first.text, []).append((owner, elems))
            elif first.kind == "p":
                prefix.setdefault(first.text[:3], []).append((first.text, owner, elems))
            elif len(elems) > 1 and elems[1].kind == "w":
                by_word = class_pairs.setdefault(first.text, {})
                by_word.setdefault(elems[1].text, []).append(_lead(owner, elems, 2))
            else:
                by_class.setdefault(first.text, []).append(_lead(owner, elems, 1))
        self._whole = {word: shared.owners(owners) for word, owners in whole.items()}
        self._exact = {word: tuple(entries) for word, entries in exact.items()}
        # Every second word of a pair is walked at once, so (second, patterns) pairs need no dict of their own.
        self._pairs = {w: tuple((w2, tuple(e)) for w2, e in seconds.items()) for w, seconds in pairs.items()}
        self._prefix = {stem: tuple(entries) for stem, entries in prefix.items()}
        self._by_class = {name: tuple(leads) for name, leads in by_class.items()}
        self._class_pairs = {n: {w: tuple(e) for w, e in seconds.items()} for n, seconds in class_pairs.items()}
        self._cache: dict[tuple[str, ...], _Start] = {}
        self._firsts = (self._whole.keys(), self._exact.keys(), self._pairs.keys())  # views: no copy of the words
        self._class_pair_list = [(name, by_word, frozenset(by_word)) for name, by_word in self._class_pairs.items()]

    def classes_used(self) -> set[str]:
        """Every class named anywhere in a pattern: the only hits :meth:`find` looks at."""
        return set(self._classes)

    def _start(self, forms: tuple[str, ...]) -> _Start:
        whole: dict[int, None] = {}
        longer: dict[_Lead, None] = {}
        pairs: dict[str, list[_Lead]] = {}
        for form in forms:
            owners = self._whole.get(form)
            if owners is not None:
                whole.update(dict.fromkeys(owners))
            for owner, elems in self._exact.get(form, ()):
                longer[_lead(owner, elems, 1)] = None
            for stem, owner, elems in self._prefix.get(form[:3], ()):
                if form.startswith(stem):
                    if len(elems) == 1:
                        whole[owner] = None
                    else:
                        longer[_lead(owner, elems, 1)] = None
            for second, entries in self._pairs.get(form, ()):
                pairs.setdefault(second, []).extend(_lead(owner, elems, 2) for owner, elems in entries)
        out: _Start = (
            (tuple(whole), tuple(longer), pairs or None, frozenset(pairs)) if whole or longer or pairs else _NOTHING
        )
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[forms] = out
        return out

    def _rest(self, elems: tuple[Elem, ...], k: int, pos: int, tokens: Sequence[Token], hits: ClassHits) -> int:
        """Where ``elems[k:]`` ends when matched from ``pos`` on (the first way found), or -1."""
        if k == len(elems):
            return pos
        elem = elems[k]
        kind, text = elem.kind, elem.text
        if kind == "n":
            if pos < len(tokens) and text in tokens[pos].forms:
                return -1
            return self._rest(elems, k + 1, pos, tokens, hits)
        if not self.gap:  # the common case: the element must be right here
            if pos >= len(tokens):
                return -1
            forms = tokens[pos].forms
            if not forms:
                return -1
            if kind == "c":
                for end in hits.get(text, {}).get(pos, ()):
                    found = self._rest(elems, k + 1, end, tokens, hits)
                    if found >= 0:
                        return found
                return -1
            if text in forms if kind == "w" else elem.matches(forms):
                return self._rest(elems, k + 1, pos + 1, tokens, hits)
            return -1
        for p in range(pos, min(pos + self.gap + 1, len(tokens))):
            forms = tokens[p].forms
            if not forms:
                break
            if kind == "c":
                for end in hits.get(text, {}).get(p, ()):
                    found = self._rest(elems, k + 1, end, tokens, hits)
                    if found >= 0:
                        return found
            elif text in forms if kind == "w" else elem.matches(forms):
                found = self._rest(elems, k + 1, p + 1, tokens, hits)
                if found >= 0:
                    return found
        return -1

    def find(
        self,
        tokens: Sequence[Token],
        hits: ClassHits | None = None,
        present: AbstractSet[str] | None = None,
        at: Sequence[int] | None = None,
    ) -> list[tuple[int, int, int]]:
        """Every match as ``(owner, start, end)``, in no particular order; one per owner, start and end.

        ``present``, when given, holds every form of every token and every class with hits (or more): a
        pattern needing a word or class outside it is not tried. ``at``, when given, holds every position a
        word-first pattern of this set may start at (from a :class:`StartIndex`); no other is looked at."""
        out: set[tuple[int, int, int]] = set()
        self._scan(tokens, hits or {}, present, out, None, at)
        return list(out)

    def find_split(
        self,
        tokens: Sequence[Token],
        hits: ClassHits | None = None,
        present: AbstractSet[str] | None = None,
        at: Sequence[int] | None = None,
    ) -> tuple[list[tuple[int, tuple[int, ...]]], set[tuple[int, int, int]]]:
        """The matches of :meth:`find` as ``(start, owners)`` for the one-word ones, which are most of them
        and need no deduplication, and a set of ``(owner, start, end)`` for the longer ones."""
        singles: list[tuple[int, tuple[int, ...]]] = []
        out: set[tuple[int, int, int]] = set()
        self._scan(tokens, hits or {}, present, out, singles, at)
        return singles, out

    def starts_anything(self, forms: tuple[str, ...]) -> bool:
        """Whether a word-first pattern may start at a token with these forms."""
        entry = self._cache.get(forms)
        return (entry if entry is not None else self._start(forms)) is not _NOTHING

    def _scan(
        self,
        tokens: Sequence[Token],
        hits: ClassHits,
        present: AbstractSet[str] | None,
        out: set[tuple[int, int, int]],
        singles: list[tuple[int, tuple[int, ...]]] | None,
        at: Sequence[int] | None = None,
    ) -> None:
        n = len(tokens)
        cache, rest, reach = self._cache, self._rest, 2 + self.gap
        if (at is not None and not at) or (
            present is not None and not self._prefix and all(words.isdisjoint(present) for words in self._firsts)
        ):
            forms_at: list[tuple[str, ...]] = []  # no word-first pattern can start anywhere
        else:
            forms_at = list(map(_FORMS, tokens))
        for start in range(len(forms_at)) if at is None or not forms_at else at:
            forms = forms_at[start]
            if not forms:
                continue
            entry = cache.get(forms)
            if entry is None:
                entry = self._start(forms)
            if entry is _NOTHING:
                continue
            whole, longer, pairs, seconds = entry
            if whole:
                if singles is not None:
                    singles.append((start, whole))
                else:
                    for owner in whole:
                        out.add((owner, start, start + 1))
            for owner, elems, needs in longer:
                if present is None or needs <= present:
                    end = rest(elems, 1, start + 1, tokens, hits)
                    if end >= 0:
                        out.add((owner, start, end))
            if pairs is not None:
                stop = start + reach
                for nxt in range(start + 1, stop if stop < n else n):
                    following = forms_at[nxt]
                    if not following:
                        break
                    if seconds.isdisjoint(following):
                        continue
                    for second in following:
                        for owner, elems, needs in pairs.get(second, ()):
                            if len(elems) == 2:
                                out.add((owner, start, nxt + 1))
                            elif present is None or needs <= present:
                                end = rest(elems, 2, nxt + 1, tokens, hits)
                                if end >= 0:
                                    out.add((owner, start, end))
        if hits:
            self._find_class_first(tokens, hits, present, out)

    def _find_class_first(
        self,
        tokens: Sequence[Token],
        hits: ClassHits,
        present: AbstractSet[str] | None,
        out: set[tuple[int, int, int]],
    ) -> None:
        n = len(tokens)
        for name, by_word, seconds in self._class_pair_list:
            by_start = hits.get(name)
            if not by_start:
                continue
            for start, ends in by_start.items():
                for first_end in ends:
                    for nxt in range(first_end, min(first_end + 1 + self.gap, n)):
                        following = tokens[nxt].forms
                        if not following:
                            break
                        if seconds.isdisjoint(following):
                            continue
                        for second in following:
                            for owner, elems, needs in by_word.get(second, ()):
                                if len(elems) == 2:
                                    out.add((owner, start, nxt + 1))
                                elif present is None or needs <= present:
                                    end = self._rest(elems, 2, nxt + 1, tokens, hits)
                                    if end >= 0:
                                        out.add((owner, start, end))
        for name, entries in self._by_class.items():
            by_start = hits.get(name)
            if not by_start:
                continue
            for owner, elems, needs in entries:
                if present is not None and not needs <= present:
                    continue
                for start, ends in by_start.items():
                    for first_end in ends:
                        end = self._rest(elems, 1, first_end, tokens, hits)
                        if end >= 0:
                            out.add((owner, start, end))


class StartIndex:
    """Where each of several pattern sets may start in a message, found in one walk over its tokens: what a
    distinct token starts in which set is worked out once and cached, so a message costs one dict probe per
    token instead of one per token and set (a long message is walked by seven sets)."""

    def __init__(self, sets: Sequence[PatternSet]) -> None:
        self._sets = tuple(sets)
        self._cache: dict[tuple[str, ...], tuple[int, ...]] = {}

    def positions(self, tokens: Sequence[Token]) -> list[list[int]]:
        """For each set (in the order given), the positions a word-first pattern of it may start at."""
        out: list[list[int]] = [[] for _ in self._sets]
        cache, sets = self._cache, self._sets
        for i, forms in enumerate(map(_FORMS, tokens)):
            if not forms:
                continue
            which = cache.get(forms)
            if which is None:
                which = tuple(k for k, s in enumerate(sets) if s.starts_anything(forms))
                if len(cache) >= _CACHE_LIMIT:
                    cache.clear()
                cache[forms] = which
            for k in which:
                out[k].append(i)
        return out
