"""What Spanish asks of the screen engine: optional accents, pronouns glued to verbs, no "correcting" a real
conjugated word. Part runs on a tiny rule file (the engine alone), part on the real Spanish rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import DEFAULT_CONTENT_DIR, SafetyFile
from bot.domain.screen import Normalizer, Screener

ES = Screener(
    SafetyFile.model_validate(
        yaml.safe_load(Path(DEFAULT_CONTENT_DIR / "safety" / "es.yaml").read_text(encoding="utf-8"))
    )
)


def tiny(**over: Any) -> Screener:
    data: dict[str, Any] = {
        "language": "es",
        "about_child": ["child"],
        "fold_accents": True,
        "clitics": ["me", "se", "lo", "la", "le", "las"],
        "contractions": {"q": "que", "nose": "no sé"},
        "lexicon": {
            "negation": ["no", "nunca"],
            "self": ["me", "yo"],
            "child": ["hijo", "hija", "bebé"],
            "want": ["querer", "ganas de"],
            "die": ["morir", "matarme"],
            "harm": ["lastimar", "hacer daño"],
            "fear_target": ["le", "lo", "la", "<child>"],
        },
        "idioms": ["morir de"],
        "categories": [
            {
                "id": "ideation",
                "label": "Ideación",
                "covers": "querer morir",
                "phrases": ["suicidio"],
                "rules": [{"all": ["want", "die"], "within": 4}],
            },
            {
                "id": "fear_of_harming_child",
                "label": "Miedo",
                "covers": "miedo a lastimar al hijo",
                "rules": [{"all": ["miedo", "harm", "fear_target"], "within": 6}],
            },
        ],
        "resources": "Llama al número de emergencias de tu país.",
        "fear_step": "Deja al bebé en un lugar seguro y sal de la habitación un momento.",
    }
    data.update(over)
    return Screener(SafetyFile.model_validate(data))


def test_accents_are_optional_both_ways() -> None:
    s = tiny()
    assert s.screen("tengo miedo de lastimar a mi bebe").fear_for_child
    assert s.screen("tengo miédo de lastimár a mi bebé").fear_for_child
    assert s.screen("pienso en el suisidio").crisis  # a typo, corrected towards the rule's word


def test_without_folding_an_accent_is_a_different_word() -> None:
    s = tiny(fold_accents=False)
    assert not s.screen("tengo miedo de lastimar a mi bebe").fear_for_child
    assert s.screen("tengo miedo de lastimar a mi bebé").fear_for_child


def test_clitics_are_read_as_words_of_their_own() -> None:
    s = tiny()
    # "lastimarla" is "lastimar" + "la": the harm verb and the one it falls on.
    assert s.screen("tengo miedo de lastimarla").fear_for_child
    assert s.screen("me da miedo hacerle daño").fear_for_child
    forms = s.normalizer.forms("tomármelas")
    assert {"tomar", "las", "me"} <= set(forms)  # two clitics peeled, the outer one first
    assert not s.screen("tengo miedo de lastimar").crisis  # nobody to fall on


def test_clitics_are_peeled_only_from_words_the_lemmatiser_reads_as_verbs() -> None:
    n = Normalizer("es", {}, ["matarme"], clitics=["me", "la", "se"])
    assert "la" not in n.forms("escuela")  # a known word: never split
    assert "me" not in n.forms("enorme")
    assert "se" in n.forms("cortarse")


def test_clitics_on_short_verbs_the_lemmatiser_leaves_whole() -> None:
    n = Normalizer("es", {}, (), clitics=["le", "la"], clitic_hosts=["ar", "er", "ir"])
    assert {"dar", "le"} <= set(n.forms("darle"))  # simplemma leaves "darle" as it is
    assert {"ver", "la"} <= set(n.forms("verla"))
    assert n.forms("calle") == ("calle",)  # "cal" is a word, but no verb ending: not "cal" + "le"
    assert "dar" not in Normalizer("es", {}, (), clitics=["le"]).forms("darle")  # no hosts, no guess


def test_a_conjugated_word_is_not_corrected_into_a_rule_word() -> None:
    s = tiny()
    # "mandarme" is one edit short of... nothing here, but "matarme" is two away: it must stay "mandar".
    assert "matarme" not in s.normalizer.forms("mandarme")
    assert not s.screen("quiero mandarme un mensaje").crisis
    assert s.screen("quiero matarmee").crisis  # a stretched typo of the rule word still counts


def test_chat_spellings_open_before_matching() -> None:
    s = tiny()
    assert s.normalizer.words("nose q hacer") == ["no", "sé", "que", "hacer"]


def test_idioms_cut_before_crisis_rules() -> None:
    s = tiny()
    assert not s.screen("me muero de ganas de verte").crisis
    assert s.screen("tengo ganas de morir").crisis


@pytest.mark.parametrize(
    "text",
    [
        "quiero matarme",
        "ya no quiero vivir",
        "mis hijos estarían mejor sin mí",
        "tengo miedo de hacerle daño a mi bebé",
        "mi marido me pegó delante de los niños",
        "me volví a cortar los brazos",
        "mi bebé no respira",
    ],
)
def test_spanish_crises(text: str) -> None:
    assert ES.screen(text).crisis


@pytest.mark.parametrize(
    "text",
    [
        "me muero de risa con mi hija",
        "el calor me está matando",
        "se cortó el pelo ella sola",
        "le pegó a la pelota con todas sus fuerzas",
        "me tomé un paracetamol y a seguir",
    ],
)
def test_spanish_everyday(text: str) -> None:
    assert not ES.screen(text).crisis


def test_spanish_fear_gets_the_immediate_step() -> None:
    assert ES.screen("siento q lo voy a sacudir, no para de llorar").fear_for_child


def test_a_parents_own_smack_is_guilt_not_violence() -> None:
    own = ES.screen("le di una bofetada a mi hija y me siento fatal")
    assert own.level == "distress"
    assert ES.screen("su padre le dio una bofetada a mi hija").crisis


def test_rules_can_be_held_to_one_sentence() -> None:
    across = "lo quiero. se murió el pez"
    assert tiny().screen("tengo ganas de morir. hoy").crisis
    assert tiny().screen(across).crisis  # by default a rule's words may stand in two sentences
    assert not tiny(rules_within_sentence=True).screen(across).crisis
    assert tiny(rules_within_sentence=True).screen("quiero, morir").crisis  # a comma is no sentence end
