"""The learned tier: a small linear model that hears what the rules miss. Pure Python, no I/O but :func:`load`.

It reads the screen's own tokens (the normalisation, spelling fixes and lemmas the rules see) and turns each
message into hashed features: every form of every word, bigrams of each word's dictionary form, and the
character 3-5-grams of each word as typed (typo robustness). A feature's value is its count divided by the
square root of the message's feature count, so a message's score is a sum of per-word parts: a word's part is
computed once and remembered (a bounded memory), and a message costs one lookup per word and per bigram.

Two softmax heads share the features: *level* (each crisis category, ``distress``, ``none``) and *situation*
(each situation id, ``none``). Trained offline by ``python -m bot content train-screen`` (bot/screen_train.py)
into ``content/safety/<locale>.model.json``; the engine hears it after its rules (Screener.screen).
"""

from __future__ import annotations

import base64
import json
import math
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

from bot.domain.screen.engine import FEAR_FOR_CHILD, Screen
from bot.domain.screen.features import FeatureSettings, features, hashed, word_features
from bot.domain.screen.normalize import Token

# The features are re-exported: the trainer and the tests read them from here.
__all__ = [
    "FORMAT",
    "FeatureSettings",
    "Guess",
    "LearnedScreen",
    "features",
    "hashed",
    "load",
    "model_path",
    "pack",
    "pack_head",
    "word_features",
]

# 2: each head's weights stored sparse (most are pruned to zero: a row keeps only its non-zero classes).
FORMAT = 2
NONE = "none"
DISTRESS = "distress"
FEAR_SHARE = 0.3
# The model's situation goes ahead of those the rules found when it is more likely than all others together.
OVERRIDE = 0.5
# Remembered word parts; past this the memory is cleared rather than grown.
# ~0.3 KiB a word, ~0.2 KiB a bigram: a few MiB at most.
_WORD_LIMIT = 8192
_BIGRAM_LIMIT = 16384


def model_path(content_dir: Path, locale: str) -> Path:
    return content_dir / "safety" / f"{locale}.model.json"


@dataclass(frozen=True, slots=True)
class Guess:
    crisis: str | None = None  # the crisis category, when the model is confident it is one
    distress: bool = False
    situation: str | None = None
    crisis_p: float = 0.0
    distress_p: float = 0.0
    situation_p: float = 0.0


def _softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def _unpack(data: str, code: str) -> array[Any]:
    out = array(code)
    out.frombytes(zlib.decompress(base64.b64decode(data)))
    return out


_LEVEL, _COUNT = attrgetter("level"), attrgetter("count")

# A part's per-class sums are kept packed in one integer, a lane of _LANE bits per class: adding two packed
# integers adds every class at once (exactly; a lane holds a signed sum far beyond any message's), so a
# message's sums cost one big-integer addition per word instead of one per word and class.
_LANE = 48
_LANE_MASK = (1 << _LANE) - 1
_LANE_HALF = 1 << (_LANE - 1)


def _lanes(packed: int, n: int) -> list[int]:
    """The ``n`` signed per-class sums in ``packed``."""
    out: list[int] = []
    for _ in range(n):
        low = packed & _LANE_MASK
        if low >= _LANE_HALF:
            low -= 1 << _LANE
        out.append(low)
        packed = (packed - low) >> _LANE
    return out


def pack(values: array[Any]) -> str:
    """The text a model file keeps an array as (read back by ``_unpack``)."""
    return base64.b64encode(zlib.compress(values.tobytes(), 9)).decode("ascii")


def pack_head(rows: Iterable[Sequence[int]]) -> dict[str, str]:
    """A head's int16 weights (one row per stored bucket, one column per class), kept sparse: where each row's
    entries start, then each entry's class and weight. Over two thirds of the weights are zero."""
    starts, classes, values = array("I", [0]), array("B"), array("h")
    for row in rows:
        for k, v in enumerate(row):
            if v:
                classes.append(k)
                values.append(v)
        starts.append(len(values))
    return {"row_starts": pack(starts), "entry_class": pack(classes), "entry_weight": pack(values)}


