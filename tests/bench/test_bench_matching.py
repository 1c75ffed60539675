"""Screen speed: crisis, distress and help-card situations in one pass over realistic parent messages.

Generated messages (seeded, so every run sees the same text) of about 1,000 characters mix everyday chat,
situation cues, idioms the crisis screen must ignore, a few real crisis sentences, and the noise people type:
curly apostrophes, emoji, stretched letters, leetspeak, shouting, ages like "5yo". Plus one message at
Telegram's 4096-char limit. Target: p99 under 2 ms for screen + match of a 1,000-character message.
"""

from __future__ import annotations

import random
import time

import pytest

from bot.content import Library
from bot.domain.screen import Screener
from bot.domain.screen.lexicon import STORE
from tests.bench.util import each_timed, load_average, mib, report, timed, traced, us

N = 1000
LONG_REPEAT = 50
TRACED = 200
TARGET_CHARS = 1000
SEED = 20260302

OPENERS = (
    "Hi,",
    "Help!",
    "Quick question:",
    "Not sure if this is the right place but",
    "Ugh.",
    "So",
    "Honestly",
    "Long day…",
    "",
    "",
)
NAMES = ("my son", "my daughter", "Mia", "Leo", "our 4yo", "my 7 year old", "the twins", "my teen", "he", "she")
# (clause, situation it should point to, or None)
CLAUSES: tuple[tuple[str, str | None], ...] = (
    ("{who} had a massive tantrum at the supermarket when I said no to sweets", "tantrum"),
    ("{who} threw herself on the floor screaming because her socks felt wrong", "tantrum"),
    ("every evening ends in a meltdown before bath time", "tantrum"),
    ("{who} keeps hitting his little sister and laughs about it", "hitting"),
    ("{who} bit another kid at nursery today", "hitting"),
    ("{who} and her brother fight about everything, all day long", "siblings"),
    ("{who} is so jealous of the new baby since she was born", "siblings"),
    ("{who} wakes up with nightmares nearly every night", "night_fear"),
    ("{who} is scared of the dark and won't sleep alone", "night_fear"),
    ("{who} refuses to go to school in the mornings", "school"),
    ("homework turns into a fight every single day", "school"),
    ("the iPad is the only thing that calms {who} down", "screens"),
    ("screen time is a daily battle in our house", "screens"),
    ("{who} slammed the door and won't talk to me", "door_silence"),
    ("{who} just shuts himself in his room after dinner", "door_silence"),
    ("{who} says nobody wants to be her friend at school", "friendship"),
    ("{who} wasn't picked for the team and is so disappointed", "disappointment"),
    ("we had a lovely walk by the river this afternoon", None),
    ("{who} ate all of the broccoli for once!!", None),
    ("I'm not sure what to say when {who} asks about grandma", None),
    ("how do I get {who} to brush teeth without a fight", None),
    ("I'm dying to know how other parents handle bedtime", None),
    ("she was killing it at the swimming lesson", None),
    ("that chocolate cake was to die for honestly", None),
    ("we were just killing time at the station", None),
    ("I could kill for a full night's sleep", None),
    ("bedtime takes 2hrs and I'm exhausted", None),
    ("{who} is sooooo grumpy after the long car ride", None),
)
CRISIS: tuple[tuple[str, str], ...] = (
    ("I found cuts on her arms last night", "self_harm"),
    ("{who} told me she wants to kill herself", "ideation"),
    ("he said he doesn't want to be alive anymore", "ideation"),
    ("I think {who} is self-harming, there were razors in the drawer", "self_harm"),
    ("my husband hits me when the kids are asleep", "violence"),
    ("I'm scared I'm going to hurt my baby", "fear_of_harming_child"),
)
ENDINGS = ("Any tips?", "What do I do?", "😩", "🙏", "Thanks.", "…", "", "Is this normal?!", "lol")
NOISE = ("’", "'", "!!!", "??", " 😭", " x")


