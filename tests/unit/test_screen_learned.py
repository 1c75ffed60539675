"""The screen's learned tier (bot/domain/screen/learned.py): the shipped models match the corpus they were
trained on, inference computes exactly what the trainer's features describe, and the engine hears the model
only after its rules."""

from __future__ import annotations

import json
import math
import random
from array import array
from pathlib import Path
from typing import Any

import pytest

from bot.content import DEFAULT_CONTENT_DIR, load_library
from bot.domain.screen import Screener, Token
from bot.domain.screen.learned import (
    FORMAT,
    FeatureSettings,
    LearnedScreen,
    features,
    hashed,
    load,
    model_path,
    pack,
    pack_head,
)
from bot.screen_train import CORPUS_DIR, corpus_hash

LOCALES = sorted(p.name for p in CORPUS_DIR.iterdir() if p.is_dir())
SETTINGS = FeatureSettings()


def _raw(weights: dict[str, dict[str, float]], thresholds: dict[str, float] | None = None) -> dict[str, Any]:
    """A hand-made model: ``weights`` maps a feature to class -> weight (level and situation classes)."""
    level = ["distress", "fear_of_harming_child", "ideation", "none"]
    situation = ["none", "tantrum"]
    classes = level + situation
    rows = sorted({hashed(f, SETTINGS): w for f, w in weights.items()}.items())
    scale = 1 / 1000
    ints = [[round(w.get(c, 0.0) / scale) for c in classes] for _b, w in rows]
    return {
        "format": FORMAT,
        "corpus_sha256": "",
        "features": {"bits": SETTINGS.bits, "char_min": 3, "char_max": 5, "bigrams": True},
        "thresholds": thresholds or {"crisis": 0.5, "distress": 0.5, "situation": 0.5},
        "level": {
            "classes": level,
            "intercept": [0.0, 0.0, 0.0, 3.0],
            "scale": [scale] * len(level),
            **pack_head(r[: len(level)] for r in ints),
        },
        "situation": {
            "classes": situation,
            "intercept": [3.0, 0.0],
            "scale": [scale] * len(situation),
            **pack_head(r[len(level) :] for r in ints),
        },
        "buckets": pack(array("I", [b for b, _w in rows])),
    }


TOY = _raw(
    {
        "w zorblax": {"ideation": 30.0},
        "w quelf": {"fear_of_harming_child": 30.0},
        "w glumph": {"distress": 30.0},
        "w snorf": {"tantrum": 30.0},
    }
)


@pytest.fixture(scope="module")
def english() -> Screener:
    library = load_library(locale="en")
    assert library.screener is not None
    return library.screener


@pytest.mark.parametrize("locale", LOCALES)
def test_model_was_trained_on_this_corpus(locale: str) -> None:
    path = model_path(DEFAULT_CONTENT_DIR, locale)
    if not path.is_file():
        pytest.skip(f"no learned tier for {locale}: its screen runs on rules alone")
    model = load(path)
    assert model is not None
    assert model.corpus_sha256 == corpus_hash(CORPUS_DIR / locale), (
        f"{path.name} was trained on another version of tests/data/screen/{locale}: retrain it with "
        f"`python -m bot content train-screen --locale {locale}` (needs the dev extra) and commit the file"
    )


def test_scores_are_what_the_trainer_counts(english: Screener) -> None:
    """Inference (per-word parts, remembered) equals the trainer's formula over ``features``."""
    model = english.learned
    if model is None:
        pytest.skip("no English model")
    rows = dict(zip(model.buckets, range(len(model.buckets)), strict=True))
    rng = random.Random(7)
    words = ["my", "son", "keeps", "screaming", "and", "i", "cant", "cope", "anymore", "5yo", "kiiids", "sucide"]
    words += ["the", "baby", "tired", ".", "!", "mum", "don't", "she's", "hurt"]
    for _ in range(30):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 25)))
        tokens = english.normalizer.tokens(text)
        feats = features(tokens, model.settings)
        expected = list(model.intercepts)
        for f in feats:
            r = rows.get(hashed(f, model.settings))
            if r is not None:
                for k, weight in enumerate(model.row(r)):
                    expected[k] += weight / math.sqrt(len(feats))
        for _twice in range(2):  # cold, then from the remembered word parts
            assert model.scores(tokens) == pytest.approx(expected, abs=1e-9)


