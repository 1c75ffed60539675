"""The screen's fast path (skipping patterns and rules whose words or classes a message lacks, cached token
starts, rules filed by class) gives exactly what a straightforward pass gives: every class hit found with no
skipping, every rule of every category tested, spans built for every class."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import load_library
from bot.domain.screen import Screen, Screener, Token
from bot.domain.screen.engine import FEAR_FOR_CHILD, SITUATION_THRESHOLD
from bot.domain.screen.rules import spans, tight_negated
from tests.bench.test_bench_matching import long_message, messages

DATA = Path(__file__).resolve().parent.parent / "data" / "screen" / "en"
LIB = load_library()
assert LIB.screener is not None
EN = LIB.screener


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        yield from [node["text"]] if isinstance(node.get("text"), str) else _texts(list(node.values()))
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


def _corpus() -> list[str]:
    texts: list[str] = []
    for path in sorted(DATA.glob("*.yaml")):
        texts.extend(_texts(yaml.safe_load(path.read_text(encoding="utf-8"))))
    # Every 8th labelled text (a few hundred, all kinds) and generated 1,000-char messages with noise.
    return texts[::8] + [t for t, _, _ in messages(60, seed=7)] + [long_message()]


def _plain_tokens(screener: Screener, text: str) -> list[Token]:
    """Tokens word by word, without the per-raw-word memory."""
    norm = screener.normalizer
    out: list[Token] = []
    for word in norm.words(text):
        if word == ",":
            out.append(Token((",",), clause=True))
        elif word[0] in ".!?;\n":
            if out and not out[-1].brk:
                out.append(Token((), True))
        else:
            out.append(Token(norm.forms(word), clause=word in norm._clause_words))
    return out


def _reference(screener: Screener, text: str) -> Screen:
    s = screener
    tokens = _plain_tokens(s, text)
    hits = s._class_hits(tokens)  # no word set: nothing skipped
    cut = s._cut_idioms(tokens)
    cut_hits = hits if cut is tokens else s._without_cut(hits, cut)

    def categories(tier: Any, toks: list[Token], class_hits: Any) -> tuple[str, ...]:
        phrase_hits = {owner for owner, _s, _e in tier.phrases.find(toks, class_hits)}
        by_class = spans(class_hits)
        return tuple(
            dict.fromkeys(
                cat.id
                for i, cat in enumerate(tier.cats)
                if i in phrase_hits or any(rule.test(toks, by_class) for rule in cat.rules)
            )
        )

    score: dict[int, int] = {}
    first: dict[int, int] = {}
    seen: set[int] = set()
    for owner, start, _end in s._keywords.find(tokens, hits):
        si, weight = s._weights[owner]
        first[si] = min(start, first.get(si, start))
        if owner not in seen:
            seen.add(owner)
            score[si] = score.get(si, 0) + weight
    ranked = sorted((si for si, v in score.items() if v >= SITUATION_THRESHOLD), key=lambda si: (-score[si], first[si]))
    situations = tuple(s._situation_ids[si] for si in ranked)
    about_child = any(name in hits for name in s._about_child)
    crisis = categories(s._crisis_tier, cut, cut_hits)
    # Strong signals: uncut tokens; a phrase counts unless a tight negation cancels it (rules do that themselves).
    by_class = spans(hits)
    strong_phrases = {
        owner
        for owner, start, _end in s._strong_phrases.find(tokens, hits)
        if not tight_negated(start, tokens, by_class, s._strong_reach)
    }
    strong = {
        cat.id
        for i, cat in enumerate(s._strong)
        if i in strong_phrases or any(rule.test(tokens, by_class) for rule in cat.rules)
    }
    crisis = tuple(cat.id for cat in s._crisis if cat.id in strong or cat.id in crisis)
    if crisis:
        return Screen("crisis", crisis, FEAR_FOR_CHILD in crisis, situations, about_child)
    distress = categories(s._distress_tier, tokens, hits)
    if distress:
        return Screen("distress", distress, False, situations, about_child)
    return Screen("hard" if situations else "none", (), False, situations, about_child or bool(situations))


CORPUS = _corpus()


def test_corpus_is_a_few_hundred_varied_messages() -> None:
    assert len(CORPUS) >= 300
    levels = {EN.screen(t).level for t in CORPUS}
    assert levels == {"crisis", "distress", "hard", "none"}


@pytest.mark.parametrize("chunk", range(4))
def test_fast_screen_equals_straightforward_pass(chunk: int) -> None:
    # The rules alone: the learned tier's inference has its own equivalence test (test_screen_learned.py).
    saved, EN.learned = EN.learned, None
    try:
        for text in CORPUS[chunk::4]:
            assert EN.normalizer.tokens(text) == _plain_tokens(EN, text), text
            assert EN.screen(text) == _reference(EN, text), text
    finally:
        EN.learned = saved
