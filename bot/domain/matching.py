"""Phrase matching for crisis screening and help-card situations.

Pure logic: no I/O, no network, no state beyond the compiled pattern index.

Pattern syntax (``content/safety/*.yaml``, and ``keywords`` in ``content/cards/*/situations.yaml``):

* A pattern is one or more words separated by spaces. Words are normalised exactly like user text, so
  ``"won't talk"`` and ``"wont talk"`` are the same pattern, and ``"self-harm"`` is ``"self harm"``.
* A word ending in ``*`` is a prefix: ``suicid*`` matches ``suicide`` and ``suicidal``. Use it only on stems
  long enough not to catch unrelated words.
* Matching is on whole tokens. A multiword pattern matches consecutive tokens, and (if only its last word is
  a prefix, or none is) its words written together also match one token: ``"self harm*"`` matches
  ``selfharming``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.content import SafetyFile, Situation

__all__ = [
    "CrisisMatcher",
    "PhraseMatcher",
    "SituationMatcher",
    "Token",
    "normalize",
    "tokenize",
]

# A token is the tuple of forms it may match as: its normalised text, plus (when the user stretched a letter,
# as in "diiiie") the form with the stretch removed entirely ("die").
Token = tuple[str, ...]

_QUOTES = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark / typographic apostrophe
        "\u201a": "'",  # single low-9 quotation mark
        "\u201b": "'",  # single high-reversed-9 quotation mark
        "\u2032": "'",  # prime
        "\u02bc": "'",  # modifier letter apostrophe
        "\u00b4": "'",  # acute accent
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_LETTER = r"[^\W\d_]"
_INNER_APOSTROPHE = re.compile(rf"(?<=[^\W_])'+(?={_LETTER})")
# Word-like runs, allowing '@' inside (as in "selfh@rm"); a leading '@' (a mention) is left as punctuation.
_WORDISH = re.compile(r"[^\W_]+(?:@+[^\W_]+)*")
_HAS_LETTER = re.compile(_LETTER)
_HAS_LEET = re.compile(r"[\d@]")
# Numbers with a unit or ordinal ("5yo", "2nd", "10pm", "3yrs") are not leetspeak.
_NUMBER_UNIT = re.compile(
    r"\d+(?:st|nd|rd|th|s|x|k|am|pm|yo|yos|yro|y|yr|yrs|year|years|yearold|yearolds|m|mo|mos|mth|mths|month|months"
    r"|w|wk|wks|week|weeks|d|day|days|h|hr|hrs|hour|hours|min|mins|sec|secs|km|kms|kg|kgs|g|lb|lbs|ml|l|cm|mm"
    r"|ft|in|mph|kph|p|gb|mb)"
)
_LEET = str.maketrans("013457@", "oieasta")
_NOT_WORD = re.compile(r"[^\w\s]|_")
_RUN3 = re.compile(rf"({_LETTER})\1{{2,}}")


def _deleet(match: re.Match[str]) -> str:
    word = match.group(0)
    if not (_HAS_LETTER.search(word) and _HAS_LEET.search(word)):
        return word
    if _NUMBER_UNIT.fullmatch(word):
        return word
    return word.translate(_LEET)


def _prepare(text: str) -> list[str]:
    """Everything in :func:`normalize` except squeezing stretched letters; returns the tokens."""
    s = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)
    s = _INNER_APOSTROPHE.sub("", s)
    s = _WORDISH.sub(_deleet, s)
    s = _NOT_WORD.sub(" ", s)
    return s.split()


def normalize(text: str) -> str:
    """Normalise text for matching.

    NFKC, casefold, straight quotes, apostrophes inside words dropped ("don't" -> "dont"), other punctuation
    and symbols turned into spaces, leetspeak digits undone inside tokens that mix letters and digits
    ("k1ll" -> "kill", "selfh@rm" -> "selfharm", but "5yo" stays), letters repeated three or more times cut
    to two ("sooooo" -> "soo"), whitespace collapsed.
    """
    return " ".join(_RUN3.sub(r"\1\1", tok) for tok in _prepare(text))


def tokenize(text: str) -> list[Token]:
    """Tokens of ``normalize(text)``, each with its alternative form when a letter was stretched."""
    out: list[Token] = []
    for tok in _prepare(text):
        if _RUN3.search(tok) is None:
            out.append((tok,))
            continue
        main = _RUN3.sub(r"\1\1", tok)
        squeezed = _RUN3.sub(r"\1", tok)
        out.append((main,) if squeezed == main else (main, squeezed))
    return out


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    prefix: bool

    def matches(self, forms: Token) -> bool:
        if self.prefix:
            return any(f.startswith(self.text) for f in forms)
        return self.text in forms


@dataclass(frozen=True, slots=True)
class _Entry:
    index: int  # position of the pattern in the matcher's list
    rest: tuple[_Word, ...]  # words after the first (indexed) one


def _parse(pattern: str) -> tuple[_Word, ...]:
    words: list[_Word] = []
    for raw in pattern.split():
        prefix = raw.endswith("*")
        parts = normalize(raw.rstrip("*")).split()
        if not parts:
            continue
        words.extend(_Word(p, False) for p in parts[:-1])
        words.append(_Word(parts[-1], prefix))
    return tuple(words)


class PhraseMatcher:
    """Finds which of a fixed list of patterns occur in a text.

    Patterns are compiled once into an index keyed by their first word: exact words in a dict, prefix stems
    bucketed by their first few letters. A lookup costs a couple of dict probes per token, plus a
    ``startswith`` for each prefix stem sharing the token's first letters, whatever the number of patterns.
    """

    def __init__(self, patterns: Iterable[str]) -> None:
        self._patterns: tuple[str, ...] = tuple(patterns)
        self._exact: dict[str, list[_Entry]] = {}
        self._prefix: dict[str, list[_Entry]] = {}
        for i, pattern in enumerate(self._patterns):
            words = _parse(pattern)
            if not words:
                raise ValueError(f"pattern {pattern!r} has no words")
            self._add(i, words)
            if len(words) > 1 and not any(w.prefix for w in words[:-1]):
                self._add(i, (_Word("".join(w.text for w in words), words[-1].prefix),))
        self._key_len = min((len(k) for k in self._prefix), default=1)
        self._buckets: dict[str, list[tuple[str, list[_Entry]]]] = {}
        for stem, entries in self._prefix.items():
            self._buckets.setdefault(stem[: self._key_len], []).append((stem, entries))

    def _add(self, index: int, words: tuple[_Word, ...]) -> None:
        first = words[0]
        table = self._prefix if first.prefix else self._exact
        entries = table.setdefault(first.text, [])
        entry = _Entry(index, words[1:])
        if entry not in entries:
            entries.append(entry)

    @property
    def patterns(self) -> tuple[str, ...]:
        return self._patterns

    def _candidates(self, forms: Token) -> list[_Entry]:
        found: list[_Entry] = []
        for f in forms:
            found.extend(self._exact.get(f, ()))
            for stem, entries in self._buckets.get(f[: self._key_len], ()):
                if f.startswith(stem):
                    found.extend(entries)
        return found

    def spans(self, tokens: Sequence[Token]) -> list[tuple[int, int, int]]:
        """Every match as ``(start, end, pattern_index)``, ordered by start then pattern order."""
        out: list[tuple[int, int, int]] = []
        n = len(tokens)
        for start in range(n):
            candidates = self._candidates(tokens[start])
            if not candidates:
                continue
            hits: set[tuple[int, int]] = set()
            for entry in candidates:
                end = start + 1 + len(entry.rest)
                if end > n:
                    continue
                pos = start + 1
                for word in entry.rest:
                    if not word.matches(tokens[pos]):
                        break
                    pos += 1
                else:
                    hits.add((entry.index, end))
            out.extend((start, end, index) for index, end in sorted(hits))
        return out

    def find_indices(self, tokens: Sequence[Token]) -> list[int]:
        """Indices of the patterns found, in order of first appearance, without duplicates."""
        seen: dict[int, None] = {}
        for _start, _end, index in self.spans(tokens):
            seen.setdefault(index, None)
        return list(seen)

    def find(self, text: str) -> list[str]:
        """The patterns that occur in ``text``, in order of first appearance."""
        out: dict[str, None] = {}
        for index in self.find_indices(tokenize(text)):
            out.setdefault(self._patterns[index], None)
        return list(out)


def _segments(tokens: Sequence[Token], removed: set[int]) -> list[Sequence[Token]]:
    """Runs of tokens between removed positions, so no pattern can bridge a removed phrase."""
    if not removed:
        return [tokens]
    out: list[Sequence[Token]] = []
    start = 0
    for i in range(len(tokens) + 1):
        if i == len(tokens) or i in removed:
            if i > start:
                out.append(tokens[start:i])
            start = i + 1
    return out


class CrisisMatcher:
    """Screens a message against the safety lists.

    Exclusion phrases (idioms such as "dying to know") are cut out of the token stream first; category
    patterns are then looked for in what is left, never across a cut.
    """

    def __init__(self, safety: SafetyFile) -> None:
        self._exclude = PhraseMatcher(safety.exclude)
        owners: list[str] = []
        patterns: list[str] = []
        for category in safety.categories:
            for pattern in category.patterns:
                owners.append(category.id)
                patterns.append(pattern)
        self._owners = tuple(owners)
        self._matcher = PhraseMatcher(patterns)

    def explain(self, text: str) -> list[tuple[str, str]]:
        """``(category id, pattern)`` for every pattern found, in order of first appearance."""
        tokens = tokenize(text)
        removed: set[int] = set()
        for start, end, _ in self._exclude.spans(tokens):
            removed.update(range(start, end))
        found: dict[int, None] = {}
        for segment in _segments(tokens, removed):
            for index in self._matcher.find_indices(segment):
                found.setdefault(index, None)
        return [(self._owners[i], self._matcher.patterns[i]) for i in found]

    def match(self, text: str) -> list[str]:
        """Ids of the categories found, in order of first appearance, without duplicates."""
        out: dict[str, None] = {}
        for category, _pattern in self.explain(text):
            out.setdefault(category, None)
        return list(out)


class SituationMatcher:
    """Finds which help-card situations a message talks about."""

    def __init__(self, situations: Iterable[Situation]) -> None:
        owners: list[str] = []
        patterns: list[str] = []
        for situation in situations:
            for keyword in situation.keywords:
                owners.append(situation.id)
                patterns.append(keyword)
        self._owners = tuple(owners)
        self._matcher = PhraseMatcher(patterns)

    def match(self, text: str) -> list[str]:
        """Ids of the situations found, in order of first appearance, without duplicates."""
        out: dict[str, None] = {}
        for index in self._matcher.find_indices(tokenize(text)):
            out.setdefault(self._owners[index], None)
        return list(out)
