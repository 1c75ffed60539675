"""Matching speed: crisis screening and help-card situations over realistic parent messages.

2000 generated messages (seeded, so every run sees the same text) mix everyday chat, situation cues, idioms
the crisis screen must ignore, a few real crisis sentences, and the noise people type: curly apostrophes,
emoji, stretched letters, leetspeak, shouting, ages like "5yo". Plus one message at Telegram's 4096-char limit.
"""

from __future__ import annotations

import random

import pytest

from bot.content import Library
from bot.domain.matching import CrisisMatcher, SituationMatcher
from tests.bench.util import mib, report, timed, traced, us

N = 2000
LONG_REPEAT = 50
TRACED = 500
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
    ("{who} told me she wants to kill herself", "suicide"),
    ("he said he doesn't want to be alive anymore", "suicide"),
    ("I think {who} is self-harming, there were razors in the drawer", "self_harm"),
    ("my husband hits me when the kids are asleep", "domestic_violence"),
    ("I'm scared I'm going to hurt my baby", "child_danger"),
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


def messages(n: int, seed: int = SEED) -> list[tuple[str, set[str], str | None]]:
    """``(text, situations it must match, crisis category it must match or None)``."""
    rng = random.Random(seed)
    out: list[tuple[str, set[str], str | None]] = []
    for i in range(n):
        parts = [rng.choice(OPENERS)]
        expected: set[str] = set()
        crisis = None
        for clause, situation in rng.sample(CLAUSES, rng.randint(1, 4)):
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


@pytest.mark.bench
def test_matching_speed(library: Library) -> None:
    assert library.safety is not None
    crisis = CrisisMatcher(library.safety)
    situations = SituationMatcher(library.situations.values())
    corpus = messages(N)
    texts = [t for t, _, _ in corpus]
    chars = sum(len(t) for t in texts)

    crisis_hits, t_crisis = timed(lambda: [crisis.match(t) for t in texts])
    situation_hits, t_situation = timed(lambda: [situations.match(t) for t in texts])

    # Correctness: every planted crisis is caught, no idiom or everyday message raises a false alarm, and
    # every situation cue points to its card.
    for (text, expected, category), found, sits in zip(corpus, crisis_hits, situation_hits, strict=True):
        assert found == ([category] if category else []), text
        assert expected <= set(sits), text
    flagged = sum(bool(f) for f in crisis_hits)
    assert flagged == sum(1 for _, _, c in corpus if c)

    big = long_message()
    assert len(big) == 4096
    big_hits, t_big_crisis = timed(lambda: [crisis.match(big) for _ in range(LONG_REPEAT)])
    big_sits, t_big_situation = timed(lambda: [situations.match(big) for _ in range(LONG_REPEAT)])
    assert big_hits[0] == ["suicide"]
    assert len(big_sits[0]) >= 5

    _, peak = traced(lambda: ([crisis.match(t) for t in texts[:TRACED]], [situations.match(t) for t in texts[:TRACED]]))
    _, peak_big = traced(lambda: (crisis.match(big), situations.match(big)))

    report(
        "matching (CrisisMatcher / SituationMatcher)",
        [
            ("messages", f"{N:,} generated, {chars / N:.0f} chars avg; {flagged} crisis disclosures"),
            ("crisis screen", f"{us(t_crisis, N, 'message')}   ({N / t_crisis:,.0f} messages/s)"),
            ("situation match", f"{us(t_situation, N, 'message')}   ({N / t_situation:,.0f} messages/s)"),
            ("4096-char crisis", f"{us(t_big_crisis, LONG_REPEAT, 'message')}"),
            ("4096-char situation", f"{us(t_big_situation, LONG_REPEAT, 'message')}"),
            (
                "peak memory",
                f"{mib(peak)} for {TRACED} messages (both matchers); {mib(peak_big)} for the 4096-char one",
            ),
        ],
    )
