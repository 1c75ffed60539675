"""The strong-signal tier: explicit forms that no idiom cut, `unless` or broad negation can veto, only a
negator right before them in the same clause; and the scoping of ordinary negation and `unless`."""

from __future__ import annotations

from typing import Any

import pytest

from bot.content import SafetyFile, load_library
from bot.domain.screen import Screener

EN = load_library().screener
ES = load_library(locale="es").screener
assert EN is not None and ES is not None


def strong_screen(**over: Any) -> Screener:
    data: dict[str, Any] = {
        "language": "en",
        "about_child": ["child"],
        "contractions": {"-n't": " not", "dont": "do not", "-'ll": " will", "-'m": " am"},
        "lexicon": {
            "negation": ["not", "never", "nobody"],
            "negation_bridge": ["do", "would", "will", "going to", "ever", "really"],
            "child": ["baby", "son"],
            "fear": ["scared", "afraid"],
            "harm": ["hurt", "smother"],
            "joke": ["lol", "haha"],
        },
        # An idiom and an `unless` that would swallow the strong forms if they could.
        "idioms": ["want to die laughing", "dying to"],
        "categories": [
            {
                "id": "ideation",
                "label": "Ideation",
                "covers": "wanting to die",
                "rules": [{"all": ["joke"], "unless": ["joke"]}],
                "strong": ["want to die !of", "suicidal"],
            },
            {
                "id": "fear_of_harming_child",
                "label": "Fear",
                "covers": "fear of hurting one's child",
                "strong": [{"all": ["fear", "harm", "child"], "ordered": True, "within": 6}],
            },
        ],
        "resources": "Call your local emergency number now.",
        "fear_step": "Put your child down somewhere safe and step out.",
    }
    data.update(over)
    return Screener(SafetyFile.model_validate(data))


@pytest.fixture(scope="module")
def strong() -> Screener:
    return strong_screen()


@pytest.mark.parametrize(
    "text",
    [
        "I want to die laughing at myself lol",  # the idiom would cut it, the joke marker would veto it
        "nobody knows I want to die",  # a negator that is the subject of another verb
        "I'm not ok, I want to die",  # the negation stays in its clause
        "I'm not saying I want to die but",  # a verb between: not a bridge
        "suicidal again haha",
    ],
)
def test_strong_forms_cannot_be_vetoed(strong: Screener, text: str) -> None:
    assert strong.screen(text).categories == ("ideation",)


@pytest.mark.parametrize(
    "text",
    ["I don't want to die", "I'm not suicidal", "I would never ever want to die", "I wanted to die of shame"],
)
def test_only_a_tight_negation_or_a_written_twin_cancels_them(strong: Screener, text: str) -> None:
    assert not strong.screen(text).crisis


def test_a_strong_rule_is_cancelled_only_before_one_of_its_words(strong: Screener) -> None:
    result = strong.screen("I'm scared I'll hurt my baby")
    assert result.categories == ("fear_of_harming_child",) and result.fear_for_child
    assert not strong.screen("I'm scared but I would never hurt my baby").crisis
    assert strong.screen("nobody helps and I'm scared I'll smother my son").crisis


def test_the_bridge_is_bounded(strong: Screener) -> None:
    assert strong_screen(strong_negation_reach=0).screen("I do not really want to die").crisis
    assert not strong_screen(strong_negation_reach=1).screen("I do not really want to die").crisis


@pytest.mark.parametrize(
    "text",
    [
        "honestly i dont want to live anymore",
        "she told me she wants to die",
        "my son said he is going to kill himself",
        "I'm terrified I will hurt my baby",
        "i had my hands round his throat, he's 3, i frighten myself",
        "he choked me last night",
        "my baby is not breathing",
        "my daughter said her uncle touched her private parts",
        "no food for three days in that house",
    ],
)
def test_english_explicit_forms_are_crises(text: str) -> None:
    assert EN.screen(text).crisis


@pytest.mark.parametrize(
    "text",
    [
        "I would never hurt my baby, I just need to vent",
        "i'm not suicidal, just exhausted",
        "i wanted to die of embarrassment at the school gate",
        "this advert choked me up",
        "i am not breathing a word about the party",
        "i'm worried i'll hurt her feelings",
    ],
)
def test_english_lookalikes_are_not(text: str) -> None:
    assert not EN.screen(text).crisis


def test_spanish_strong_tier() -> None:
    assert ES.screen("ya no quiero vivir, estoy harta").crisis
    assert ES.screen("tengo miedo de hacerle daño a mi bebe").fear_for_child
    assert not ES.screen("nunca le haría daño a mi bebé, solo necesito desahogarme").crisis
    assert not ES.screen("no respira ni un segundo, habla sin parar jaja").crisis


def test_ordinary_negation_is_scoped_to_its_clause() -> None:
    screen = strong_screen(
        categories=[
            {
                "id": "ideation",
                "label": "Ideation",
                "covers": "wanting to die",
                "rules": [{"all": ["fear", "harm", "child"], "within": 16}],
            }
        ]
    )
    assert not screen.screen("scared I would not hurt my baby").crisis
    # A negator between the words of a match blocks only the word it stands before, in its own clause.
    assert screen.screen("scared, and it is not fair, that I hurt my baby").crisis
