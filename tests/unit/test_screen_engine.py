"""The screen engine on the tricky shapes: normalising, spelling, negation, idioms, actors and severity, order,
multi-sentence messages. Part runs on a tiny rule file (the engine alone), part on the real English rules."""

from __future__ import annotations

from typing import Any

import pytest

from bot.content import SafetyFile, Situation, load_library
from bot.domain.screen import Normalizer, Screen, ScreenConfigError, Screener

LIB = load_library()
assert LIB.screener is not None
EN = LIB.screener


def tiny(**over: Any) -> Screener:
    data: dict[str, Any] = {
        "language": "en",
        "about_child": ["child"],
        "contractions": {"-n't": "not", "-'ll": "will", "can't": "can not", "dont": "do not"},
        "inflections": {"ing": ["", "e"]},
        "lexicon": {
            "negation": ["not", "never"],
            "self": ["i", "me"],
            "child": ["child", "son", "baby"],
            "want": ["want", "wish"],
            "die": ["die", "dead"],
            "harm": ["hurt", "strangle"],
            "fear": ["scared i", "afraid i"],
            "accident": ["fell", "fall"],
            "actor": ["<adult>"],
            "adult": ["husband", "ex"],
            "actor_hits": ["<adult> hit", "<adult> * hit"],
        },
        "idioms": ["dying to", "kill it"],
        "categories": [
            {
                "id": "ideation",
                "label": "Ideation",
                "covers": "wanting to die",
                "phrases": ["suicid*"],
                "rules": [{"all": ["self", "want", "die"], "ordered": True}],
            },
            {
                "id": "fear_of_harming_child",
                "label": "Fear",
                "covers": "fear of hurting one's child",
                "rules": [{"all": ["fear", "harm", "child"], "ordered": True, "unless": ["accident"]}],
            },
            {
                "id": "violence",
                "label": "Violence",
                "covers": "an adult hitting someone",
                "rules": [{"all": ["actor_hits", "self"], "within": 5}, {"all": ["kill", "self"], "within": 3}],
            },
        ],
        "distress": [
            {"id": "overwhelm", "label": "Overwhelm", "covers": "not coping", "phrases": ["can not cope"]},
        ],
        "resources": "Call your local emergency number now.",
        "fear_step": "Put your child down somewhere safe and step out.",
    }
    data.update(over)
    situations = [Situation(id="tantrum", title="Tantrum", keywords=("tantrum", {"scream": 1}, {"floor": 1}))]
    return Screener(SafetyFile.model_validate(data), situations)


@pytest.fixture(scope="module")
def small() -> Screener:
    return tiny()


def test_normaliser_opens_contractions_before_dropping_apostrophes() -> None:
    n = Normalizer("en", {"-n't": "not", "-'ll": "will", "can't": "can not", "im": "i am"}, ())
    words = n.words("I can\u2019t, she won't. I'll, im ok")
    assert words == ["i", "can", "not", ",", "she", "wo", "not", ".", "i", "will", ",", "i", "am", "ok"]
    assert n.words("k1ll m3 selfh@rm 5yo") == ["kill", "me", "selfharm", "5yo"]


def test_forms_cover_stretched_letters_lemmas_typos_and_units(small: Screener) -> None:
    forms = small.normalizer.forms
    assert "die" in forms("diiiie")
    assert "die" in forms("dying")
    assert "strangle" in forms("stangle")  # an unknown word close to a word the rules use
    assert forms("hat") == ("hat",)  # a known word is never "corrected"
    assert "yo" in forms("4yo")


def test_negation_stops_at_a_comma_or_a_clause_word() -> None:
    screener = tiny(clause_words=["but"])
    assert screener.screen("No, I want to die").crisis
    assert screener.screen("not sure but i want to die").crisis
    assert not screener.screen("i do not want to die").crisis


def test_ordered_rule_negation_and_sentence_breaks(small: Screener) -> None:
    assert small.screen("I want to die").categories == ("ideation",)
    assert small.screen("I wish I was dead").crisis
    assert not small.screen("I don't want to die").crisis
    assert not small.screen("I never want to die").crisis
    # A negator in an earlier sentence does not reach the next one.
    assert small.screen("Not a good day. I want to die.").crisis
    # Order matters: "dead ... want ... me" is not the ordered shape.
    assert not small.screen("the battery is dead and I want a new one").crisis


def test_phrases_prefixes_and_typos(small: Screener) -> None:
    assert small.screen("feeling suicidal tonight").crisis
    assert small.screen("I want to diiiie").crisis
    assert small.screen("im scared ill stangle my baby").crisis is False  # "ill" is a word: not "I will"
    assert small.screen("I'm scared I'll stangle my baby").fear_for_child


def test_idioms_are_cut_but_a_real_crisis_in_the_same_message_still_fires(small: Screener) -> None:
    assert not small.screen("I'm dying to know how it went").crisis
    assert small.screen("I'm dying to know how it went. Honestly I want to die.").crisis


def test_the_sentences_a_plain_crisis_was_found_in(small: Screener) -> None:
    """What the learned tier's veto weighs: the sentences holding a rule's or a phrase's match, each whole."""
    from bot.domain.screen.fired import crisis_sentences

    def where(text: str) -> list[str]:
        tokens = small.normalizer.tokens(text)
        present = {f for t in tokens for f in t.forms}
        hits = small._class_hits(tokens, present)
        cut = small._cut_idioms(tokens, present)
        return [" ".join(t.forms[0] for t in s) for s in crisis_sentences(small, tokens, cut, hits, present)]

    assert where("Lovely walk today. Honestly I want to die. We had cake.") == ["honestly i want to die"]
    assert where("So tired. Feeling suicidal again") == ["feeling suicidal again"]
    assert where("I'm dying to know how it went. It was fine.") == []  # the idiom is cut first
    assert where("I want to die. I want to die.") == ["i want to die", "i want to die"]


