"""The learned tier's features, shared by the trainer (bot/screen_train.py) and inference (learned.py): every form
of every word, bigrams of each word's dictionary form and the character n-grams of each word as typed, hashed
into buckets."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from bot.domain.screen.normalize import Token

__all__ = ["FeatureSettings", "canonical", "features", "hashed", "word_features"]


@dataclass(frozen=True, slots=True)
class FeatureSettings:
    bits: int = 20  # hashed into 2**bits buckets
    char_min: int = 3
    char_max: int = 5
    bigrams: bool = True

    @property
    def mask(self) -> int:
        return (1 << self.bits) - 1


def canonical(token: Token) -> str:
    # forms: surface first, then squeezed / corrected spellings and lemmas; the second is the first reading
    # that is not the surface, which is the dictionary form for most words ("kids" -> "kid").
    return token.forms[1] if len(token.forms) > 1 else token.forms[0]


def word_features(token: Token, settings: FeatureSettings) -> list[str]:
    """The features of one word on its own: its forms and the character n-grams of its surface."""
    out = ["w " + f for f in token.forms]
    padded = f" {token.forms[0]} "
    size = len(padded)
    for n in range(settings.char_min, settings.char_max + 1):
        if n > size:
            break
        out.extend("c " + padded[i : i + n] for i in range(size - n + 1))
    return out


def _words(tokens: Iterable[Token]) -> Iterator[Token | None]:
    """The words of a message, None for a sentence end (a bigram never spans one)."""
    for t in tokens:
        if t.brk:
            yield None
        elif t.forms and t.forms[0] != ",":
            yield t


def features(tokens: Sequence[Token], settings: FeatureSettings) -> list[str]:
    """Every feature of a message, with repeats (what the trainer counts)."""
    out: list[str] = []
    prev: str | None = None
    for t in _words(tokens):
        if t is None:
            prev = None
            continue
        out.extend(word_features(t, settings))
        word = canonical(t)
        if settings.bigrams and prev is not None:
            out.append(f"b {prev} {word}")
        prev = word
    return out


def hashed(feature: str, settings: FeatureSettings) -> int:
    # crc32, not hash(): str hashes change from one process to the next.
    return zlib.crc32(feature.encode("utf-8")) & settings.mask