def test_english_model_hears_fresh_phrasings(english: Screener) -> None:
    model = english.learned
    if model is None:
        pytest.skip("no English model")
    for text, category in (
        ("i've been saving my tablets so i can take them all at once", "means"),
        ("honestly think my family would cope better if i was not around", "ideation"),
    ):
        guess = model.guess(english.normalizer.tokens(text))
        assert guess.crisis == category, (text, guess)
    for text in ("thanks, the bath time card went really well", "what time does tomorrow's prompt arrive?"):
        guess = model.guess(english.normalizer.tokens(text))
        assert guess.crisis is None and not guess.distress, (text, guess)


def test_engine_hears_the_model_after_its_rules(english: Screener) -> None:
    saved = english.learned
    english.learned = LearnedScreen(TOY)
    try:
        s = english.screen("zorblax")
        assert (s.level, s.categories, s.fear_for_child) == ("crisis", ("ideation",), False)
        s = english.screen("quelf")
        assert (s.level, s.categories, s.fear_for_child) == ("crisis", ("fear_of_harming_child",), True)
        s = english.screen("glumph")
        assert (s.level, s.categories) == ("distress", ())
        assert english.screen("snorf").situations == ("tantrum",)
        # The rules speak first: their crisis category stands.
        assert english.screen("i want to kill myself zorblax").categories != ("fear_of_harming_child",)
        # The rules' situations are kept; the model's goes first when it is sure of it (snorf: tantrum).
        english.learned = None
        rules = english.screen("snorf she bit her little brother at nursery").situations
        english.learned = LearnedScreen(TOY)
        assert rules == ("biting",)
        assert english.screen("snorf she bit her little brother at nursery").situations == ("tantrum", "biting")
        unsure = LearnedScreen({**TOY, "thresholds": {**TOY["thresholds"], "override": 1.01}})
        english.learned = unsure
        assert english.screen("snorf she bit her little brother at nursery").situations == rules
        assert english.screen("we had a lovely walk").level == "none"
    finally:
        english.learned = saved


def test_a_cut_idiom_stops_the_model_only_when_the_model_says_so(english: Screener) -> None:
    saved = english.learned
    try:
        english.learned = LearnedScreen(TOY)
        assert english.screen("she was killing it zorblax").crisis
        english.learned = LearnedScreen({**TOY, "idioms_stop_crisis": True})
        assert not english.screen("she was killing it zorblax").crisis
        assert english.screen("zorblax").crisis
    finally:
        english.learned = saved


def test_the_model_sets_aside_a_plain_rule_crisis_it_reads_as_a_joke_never_a_strong_one(english: Screener) -> None:
    joking = _raw(
        {**{f: {"ideation": 30.0} for f in ("w zorblax",)}, "w jaja": {"none": 30.0}},
        {"crisis": 0.5, "distress": 0.5, "situation": 0.5, "veto_below": 0.05},
    )
    assert english.rule_tiers("my husband hits me") == ((), ("violence",))  # plain rules only
    assert english.rule_tiers("i want to die")[0]  # a strong signal
    saved = english.learned
    try:
        english.learned = LearnedScreen(joking)
        assert not english.screen("my husband hits me jaja").crisis
        assert english.screen("i want to die jaja").crisis  # strong signals are never set aside
        assert english.screen("my husband hits me").crisis  # the model is unsure: the rules stand
        # One sentence the model does not read as a joke keeps the crisis, however jokey the rest.
        assert english.screen("jaja jaja jaja. my husband hits me. jaja jaja").crisis
        # Only the sentences the rules found the crisis in are weighed, not one elsewhere that leans a little.
        leaning = "my husband hits me jaja jaja jaja jaja jaja jaja. zorblax"
        assert english.learned.vetoes(english.normalizer.tokens(leaning), None) is False  # every sentence
        assert not english.screen(leaning).crisis
        english.learned = LearnedScreen({**joking, "thresholds": {**joking["thresholds"], "veto_below": None}})
        assert english.screen("my husband hits me jaja").crisis  # no veto in this model
    finally:
        english.learned = saved


def test_a_likely_fear_of_harming_ones_child_gets_the_immediate_step(english: Screener) -> None:
    torn = _raw({"w blurp": {"ideation": 30.0, "fear_of_harming_child": 29.0}, "w zorblax": {"ideation": 30.0}})
    saved = english.learned
    try:
        english.learned = LearnedScreen(torn)
        s = english.screen("blurp")  # the model's likeliest reading is ideation, fear a close second
        assert s.crisis and s.fear_for_child and s.categories == ("ideation", "fear_of_harming_child")
        assert not english.screen("zorblax").fear_for_child
        # A crisis the rules found gets the step too when the model finds the fear likely.
        assert english.rule_tiers("my husband hits me") == ((), ("violence",))
        assert english.screen("my husband hits me blurp").fear_for_child
        assert not english.screen("my husband hits me").fear_for_child
    finally:
        english.learned = saved