class _Head:
    """One head's sparse weights (see :func:`pack_head`)."""

    __slots__ = ("shifts", "starts", "values", "width")

    def __init__(self, raw: dict[str, Any], rows: int, width: int) -> None:
        self.starts = _unpack(raw["row_starts"], "I")
        classes = _unpack(raw["entry_class"], "B")
        self.values = _unpack(raw["entry_weight"], "h")
        self.width = width
        if len(self.starts) != rows + 1 or not len(classes) == len(self.values) == self.starts[-1]:
            raise ValueError("model weights do not match its buckets")
        if classes and max(classes) >= width:
            raise ValueError("model weights name a class it does not have")
        # Each entry's lane offset (its class times _LANE), looked up rather than multiplied per word.
        self.shifts = array("H", [c * _LANE for c in classes])

    def packed(self, rows: Iterable[int]) -> int:
        """The summed weights of these rows, packed (a lane per class, see _LANE)."""
        out, starts, values, shifts = 0, self.starts, self.values, self.shifts
        for r in rows:
            for j in range(starts[r], starts[r + 1]):
                out += values[j] << shifts[j]
        return out

    def row(self, r: int) -> list[int]:
        out = [0] * self.width
        for j in range(self.starts[r], self.starts[r + 1]):
            out[self.shifts[j] // _LANE] = self.values[j]
        return out


class _Part:
    """A word's (or bigram's) share of a message's scores: its features' summed rows, level head first; the
    situation head's share is summed only when a message needs that head."""

    __slots__ = ("count", "level", "rows", "situation")

    def __init__(self, level: int, rows: tuple[int, ...], count: int) -> None:
        self.level = level  # packed (see _LANE)
        self.rows = rows  # indexes of the stored buckets its features hit
        self.count = count  # its feature count
        self.situation: int | None = None  # packed, once a message needed it


class LearnedScreen:
    """A trained model: sorted bucket ids, a row of weights per bucket (level classes, then situation classes)."""

    def __init__(self, raw: dict[str, Any]) -> None:
        if raw.get("format") != FORMAT:
            raise ValueError(f"model format {raw.get('format')!r}, this code reads {FORMAT}")
        feat = raw["features"]
        self.settings = FeatureSettings(feat["bits"], feat["char_min"], feat["char_max"], feat["bigrams"])
        self.corpus_sha256: str = raw["corpus_sha256"]
        self.level_classes: tuple[str, ...] = tuple(raw["level"]["classes"])
        self.situation_classes: tuple[str, ...] = tuple(raw["situation"]["classes"])
        self.intercepts: tuple[float, ...] = tuple(raw["level"]["intercept"]) + tuple(raw["situation"]["intercept"])
        self.width = len(self.intercepts)
        self.buckets = _unpack(raw["buckets"], "I")
        # int16 weights, one scale per class: sums stay integers (exact) and are scaled once per message.
        self.scales: tuple[float, ...] = tuple(raw["level"]["scale"]) + tuple(raw["situation"]["scale"])
        if len(self.scales) != self.width:
            raise ValueError("model scales do not match its classes")
        # The two heads apart: most messages need only the level head.
        k = self._k = len(self.level_classes)
        self._level_w = _Head(raw["level"], len(self.buckets), k)
        self._situation_w = _Head(raw["situation"], len(self.buckets), self.width - k)
        self._level_b, self._level_k = self.intercepts[:k], self.scales[:k]
        th = raw["thresholds"]
        self.crisis_threshold: float = th["crisis"]
        self.distress_threshold: float = th["distress"]
        self.situation_threshold: float = th["situation"]
        # A crisis only the plain rules found (no strong signal) is set aside when the model gives the message a
        # crisis probability below this; None: never (see bot/screen_train.py: chosen so that almost no crisis
        # the rules catch is lost).
        self.veto_threshold: float | None = th.get("veto_below")
        self.override_threshold: float | None = th.get("override", OVERRIDE)
        self._fear_idx = self.level_classes.index(FEAR_FOR_CHILD) if FEAR_FOR_CHILD in self.level_classes else None
        self._crisis_idx = [i for i, c in enumerate(self.level_classes) if c not in (NONE, DISTRESS)]
        self._distress_idx = self.level_classes.index(DISTRESS)
        self._situation_idx = [i for i, c in enumerate(self.situation_classes) if c != NONE]
        # Whether a cut idiom ("killing it") keeps the model from raising a crisis (chosen by the trainer).
        self.idioms_stop_crisis: bool = bool(raw.get("idioms_stop_crisis", False))
        # Remembered parts: a word's by its token, a bigram's by its two dictionary forms (no key to build).
        self._words: dict[Token, _Part] = {}
        self._bigrams: dict[str, dict[str, _Part]] = {}
        self._bigram_count = 0

    def row(self, index: int) -> list[float]:
        """The weights of the ``index``-th stored bucket (scaled)."""
        ints = self._level_w.row(index) + self._situation_w.row(index)
        return [v * scale for v, scale in zip(ints, self.scales, strict=True)]

    def _index(self, feature: str) -> int:
        bucket = hashed(feature, self.settings)
        i = bisect_left(self.buckets, bucket)
        return i if i < len(self.buckets) and self.buckets[i] == bucket else -1

    def _part(self, feats: list[str]) -> _Part:
        rows = tuple(i for i in map(self._index, feats) if i >= 0)
        return _Part(self._level_w.packed(rows), rows, len(feats))

    def _situation(self, part: _Part) -> int:
        if part.situation is None:
            part.situation = self._situation_w.packed(part.rows)
        return part.situation

    def _word(self, token: Token) -> _Part:
        if len(self._words) >= _WORD_LIMIT:
            self._words.clear()
        part = self._words[token] = self._part(word_features(token, self.settings))
        return part

    def _bigram(self, prev: str, word: str) -> _Part:
        if self._bigram_count >= _BIGRAM_LIMIT:
            self._bigrams.clear()
            self._bigram_count = 0
        self._bigram_count += 1
        part = self._bigrams.setdefault(prev, {})[word] = self._part([f"b {prev} {word}"])
        return part

    def _sentences(self, tokens: Sequence[Token]) -> list[list[_Part]]:
        """The parts of each sentence's words and bigrams."""
        out: list[list[_Part]] = []
        parts: list[_Part] = []
        words, bigrams, use_bigrams = self._words, self._bigrams, self.settings.bigrams
        prev: str | None = None
        for t in tokens:
            if t.brk:
                if parts:
                    out.append(parts)
                    parts = []
                prev = None
                continue
            forms = t.forms
            if not forms or forms[0] == ",":
                continue
            part = words.get(t)
            parts.append(part if part is not None else self._word(t))
            word = forms[1] if len(forms) > 1 else forms[0]  # features.canonical, inlined
            if use_bigrams and prev is not None:
                after = bigrams.get(prev)
                part = None if after is None else after.get(word)
                parts.append(part if part is not None else self._bigram(prev, word))
            prev = word
        if parts:
            out.append(parts)
        return out

    def _scores(
        self, sums: Iterable[int], count: int, intercepts: Sequence[float], scales: Sequence[float]
    ) -> list[float]:
        if not count:
            return list(intercepts)
        norm = 1.0 / math.sqrt(count)
        return [b + s * k * norm for b, s, k in zip(intercepts, sums, scales, strict=True)]

    def _level(self, sentences: list[list[_Part]]) -> list[float]:
        """The level head's scores for the message."""
        packed = sum(sum(map(_LEVEL, parts)) for parts in sentences)
        count = sum(sum(map(_COUNT, parts)) for parts in sentences)
        return self._scores(_lanes(packed, self._k), count, self._level_b, self._level_k)

    def _situation_scores(self, sentences: list[list[_Part]]) -> list[float]:
        parts = [p for ps in sentences for p in ps]
        k = self._k
        sums = _lanes(sum(map(self._situation, parts)), self.width - k)
        return self._scores(sums, sum(map(_COUNT, parts)), self.intercepts[k:], self.scales[k:])

    def scores(self, tokens: Sequence[Token]) -> list[float]:
        """The raw linear scores of both heads (level classes, then situation classes)."""
        sentences = self._sentences(tokens)
        return self._level(sentences) + self._situation_scores(sentences)

    def vetoes(self, tokens: Sequence[Token], where: Callable[[], Sequence[Sequence[Token]]] | None = None) -> bool:
        """Whether a crisis the plain rules found reads, to the model, as no crisis at all ("me voy a matar una
        pizza entera jaja"): the whole message, and each sentence the rules found it in (``where``, asked only
        when the message reads so; None or none found: every sentence), so that a crisis told in one sentence
        of a long message is not diluted away. Not the others: one leaning a little ("she choked on a grape")
        kept many of the rules' false alarms on jokes."""
        if self.veto_threshold is None:
            return False
        limit, sentences = self.veto_threshold, self._sentences(tokens)
        if self._crisis_p(self._level(sentences)) >= limit:
            return False
        if parts := (where() if where is not None else None):
            return all(self._crisis_p(self._level(self._sentences(part))) < limit for part in parts)
        return len(sentences) < 2 or all(self._crisis_p(self._level([s])) < limit for s in sentences)

    def fears_for_child(self, tokens: Sequence[Token], sentences: list[list[_Part]] | None = None) -> bool:
        """Whether fear of harming one's own child is a likely reading of a message the model reads as a
        crisis: at least FEAR_SHARE of the crisis probability. The immediate step (put the baby down, step
        out) harms no one when it is not needed, so it is given on a likely reading, not only the likeliest."""
        level = _softmax(self._level(self._sentences(tokens) if sentences is None else sentences))
        crisis = sum(level[i] for i in self._crisis_idx)
        # The share means something only where the model reads a crisis at all.
        return self._fear_idx is not None and crisis >= 0.5 and level[self._fear_idx] >= FEAR_SHARE * crisis

    def rerank(
        self, tokens: Sequence[Token], found: tuple[str, ...], sentences: list[list[_Part]] | None = None
    ) -> tuple[str, ...]:
        """The situations the rules found (best first), with the model's choice first when it is one of them,
        or ahead of them all when the model is at least ``override_threshold`` sure of it."""
        situ = _softmax(self._situation_scores(self._sentences(tokens) if sentences is None else sentences))
        best = max(self._situation_idx, key=situ.__getitem__)
        name = self.situation_classes[best]
        if name in found:
            return (name, *(f for f in found if f != name)) if found[0] != name else found
        if self.override_threshold is not None and situ[best] >= self.override_threshold:
            return (name, *found)
        return found

    def _crisis_p(self, scores: list[float]) -> float:
        level = _softmax(scores)
        return sum(level[i] for i in self._crisis_idx)

    def guess(
        self, tokens: Sequence[Token], situation: bool = True, sentences: list[list[_Part]] | None = None
    ) -> Guess:
        """What the model hears in a message; its situation head only when ``situation`` (the engine asks
        only when the rules found no situation) and the message reads as neither crisis nor distress."""
        if sentences is None:
            sentences = self._sentences(tokens)
        # The whole message, as the trainer calibrated the threshold. Asking one sentence to read as a crisis
        # on its own (so that everyday clauses leaning a little could not add up) missed crises told over two
        # sentences: on fourteen sets the model had not seen, 200 more crises caught for 19 more false alarms.
        level = _softmax(self._level(sentences))
        crisis_p = sum(level[i] for i in self._crisis_idx)
        distress_p = level[self._distress_idx]
        crisis = crisis_p >= self.crisis_threshold
        best_situation, situation_p = None, 0.0
        if situation and not crisis and distress_p < self.distress_threshold:
            situ = _softmax(self._situation_scores(sentences))
            best = max(self._situation_idx, key=situ.__getitem__)
            best_situation, situation_p = self.situation_classes[best], situ[best]
        return Guess(
            crisis=self.level_classes[max(self._crisis_idx, key=level.__getitem__)] if crisis else None,
            distress=distress_p >= self.distress_threshold,
            situation=best_situation if situation_p >= self.situation_threshold else None,
            crisis_p=crisis_p,
            distress_p=distress_p,
            situation_p=situation_p,
        )

    def overlay(self, plain: Screen, tokens: Sequence[Token], idiom_cut: bool, negated: bool = False) -> Screen:
        """What the screen says once the model has heard a message the rules found no crisis in (``plain``): the
        engine keeps distress the rules found unless this says crisis; a situation of the model's only when the
        rules found none. ``negated``: the rules saw a crisis statement a tight negation cancelled ("I would
        never hurt my baby"), so no crisis."""
        sentences = self._sentences(tokens)  # once, for the guess and the ranking
        guess = self.guess(tokens, situation=not plain.situations, sentences=sentences)
        if guess.crisis is not None and not negated and not (idiom_cut and self.idioms_stop_crisis):
            fear = guess.crisis == FEAR_FOR_CHILD or self.fears_for_child(tokens, sentences)
            categories = (guess.crisis, FEAR_FOR_CHILD) if fear and guess.crisis != FEAR_FOR_CHILD else (guess.crisis,)
            return Screen("crisis", categories, fear, plain.situations, plain.about_child)
        if guess.distress:
            return Screen("distress", (), False, plain.situations, plain.about_child)
        if guess.situation is not None and not plain.situations:
            return Screen("hard", (), False, (guess.situation,), True)
        if plain.level == "hard":  # the rules' keywords found the candidates; the model ranks them
            ranked = self.rerank(tokens, plain.situations, sentences)
            if ranked != plain.situations:
                return Screen("hard", (), False, ranked, plain.about_child)
        return plain


def load(path: Path) -> LearnedScreen | None:
    """The model at ``path``, or None when there is none (the screen then runs on its rules alone)."""
    if not path.is_file():
        return None
    try:
        return LearnedScreen(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError, zlib.error) as exc:  # JSONDecodeError is a ValueError
        raise ValueError(f"unreadable model: {exc!r}") from None