def test_unless_class_in_the_same_sentence_cancels_a_rule(small: Screener) -> None:
    assert not small.screen("I'm scared I'll fall and hurt the baby").crisis
    assert small.screen("He fell asleep. I'm scared I'll hurt the baby.").crisis


def test_derived_classes_name_other_classes(small: Screener) -> None:
    assert small.screen("my husband hit me").categories == ("violence",)
    assert small.screen("my ex often hit me").crisis
    assert not small.screen("he hit me").crisis  # no adult named: a toddler hitting is a hard moment


def test_rule_items_that_are_not_classes_are_literal_words(small: Screener) -> None:
    assert small.screen("he will kill me").crisis
    assert not small.screen("you will kill it at the show").crisis  # the idiom is cut first


def test_distress_below_crisis_and_situations_with_weights(small: Screener) -> None:
    assert small.screen("I can't cope").level == "distress"
    both = small.screen("I can't cope. I want to die.")
    assert both.level == "crisis" and both.categories == ("ideation",)
    assert small.screen("a tantrum again").situations == ("tantrum",)
    assert small.screen("screaming on the floor").situations == ("tantrum",)  # two weak clues
    assert small.screen("screaming in the car").situations == ()  # one weak clue is not enough
    assert small.screen("my son is quiet").about_child


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"lexicon": {"self": ["i"]}}, "negation"),
        ({"about_child": ["nope"]}, "about_child"),
        ({"idioms": ["* it"]}, "can't start or end"),
        ({"idioms": ["<self> it"]}, "no <class> in idioms"),
    ],
)
def test_broken_rule_files_are_refused_with_a_clear_message(bad: dict[str, Any], message: str) -> None:
    with pytest.raises(ScreenConfigError, match=message):
        tiny(**bad)


def test_a_class_may_not_name_a_class_that_names_classes() -> None:
    with pytest.raises(ScreenConfigError, match="plain one"):
        tiny(
            lexicon={
                "negation": ["not"],
                "self": ["i"],
                "child": ["son"],
                "a": ["<self> x"],
                "b": ["<a> y"],
            },
            categories=[{"id": "ideation", "label": "x", "covers": "xxxxxxxxxx", "phrases": ["q"]}],
        )


# --- the real English rules -----------------------------------------------------------------------------


def level(text: str) -> Screen:
    return EN.screen(text)


@pytest.mark.parametrize(
    "text",
    [
        "sometimes I feel like I could shake him",
        "I'm terrified I'll smother her",
        "i keep picturing hurting my newborn",
        "I'm scared I'll hurt him",
    ],
)
def test_fear_of_harming_ones_child_gets_the_step(text: str) -> None:
    result = level(text)
    assert result.crisis and result.fear_for_child, text


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("thinkin about sucide again", "ideation"),
        ("they'd all be better off without me", "ideation"),
        ("i dont want to be here anymore", "ideation"),
        ("My partner has been hitting me", "violence"),
        ("her stepdad choked her", "violence"),
        ("my daughter is cutting herself", "self_harm"),
        ("took a whole packet of paracetamol", "means"),
        ("a man online told him to keep their chats secret and send photos", "sexual_abuse"),
        ("the kids haven't eaten for two days", "neglect"),
        ("my toddler is not breathing", "medical"),
        ("we had a great day at the park. then at bedtime she said she wants to kill herself", "ideation"),
    ],
)
def test_crisis_shapes(text: str, category: str) -> None:
    result = level(text)
    assert result.crisis and category in result.categories, (text, result)


@pytest.mark.parametrize(
    "text",
    [
        "he hit his sister with a toy",
        "she bit me when I took the crayon",
        "she cut herself a slice of cake",
        "he fell off his bike and hurt himself",
        "killing it at work today",
        "I could murder a pizza",
        "the heat is killing me",
        "I'm dying to know what you think",
        "I would never hurt my baby",
        "we're drowning in laundry",
    ],
)
def test_everyday_and_hard_moments_are_not_a_crisis(text: str) -> None:
    assert not level(text).crisis, text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I shouted at her and feel awful", "guilt"),
        ("I keep losing my temper", "temper"),
        ("I'm such a failure", "failure"),
        ("I can't cope anymore", "overwhelm"),
    ],
)
def test_distress_shapes(text: str, kind: str) -> None:
    result = level(text)
    assert result.level == "distress" and kind in result.categories, (text, result)


def test_a_cards_file_may_not_reuse_a_safety_class_name(small: Screener) -> None:
    safety = SafetyFile.model_validate(
        {
            "language": "en",
            "about_child": ["child"],
            "lexicon": {"negation": ["not"], "child": ["son"]},
            "categories": [{"id": "ideation", "label": "x", "covers": "xxxxxxxxxx", "phrases": ["q"]}],
            "resources": "Call your local emergency number now.",
            "fear_step": "Put your child down somewhere safe and step out.",
        }
    )
    with pytest.raises(ScreenConfigError, match="defined in the safety file and in a cards file"):
        Screener(safety, [], {"child": ("kid",)})
    assert Screener(safety, [], {"s_child": ("kid", "<child>")}).screen("my kid").about_child is False