def test_distress_the_rules_find_does_not_hide_a_crisis_the_model_hears(english: Screener) -> None:
    saved = english.learned
    try:
        english.learned = None
        assert english.screen("i can't cope anymore").level == "distress"  # the rules' reading
        english.learned = LearnedScreen(TOY)
        s = english.screen("i can't cope anymore zorblax")
        assert (s.level, s.categories) == ("crisis", ("ideation",))
        s = english.screen("i can't cope anymore")
        assert s.level == "distress" and s.categories  # the rules' distress kinds stand
    finally:
        english.learned = saved


def test_the_model_ranks_the_situations_the_rules_found(english: Screener) -> None:
    never = LearnedScreen({**TOY, "thresholds": {**TOY["thresholds"], "override": 1.01}})
    tokens = english.normalizer.tokens("snorf")
    assert never.rerank(tokens, ("biting", "tantrum")) == ("tantrum", "biting")  # its pick, found by the rules
    assert never.rerank(tokens, ("biting",)) == ("biting",)  # not found, and not sure enough to add it
    assert LearnedScreen(TOY).rerank(tokens, ("biting",)) == ("tantrum", "biting")


def test_no_model_file_means_rules_alone(tmp_path: Path) -> None:
    assert load(tmp_path / "en.model.json") is None
    bad = tmp_path / "bad.model.json"
    bad.write_text(json.dumps({"format": 1, "features": {}}), encoding="utf-8")
    with pytest.raises(ValueError, match="unreadable model"):
        load(bad)
    bad.write_text(json.dumps({**TOY, "format": 99}), encoding="utf-8")
    with pytest.raises(ValueError, match="format"):
        load(bad)


def test_hashing_is_stable_across_processes() -> None:
    # crc32, not hash(): a model trained in one process must read the same buckets in another.
    assert hashed("w suicide", FeatureSettings(bits=20)) == 788522
    tokens = [Token(("kids", "kid")), Token((), brk=True), Token(("cry",))]
    assert features(tokens, FeatureSettings(char_min=3, char_max=3)) == [
        "w kids",
        "w kid",
        "c  ki",
        "c kid",
        "c ids",
        "c ds ",
        "w cry",
        "c  cr",
        "c cry",
        "c ry ",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "i would never hurt my baby zorblax",  # a crisis rule's words, a tight negation before them
        "i don't want to die zorblax",  # a strong signal, negated
        "i would never shake my baby zorblax",
        "not suicidal zorblax",
    ],
)
def test_a_negated_crisis_statement_stops_the_model(english: Screener, text: str) -> None:
    """The rules heard the crisis words and a negation ruling them out: the model may not raise them again."""
    saved = english.learned
    try:
        english.learned = LearnedScreen(TOY)
        assert not english.screen(text).crisis, english.fired(text)
        assert any(line.endswith("(negated)") for line in english.fired(text)), english.fired(text)
        # Without the negation the rules (or the model) raise it; a negation elsewhere does not stop the model.
        assert english.screen(text.replace("never ", "").replace("not ", "").replace("don't ", "")).crisis
        assert english.screen("zorblax. it's not fair").crisis
    finally:
        english.learned = saved


def test_the_situation_head_is_heard_only_when_asked() -> None:
    model = LearnedScreen(TOY)
    tokens = [Token(("snorf",))]
    assert model.guess(tokens).situation == "tantrum"
    assert model.guess(tokens, situation=False).situation is None
    # A crisis or distress reading skips it too: the engine would not use it.
    assert model.guess([Token(("zorblax",)), Token(("snorf",))]).situation is None


def test_dev_sets_are_trained_on_but_never_a_fold(tmp_path: Path) -> None:
    from bot.screen_train import _group, is_dev

    assert [_group(tmp_path / f"{n}.yaml") for n in ("crisis", "crisis_set7", "everyday_set6dev")] == [
        "set1",
        "set7",
        "set6dev",
    ]
    assert is_dev("set6dev") and is_dev("set2dev") and not is_dev("set6")