def _noisy(text: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.15:
        text = text.replace("'", "\u2019")  # phone keyboards type curly apostrophes
    elif r < 0.25:
        text = text.upper()
    elif r < 0.30:
        text = text.replace("so ", "sooooo ").replace("e", "3", 1)
    return text + (rng.choice(NOISE) if rng.random() < 0.3 else "")


def messages(n: int, seed: int = SEED, chars: int = TARGET_CHARS) -> list[tuple[str, set[str], str | None]]:
    """``(text, situations cued, crisis category it must match or None)``, each about ``chars`` long."""
    rng = random.Random(seed)
    out: list[tuple[str, set[str], str | None]] = []
    for i in range(n):
        parts = [rng.choice(OPENERS)]
        expected: set[str] = set()
        crisis = None
        while sum(len(p) + 1 for p in parts) < chars - 60:
            clause, situation = rng.choice(CLAUSES)
            parts.append(_noisy(clause.format(who=rng.choice(NAMES)), rng) + rng.choice((".", ",", " and", "!")))
            if situation:
                expected.add(situation)
        if i % 50 == 7:  # 2% of messages are a crisis disclosure
            text, crisis = CRISIS[(i // 50) % len(CRISIS)]
            parts.insert(rng.randint(1, len(parts)), text.format(who=rng.choice(NAMES)) + ".")
        parts.append(rng.choice(ENDINGS))
        out.append((" ".join(p for p in parts if p), expected, crisis))
    return out


def long_message(rng_seed: int = SEED, limit: int = 4096) -> str:
    """A 4096-char rant with the one crisis sentence at the very end, so the whole text must be scanned."""
    rng = random.Random(rng_seed)
    tail = " Sometimes I think he wants to kill himself."
    body = ""
    while len(body) < limit:
        body += " " + rng.choice(CLAUSES)[0].format(who=rng.choice(NAMES)) + rng.choice((".", ",", "!"))
    return body[: limit - len(tail)] + tail


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@pytest.mark.bench
def test_screen_speed(library: Library) -> None:
    screener = library.screener
    assert isinstance(screener, Screener)
    corpus = messages(N)
    texts = [t for t, _, _ in corpus]
    chars = sum(len(t) for t in texts)
    for t in texts[:50]:  # warm the per-word caches, as a running bot has them
        screener.screen(t)

    results, latencies, cpu = each_timed(screener.screen, texts)

    # Correctness: every planted crisis is caught with its category, no idiom or everyday clause raises an
    # alarm, and a message with situation cues gets a card.
    for (text, expected, category), result in zip(corpus, results, strict=True):
        if category:
            assert result.crisis and category in result.categories, text
        elif expected:
            assert result.situations, text
    flagged = sum(r.crisis for r in results)
    # The rules raise no alarm on these everyday clauses; the learned tier may, within its budget (thresholds
    # allow it 0.5% of everyday text): 1,000 characters of stacked run-on clauses are longer than its corpus.
    plain = [text for text, _e, category in corpus if not category]
    alarms = sum(r.crisis for (_t, _e, category), r in zip(corpus, results, strict=True) if not category)
    saved, screener.learned = screener.learned, None
    try:
        assert not any(screener.screen(text).crisis for text in plain)
    finally:
        screener.learned = saved
    assert alarms <= 0.01 * len(plain)

    big = long_message()
    assert len(big) == 4096
    big_results, t_big = timed(lambda: [screener.screen(big) for _ in range(LONG_REPEAT)])
    assert big_results[0].crisis and "ideation" in big_results[0].categories

    _, peak = traced(lambda: [screener.screen(t) for t in texts[:TRACED]])
    p50, p99 = _percentile(latencies, 0.50), _percentile(latencies, 0.99)
    cpu50, cpu99 = _percentile(cpu, 0.50), _percentile(cpu, 0.99)
    report(
        "screen + match (Screener.screen, one pass)",
        [
            ("messages", f"{N:,} generated, {chars / N:.0f} chars avg; {flagged} flagged as crisis"),
            ("everyday alarms", f"{alarms} of {len(plain)} (rules alone: 0; the rest from the learned tier)"),
            ("1,000-char message", f"p50 {p50 * 1e3:.3f} ms   p99 {p99 * 1e3:.3f} ms   (target p99 < 2 ms)"),
            ("  CPU time", f"p50 {cpu50 * 1e3:.3f} ms   p99 {cpu99 * 1e3:.3f} ms   (the screen's own cost)"),
            ("max", f"{max(latencies) * 1e3:.3f} ms; {load_average()}"),
            ("word lists", STORE.backend("en")),
            ("4096-char message", f"{us(t_big, LONG_REPEAT, 'message')}"),
            ("peak memory", f"{mib(peak)} for {TRACED} messages"),
        ],
    )


@pytest.mark.bench
def test_learned_tier_speed(library: Library) -> None:
    """The learned tier alone (bot/domain/screen/learned.py), on a first pass (its word memory empty at the
    start) and again, and its size in memory. The screen above already includes it: it is heard whenever the
    rules find nothing."""
    from bot.content import DEFAULT_CONTENT_DIR
    from bot.domain.screen.learned import load, model_path

    screener = library.screener
    assert isinstance(screener, Screener)
    path = model_path(DEFAULT_CONTENT_DIR, "en")
    if screener.learned is None:
        pytest.skip("no learned tier for en")
    model, size = traced(lambda: load(path))
    assert model is not None
    texts = [t for t, _, _ in messages(N, seed=SEED + 1)]
    token_lists = [screener.normalizer.tokens(t) for t in texts]

    def run() -> list[float]:
        out = []
        for tokens in token_lists:
            start = time.perf_counter()
            model.guess(tokens)
            out.append(time.perf_counter() - start)
        return out

    cold, warm = run(), run()

    def pct(samples: list[float]) -> str:
        return f"p50 {_percentile(samples, 0.5) * 1e3:.3f} ms   p99 {_percentile(samples, 0.99) * 1e3:.3f} ms"

    report(
        "learned tier (LearnedScreen.guess on the screen's tokens)",
        [
            ("model", f"{path.stat().st_size / 1024:.0f} KiB file, {len(model.buckets):,} buckets, {mib(size)} loaded"),
            ("first pass, 1,000 chars", pct(cold)),
            ("warm, 1,000 chars", pct(warm)),
        ],
    )
