"""The screen's word lists: lookup time and the memory each language adds, cached tries next to simplemma's
low-memory store (what the bot reads when the cache is missing).

Lookups: simplemma's dictionary probe, its whole lemmatiser and the screen's ``Normalizer.forms`` on words never
seen before (every lookup a miss in the screen's caches), and a 1,000-character message made only of such words.
Memory: RSS of a fresh process before and after its first message in each language (the trie is mapped, so only
the pages lookups touch count; the low-memory store reads the language's whole stream).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from simplemma.strategies.dictionaries import LOW_MEMORY_DICTIONARY_FACTORY

from bot.content import load_library
from bot.domain.screen.lexicon import STORE, LexiconStore
from bot.domain.screen.normalize import Normalizer, lemmatize
from tests.bench.util import load_average, report

ROOT = Path(__file__).resolve().parents[2]
WORDS = 5000
SEED = 20261207
ALPHABET = {"en": "abcdefghijklmnopqrstuvwxyz", "es": "abcdefghijklmnopqrstuvwxyzáéíóúñ"}
FIRST = {
    "en": "I'm exhausted, my son screams at bedtime every night and I end up yelling back at him",
    "es": "estoy agotada, mi hijo grita todas las noches a la hora de dormir y yo termino gritándole",
}

# Run in a fresh interpreter: RSS after the imports, after the first English message, after the first Spanish one.
_RSS_SCRIPT = """
import json, sys
from bot.content import load_library
def rss():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS"))
screens = {lang: load_library(None, locale=lang, prompts=False).screener for lang in ("en", "es")}
out = [rss()]
for lang in ("en", "es"):
    screens[lang].screen(json.loads(sys.argv[1])[lang])
    out.append(rss())
print(json.dumps(out))
"""


def _unseen(lang: str, n: int) -> list[str]:
    rng = random.Random(SEED)
    letters = ALPHABET[lang]
    return ["".join(rng.choice(letters) for _ in range(rng.randint(4, 11))) for _ in range(n)]


def _per_call(fn: object, words: list[str]) -> float:
    start = time.perf_counter()
    for w in words:
        fn(w)  # type: ignore[operator]
    return (time.perf_counter() - start) / len(words) * 1e6


def _rss_steps(cache_home: str) -> list[int]:
    env = dict(os.environ, XDG_CACHE_HOME=cache_home, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", _RSS_SCRIPT, json.dumps(FIRST)], env=env, capture_output=True, text=True, check=True
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.bench
def test_word_list_lookups_and_memory(tmp_path: Path) -> None:
    rows: list[tuple[str, str]] = []
    for lang in ("en", "es"):
        assert STORE.backend(lang) == "trie"
        words = _unseen(lang, WORDS)
        trie = STORE.get_dictionary(lang)
        stream = LOW_MEMORY_DICTIONARY_FACTORY.get_dictionary(lang)
        assert [trie.get(w) for w in words[:500]] == [stream.get(w) for w in words[:500]]
        rows.append(
            (
                f"{lang}: dictionary probe",
                f"trie {_per_call(trie.get, words):.2f} µs, "
                f"low-memory store {_per_call(stream.get, words):.2f} µs (unseen word)",
            )
        )
        rows.append(
            (f"{lang}: simplemma lemmatize", f"{_per_call(lambda w, lang=lang: lemmatize(w, lang), words):.1f} µs")
        )
        screener = load_library(None, locale=lang, prompts=False).screener
        assert screener is not None
        fresh: Normalizer = screener.normalizer
        rows.append((f"{lang}: Normalizer.forms", f"{_per_call(fresh.forms, words):.1f} µs (unseen word, trie)"))
        text = " ".join(_unseen(lang, 400))[:1000]
        start = time.perf_counter()
        screener.screen(text)
        rows.append(
            (f"{lang}: 1,000 chars of new words", f"{(time.perf_counter() - start) * 1e3:.2f} ms (cold screen)")
        )

    cached = _rss_steps(os.environ["XDG_CACHE_HOME"])
    missing = _rss_steps(str(tmp_path / "no-cache"))
    mib = 1024 * 1024
    for name, steps in (("tries (cached)", cached), ("low-memory store", missing)):
        rows.append(
            (
                f"RSS, {name}",
                f"after imports {steps[0] / mib:.1f} MiB; first English message "
                f"+{(steps[1] - steps[0]) / mib:.1f} MiB, first Spanish +{(steps[2] - steps[1]) / mib:.1f} MiB",
            )
        )
    rows.append(("machine", load_average()))
    report("the screen's word lists (simplemma data)", rows)
    assert LexiconStore(tmp_path / "no-cache").backend("en") == "stream"
