"""Screen speed in Spanish: the same target as English (p99 < 2 ms for a 1,000-character message).

Messages are built (seeded) from the Spanish corpus's everyday sentences, with chat noise (no accents, "q",
stretched letters, shouting) and, in 2% of them, one crisis sentence from the corpus planted in the middle.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from bot.content import DEFAULT_CONTENT_DIR, ContentInvalid, SafetyFile, load_library
from bot.domain.screen import Screener
from bot.domain.screen.lexicon import STORE
from bot.domain.screen.normalize import fold_accents
from tests.bench.util import each_timed, load_average, mib, report, timed, traced, us

N = 1000
LONG_REPEAT = 50
TRACED = 200
TARGET_CHARS = 1000
SEED = 20261125
CORPUS = Path(__file__).resolve().parent.parent / "data" / "screen" / "es"


def _screener() -> Screener:
    try:
        library = load_library(locale="es")
    except ContentInvalid:  # Spanish prompts not there yet: the safety file alone
        raw = yaml.safe_load((DEFAULT_CONTENT_DIR / "safety" / "es.yaml").read_text(encoding="utf-8"))
        return Screener(SafetyFile.model_validate(raw))
    assert library.screener is not None
    return library.screener


def _sentences(kind: str) -> list[str]:
    data = yaml.safe_load((CORPUS / f"{kind}.yaml").read_text(encoding="utf-8"))
    return [t for texts in data.values() for t in texts]


def _noisy(text: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.3:
        return fold_accents(text)
    if roll < 0.45:
        return text.replace(" que ", " q ").replace("porque", "xq")
    if roll < 0.55:
        return text.upper()
    if roll < 0.65:
        return text.replace("o ", "ooo ", 1)
    return text


def messages(n: int, seed: int = SEED) -> list[tuple[str, bool]]:
    rng = random.Random(seed)
    everyday, crisis = _sentences("everyday"), _sentences("crisis")
    out: list[tuple[str, bool]] = []
    for i in range(n):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < TARGET_CHARS - 60:
            parts.append(_noisy(rng.choice(everyday), rng) + rng.choice((".", "!", "\n")))
        planted = i % 50 == 7
        if planted:
            parts.insert(rng.randint(1, len(parts)), rng.choice(crisis) + ".")
        out.append((" ".join(parts), planted))
    return out


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@pytest.mark.bench
def test_screen_speed_es() -> None:
    screener = _screener()
    corpus = messages(N)
    texts = [t for t, _ in corpus]
    chars = sum(len(t) for t in texts)
    for t in texts[:50]:  # warm the per-word caches, as a running bot has them
        screener.screen(t)

    results, latencies, cpu = each_timed(screener.screen, texts)

    # Every planted crisis is caught; everyday sentences strung together raise few alarms (each sentence alone
    # raises none in the corpus test, but neighbours can now meet inside one window).
    planted = [r.crisis for (_t, p), r in zip(corpus, results, strict=True) if p]
    assert all(planted)
    alarms = sum(r.crisis for (_t, p), r in zip(corpus, results, strict=True) if not p)

    big = " ".join(texts[:5])[:4000] + " ya no quiero vivir."
    big_results, t_big = timed(lambda: [screener.screen(big) for _ in range(LONG_REPEAT)])
    assert big_results[0].crisis

    _, peak = traced(lambda: [screener.screen(t) for t in texts[:TRACED]])
    p50, p99 = _percentile(latencies, 0.50), _percentile(latencies, 0.99)
    cpu50, cpu99 = _percentile(cpu, 0.50), _percentile(cpu, 0.99)
    report(
        "screen, Spanish (Screener.screen, one pass)",
        [
            ("messages", f"{N:,} generated, {chars / N:.0f} chars avg; {len(planted)} crisis planted"),
            ("alarms without a crisis", f"{alarms} of {N - len(planted)} everyday-only messages"),
            ("1,000-char message", f"p50 {p50 * 1e3:.3f} ms   p99 {p99 * 1e3:.3f} ms   (target p99 < 2 ms)"),
            ("  CPU time", f"p50 {cpu50 * 1e3:.3f} ms   p99 {cpu99 * 1e3:.3f} ms   (the screen's own cost)"),
            ("max", f"{max(latencies) * 1e3:.3f} ms; {load_average()}"),
            ("word lists", STORE.backend("es")),
            (f"{len(big)}-char message", f"{us(t_big, LONG_REPEAT, 'message')}"),
            ("peak memory", f"{mib(peak)} for {TRACED} messages"),
        ],
    )
