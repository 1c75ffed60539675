"""The per-prompt rules in other languages (content/README.md, rules 1-4 and 11): Spanish gets its own reading
formula, its own event words and names, and paired ¿? / ¡!; a language the rules don't know keeps the rest."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import Prompt
from bot.content_check import run_check, table
from bot.content_rules import borrowed_wording, event_problem, prompt_problems, unpaired_marks, unset_names
from bot.readability import es_counts, es_syllables, fernandez_huerta, fk_grade, scale_for

ROOT = Path(__file__).resolve().parents[2] / "content"


def prompt_es(**changes: Any) -> Prompt:
    data: dict[str, Any] = {
        "id": "sch-test-prompt",
        "band": "school",
        "skill": "perspective",
        "title": "El lobo lo cuenta",
        "do": "A la hora de dormir, elige un cuento que los dos conozcan. Pide a {child} que lo cuente como el lobo.",
        "say": "A ver, lobo. ¿Por qué querías entrar a esa casa?",
        "why": "Contar un cuento desde el otro lado muestra que cada uno actúa por lo que necesita.",
        "empathy": "cognitive",
        "reflect": "¿Qué razón dio el lobo?",
        "minutes": 5,
        "anchor": "bedtime",
        "tags": ["conflict"],
    }
    data.update(changes)
    return Prompt.model_validate(data)


# --- Spanish syllables and the Fernández-Huerta formula -----------------------------------------------------


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("pan", 1),
        ("niño", 2),
        ("casa", 2),
        ("quiero", 2),  # silent u, then a diphthong: quie-ro
        ("guitarra", 3),
        ("pingüino", 3),
        ("ciudad", 2),  # diphthong iu
        ("cuidado", 3),
        ("aire", 2),
        ("poema", 3),  # hiatus of two open vowels: po-e-ma
        ("leer", 2),
        ("día", 2),  # an accented i breaks the diphthong
        ("baúl", 2),
        ("reúne", 3),
        ("averiguáis", 4),  # triphthong uái
        ("y", 1),
        ("hoy", 1),
        ("muy", 1),
        ("mayo", 2),  # y before a vowel is a consonant
        ("mamá", 2),
        ("ahora", 3),
    ],
)
def test_spanish_syllables(word: str, syllables: int) -> None:
    assert es_syllables(word) == syllables
    assert es_syllables(word.upper()) == syllables


def test_fernandez_huerta_by_hand() -> None:
    # 4 words, 6 syllables (el, ni-ño, co-me, pan), 1 sentence: 206.84 - 60 * 6/4 - 1.02 * 4 = 112.76
    assert es_counts("El niño come pan.") == es_counts("¡El niño come pan!")
    assert fernandez_huerta("El niño come pan.") == pytest.approx(112.76)
    assert es_counts("¿Qué tal? Bien. ¡Qué bueno!").sentences == 3


def test_easy_spanish_passes_and_dense_spanish_fails() -> None:
    easy = "Siéntate cerca. Pregunta cómo le fue. Escucha sin dar consejos. ¿Qué fue lo mejor de tu día?"
    dense = (
        "La consideración multidimensional de las circunstancias institucionales resulta extraordinariamente "
        "complicada para cualquier persona que intente comprenderla."
    )
    assert fernandez_huerta(easy) >= 70 > fernandez_huerta(dense)


def test_each_language_has_its_own_scale() -> None:
    en, es = scale_for("en"), scale_for("es")
    assert en is not None and es is not None
    assert en.measure is fk_grade and not en.higher_is_easier and en.limit == 6
    assert es.measure is fernandez_huerta and es.higher_is_easier and es.limit == 70
    assert scale_for("es-MX") == es and scale_for("EN_gb") == en
    assert scale_for("pl") is None
    assert es.too_hard(69.9) and not es.too_hard(70) and en.too_hard(6.1) and not en.too_hard(6)


# --- rule 3 per locale: the Spanish formula, not the English one ----------------------------------------------


def test_spanish_prompts_are_read_with_the_spanish_formula() -> None:
    assert prompt_problems(prompt_es(), "es") == []
    hard = (
        "Contempla las repercusiones multidimensionales de las consideraciones institucionales, "
        "independientemente de las particularidades intergeneracionales."
    )
    problems = prompt_problems(prompt_es(why=hard), "es")
    assert any(m.startswith("reading level of why is Fernández-Huerta ease") for m in problems)
    problems = prompt_problems(prompt_es(do=hard), "es")
    assert any(m.startswith("reading level of do + say is Fernández-Huerta ease") for m in problems)
    assert not any("Flesch" in m for m in problems)


# --- rule 11: paired ¿? and ¡! ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("¿Qué sientes? ¡Qué bien!", []),
        ('Pregunta: "¿Cómo te fue?" y escucha.', []),
        ("¡¿En serio?!", []),
        ("Ahora, ¿me ayudas? Gracias.", []),
        ("Qué sientes?", ["'?' without its opening '¿'"]),
        ("¡Qué bien", ["'¡' never closed"]),
        ("¿Qué bien!", ["'!' without its opening '¡'", "'¿' never closed"]),
    ],
)
def test_spanish_marks_come_in_pairs(text: str, problems: list[str]) -> None:
    assert unpaired_marks(text) == problems


def test_unpaired_marks_are_a_problem_in_every_field_of_a_spanish_prompt_only() -> None:
    p = prompt_es(say="A ver, lobo. Por qué querías entrar?", reflect="¿Qué razón dio el lobo")
    problems = prompt_problems(p, "es")
    assert "say: '?' without its opening '¿'" in problems
    assert "reflect: '¿' never closed" in problems
    english = prompt_es(say="Okay, wolf. Why did you want to get in?", reflect="What reason did the wolf give?")
    assert not any("without its opening" in m for m in prompt_problems(english, "en"))


# --- rules 1 and 4 per locale ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "text", "found"),
    [
        ("title", "Cuando el entrenador lo deja en la banca", "title starts with 'Cuando'"),
        ("do", "Si {child} habla de un niño que se sentó solo, pregunta más.", "do starts with 'Si'"),
        ("do", "Después de una pelea, siéntate cerca y escucha.", "do starts with 'Después de'"),
        ("say", "¿Cómo te fue hoy en el examen?", "say says 'hoy'"),
        ("say", "¿Qué pasó anoche?", "say says 'anoche'"),
    ],
)
def test_spanish_scheduled_prompts_must_not_presume_an_event(field: str, text: str, found: str) -> None:
    assert event_problem(prompt_es(**{field: text}), "es") == found
    assert event_problem(prompt_es(**{field: text}, situation="disappointment", anchor="anytime"), "es") is None


def test_spanish_look_alikes_are_fine() -> None:
    assert event_problem(prompt_es(say="Sí, claro. ¿Me cuentas cómo es tu escuela?"), "es") is None
    assert event_problem(prompt_es(do="En la cena, pregunta qué le gusta. Si no quiere hablar, déjalo."), "es") is None


def test_spanish_say_may_not_name_someone_do_never_set_up() -> None:
    assert unset_names(prompt_es(say="¿Cómo crees que se sintió Mateo?"), "es") == ["Mateo"]
    assert unset_names(prompt_es(say="A ver. ¿Qué diría Mamá? ¡Qué risa!"), "es") == []
    assert unset_names(prompt_es(say="Perfecto, ¿Lobo o cerdito?"), "es") == []  # "lobo" is in do


def test_spanish_catchphrases_and_jargon_fail_in_spanish() -> None:
    p = prompt_es(why="Dejar que esté cerca llena su tanque más rápido.")
    assert borrowed_wording(p, "es") == [
        "why: 'llena su tanque' is a catchphrase from another program; say it in your own plain words"
    ]
    assert borrowed_wording(prompt_es(why="Un rato con toda tu atención le llena el tanque."), "es")
    assert borrowed_wording(prompt_es(why="Una tabla hace que la rutina sea la que manda."), "es")
    assert "jargon" in borrowed_wording(prompt_es(reflect="¿Se desregula cuando tiene sueño?"), "es")[0]
    # Literal words are fine: a full glass, the car's tank.
    assert borrowed_wording(prompt_es(do="En la comida, deja que {child} llene su vaso con agua."), "es") == []
    assert borrowed_wording(prompt_es(do="En el carro, mientras llenas el tanque, canten una canción."), "es") == []


def test_a_language_without_rules_keeps_the_word_free_ones() -> None:
    p = prompt_es(say="Kiedy wrócisz, opowiedz mi?", why="Jedno. Dwa. Trzy.")
    problems = prompt_problems(p, "pl")
    assert problems == ["why has 3 sentences; keep it to one or two"]


# --- the check runs these on every locale and prints per-locale figures ---------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT, target)
    return target


def test_the_check_applies_spanish_rules_and_the_same_length_limits(content: Path) -> None:
    path = content / "prompts" / "es" / "teen.yaml"
    data = yaml.safe_load(path.read_text())
    first, second = data["prompts"][0], data["prompts"][1]
    first["say"] = "Qué le dirías a alguien más chico?"
    second["say"] = "Dilo con calma. " * 20  # 320 characters, over the same 220 limit as English
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))

    report = run_check(content)
    errs = [str(e) for e in report.errors]
    assert f"content/prompts/es [{first['id']}]: say: '?' without its opening '¿'" in errs
    assert any(second["id"] in e and "at most 220 characters" in e for e in errs)
    assert not any("content/prompts/en" in e for e in errs)


def test_the_check_prints_figures_per_locale() -> None:
    report = run_check()
    assert report.ok and report.library is not None and set(report.others) == {"es"}
    sheet = table(report.library, report.others)
    locales = sheet[sheet.index("== locales ==") :]
    n = len(report.library.prompts)
    assert f"en   prompts  {n:>3}   {n}/{n} of en (100%)   with problems 0" in locales
    assert f"es   prompts  {n:>3}   {n}/{n} of en (100%)   with problems 0" in locales
    assert "Flesch-Kincaid grade: median" in locales and "Fernández-Huerta ease: median" in locales
