"""The content check's rules (content/README.md, "The rules, exactly"): each one fires on the mistake it names
and stays quiet on the look-alike that is fine."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from bot.content import Prompt, load_library
from bot.content_check import locale_errors, quality_errors, run_check, table
from bot.content_rules import (
    borrowed_wording,
    event_problem,
    prompt_problems,
    sentence_count,
    ungendered_pronoun,
    unset_names,
)

ROOT = Path(__file__).resolve().parents[2] / "content"


def prompt(**changes: Any) -> Prompt:
    data: dict[str, Any] = {
        "id": "sch-test-prompt",
        "band": "school",
        "skill": "perspective",
        "title": "The wolf tells it",
        "do": "At bedtime, pick a story you both know. Ask {child} to tell it again as the wolf.",
        "say": "Okay, wolf. Why did you want to get into that house?",
        "why": "Telling a story from the other side shows that people act from their own needs.",
        "empathy": "cognitive",
        "reflect": "What reason did the wolf give?",
        "minutes": 5,
        "anchor": "bedtime",
        "tags": ["conflict"],
    }
    data.update(changes)
    return Prompt.model_validate(data)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT, target)
    return target


def _one_file(content: Path, band: str) -> None:
    """Leave the band in its first file only (the library spreads a band over several files)."""
    for extra in (content / "prompts").glob(f"*/{band}_*.yaml"):
        extra.unlink()


def _edit(path: Path, fn: Any) -> None:
    data = yaml.safe_load(path.read_text())
    fn(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


# --- rule 1: scheduled prompts don't presume an event ------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "text", "found"),
    [
        ("title", "When the coach benches them", "title starts with 'When'"),
        ("do", "If {child} mentions a kid who sat alone, slow down and ask about it.", "do starts with 'If'"),
        ("do", "After a breakup, sit close and let them talk or not, as they like.", "do starts with 'After'"),
        ("say", "Once you've calmed down, tell me what happened.", "say starts with 'Once'"),
        ("say", '"Since you got home you seem quiet."', "say starts with 'Since'"),
        ("do", "Ask how the spelling test went today, and listen to the answer.", "do says 'today'"),
        ("say", "What was the best bit this morning?", "say says 'this morning'"),
        ("do", "Talk about what just happened in the park, calmly and slowly.", "do says 'just happened'"),
    ],
)
def test_event_shaped_scheduled_prompts_fail(field: str, text: str, found: str) -> None:
    p = prompt(**{field: text})
    assert event_problem(p) == found
    assert any("presumes an event" in m for m in prompt_problems(p))
    # The same words are fine in a situation prompt: that moment has happened.
    assert event_problem(prompt(**{field: text}, situation="disappointment", anchor="anytime")) is None


def test_a_later_if_and_an_everyday_moment_are_fine() -> None:
    p = prompt(do="At dinner, ask what makes the teacher smile. If they shrug, share a guess of your own.")
    assert event_problem(p) is None
    assert prompt_problems(p) == []


# --- rule 2: why is one or two sentences -----------------------------------------------------------------


def test_why_has_one_or_two_sentences() -> None:
    assert sentence_count("One thing. Two things!") == 2
    assert sentence_count('Going from "how does she feel?" to "what can I do?" teaches more.') == 1
    p = prompt(why="It helps. It is kind. It is fun.")
    assert "why has 3 sentences; keep it to one or two" in prompt_problems(p)


def test_why_needs_no_stock_phrase() -> None:
    p = prompt(why="A mean act often hides a hurt. Looking for it helps {child} see that.")
    assert prompt_problems(p) == []


# --- rule 3: reading grade --------------------------------------------------------------------------------


def test_hard_reading_fails_in_do_say_and_why() -> None:
    hard = (
        "Contemplate the multidimensional ramifications of institutionalised developmental "
        "psychophysiological considerations, notwithstanding intergenerational idiosyncrasies."
    )
    assert any("reading level of do + say" in m for m in prompt_problems(prompt(do=hard)))
    assert any("reading level of why" in m for m in prompt_problems(prompt(why=hard)))


# --- rule 4: say only names what do set up ------------------------------------------------------------------


def test_say_cannot_bring_in_a_name_do_never_mentioned() -> None:
    assert unset_names(prompt(say="How do you think Mia felt when you laughed?")) == ["Mia"]
    assert unset_names(prompt(say="You helped Grandpa with the shopping.")) == ["Grandpa"]
    p = prompt(say="Tell Maya sorry, and Maya's brother too.")
    assert "say names 'Maya', which do doesn't set up" in prompt_problems(p)


def test_names_set_up_in_do_sentence_starts_and_emphasis_are_fine() -> None:
    assert unset_names(prompt(do="Call Grandpa on the phone together and ask about his day.", say="Ask Grandpa!")) == []
    assert unset_names(prompt(say="Sure. Really? Yes! I'm here, I'll wait. You can shout 'Stop!' instead.")) == []
    assert unset_names(prompt(say="That dryer is SO loud. OK, Mum's here.")) == []


# --- rule 12: say doesn't give a gender do never gave ----------------------------------------------------


def test_say_cannot_call_an_unnamed_character_he_or_she() -> None:
    do = "Reading together, stop when a character does something unkind. Ask why they might have done it."
    p = prompt(do=do, say="Why do you think he did that? What was going on inside him?")
    assert ungendered_pronoun(p) == "he"
    assert "say calls someone 'he', but do never says who; use they, or the noun" in prompt_problems(p)
    assert ungendered_pronoun(prompt(do=do, say="Look at her face.")) == "her"


def test_a_pronoun_for_someone_set_up_or_they_is_fine() -> None:
    assert ungendered_pronoun(prompt(say="Why do you think they did that?")) is None
    assert ungendered_pronoun(prompt(do="Call Grandpa together.", say="Ask him about his day.")) is None
    assert ungendered_pronoun(prompt(do="Tell a story about a king.", say="What should he say?")) is None
    assert ungendered_pronoun(prompt(say="Look at that girl on the swing. She's laughing.")) is None
    # Spanish marks gender on every noun ("el personaje"), so the rule is English-only.
    assert ungendered_pronoun(prompt(say="Why do you think he did that?"), "es") is None


# --- rule 13: our own plain words, no borrowed catchphrase or clinical jargon --------------------------------


@pytest.mark.parametrize(
    ("field", "text", "found"),
    [
        ("why", "A picture chart makes the routine the boss.", "'routine the boss' is a catchphrase"),
        ("do", "Lie on the floor and snuggle. Fill their cup before you ask for coats.", "'Fill their cup' is a"),
        ("why", "Short, full attention fills {child}'s cup.", '"fills {child}\'s cup" is a catchphrase'),
        ("why", "Saying the feeling helps you name it to tame it.", "'name it to tame it' is a catchphrase"),
        ("do", "Connect before you correct: kneel and say what you see.", "'Connect before you correct' is a"),
        ("why", "A tired child is easily dysregulated.", "'dysregulated' is jargon"),
        ("reflect", "What triggered you the most?", "'triggered' is jargon"),
    ],
)
def test_borrowed_catchphrases_and_jargon_fail_in_any_field(field: str, text: str, found: str) -> None:
    p = prompt(**{field: text})
    problems = borrowed_wording(p)
    assert len(problems) == 1 and problems[0].startswith(f"{field}: ") and found in problems[0]
    assert problems[0] in prompt_problems(p)
    # Situation prompts are read by parents too.
    assert borrowed_wording(prompt(situation="siblings", anchor="anytime", **{field: text})) == problems


def test_plain_words_near_a_catchphrase_are_fine() -> None:
    for do in (
        "At a meal, let {child} fill their cup with water from a small jug.",
        "Tell {child} they are the boss of play for five minutes.",
        "Keep the bedtime routine the same each night, so it feels safe.",
        "Let {child} fill your cup from the teapot, then say thank you.",
    ):
        assert borrowed_wording(prompt(do=do)) == [], do


# --- rule 5 and 6: anchor and minutes ---------------------------------------------------------------------


def test_scheduled_prompts_need_an_everyday_anchor() -> None:
    assert "scheduled prompt needs an everyday anchor, not 'anytime'" in prompt_problems(prompt(anchor="anytime"))
    assert prompt_problems(prompt(anchor="anytime", situation="siblings")) == []


def test_schema_limits() -> None:
    with pytest.raises(ValidationError, match="less than or equal to 10"):
        prompt(minutes=11)
    with pytest.raises(ValidationError, match="empathy"):
        prompt(empathy="emotional")
    with pytest.raises(ValidationError, match="level"):
        prompt(level=4)
    with pytest.raises(ValidationError, match="unknown situation"):
        prompt(situation="breakup")
    with pytest.raises(ValidationError, match="min_age 100 is above max_age 90"):
        prompt(min_age=100, max_age=90)
    p = prompt(min_age=60, max_age=95, situation="tantrum")
    assert p.kind == "situation" and p.age_ranged and p.fits_age(60) and p.fits_age(95) and not p.fits_age(96)
    assert prompt().kind == "scheduled" and not prompt().age_ranged and prompt().level == 1


# --- rule 7 and 8: ages in the band, band minimums -----------------------------------------------------------


def test_age_range_must_sit_inside_the_band(content: Path) -> None:
    f = content / "prompts" / "en" / "school.yaml"

    def stretch(d: dict[str, Any]) -> None:
        d["prompts"][0]["min_age"] = 40
        d["prompts"][1]["max_age"] = 156

    _edit(f, stretch)
    report = run_check(content)
    errs = [str(e) for e in report.errors]
    assert any("min_age 40 is outside the band's months (60-155)" in e for e in errs)
    assert any("max_age 156 is outside the band's months (60-155)" in e for e in errs)


def test_band_minimums_strategy_share_and_age_ranges(content: Path) -> None:
    _one_file(content, "school")

    def plain(d: dict[str, Any]) -> None:
        for p in d["prompts"]:
            p.pop("strategy", None)
            p.pop("min_age", None)
            p.pop("max_age", None)

    _edit(content / "prompts" / "en" / "school.yaml", plain)

    def raise_bar(d: dict[str, Any]) -> None:
        for band in d["bands"]:
            if band["id"] == "school":
                band["minimums"].update(scheduled=156, per_age=150, per_skill=12, calm_repair=20)

    _edit(content / "bands.yaml", raise_bar)
    errs = [str(e) for e in quality_errors(load_library(content))]
    school = [e for e in errs if "school.yaml:" in e]
    assert any("use the band's strategy (role_reversal); at least 25% needed" in e for e in school)
    assert any("carry an age range; at least 33% needed" in e for e in school)
    assert any("band has 36 scheduled prompts; at least 156 needed" in e for e in school)
    assert any("fit a child of 5; at least 150 needed" in e for e in school)
    assert any("teach 'repair'; at least 12 needed" in e for e in school)
    assert any("calm + repair prompts; at least 20 needed" in e for e in school)
    assert not any("toddler.yaml:" in e or "teen.yaml:" in e for e in errs)


# --- rule 10: other locales match English id by id -----------------------------------------------------------


def test_a_locale_must_match_english_id_by_id(content: Path) -> None:
    # English copied as a British English locale: the same rules pass, so only the comparison speaks.
    shutil.rmtree(content / "prompts" / "es", ignore_errors=True)
    shutil.copytree(content / "prompts" / "en", content / "prompts" / "en-GB")
    lib = load_library(content)
    assert locale_errors(content, lib) == []

    f = content / "prompts" / "en-GB" / "teen.yaml"
    dropped: dict[str, Any] = {}

    def translate_badly(d: dict[str, Any]) -> None:
        dropped.update(d["prompts"].pop(0))
        d["prompts"][0]["skill"] = "calm" if d["prompts"][0]["skill"] != "calm" else "name"
        d["prompts"][1]["title"] = "Un título en español"  # words may differ
        d["prompts"].append(dict(d["prompts"][2], id="teen-solo-en-es"))

    _edit(f, translate_badly)
    errs = [str(e) for e in run_check(content).errors]
    assert f"content/prompts/en-GB [{dropped['id']}]: missing in locale en-GB" in errs
    assert any("skill differs from English" in e for e in errs)
    assert "content/prompts/en-GB [teen-solo-en-es]: only in locale en-GB, not in English" in errs
    assert not any("title" in e for e in errs)


# --- the documentation's examples and the review sheet ------------------------------------------------------


def test_the_readme_examples_pass_every_rule() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    examples = [item for block in blocks for item in yaml.safe_load(block)]
    assert len(examples) >= 2
    for item in examples:
        band = "school" if item["id"].startswith("sch-") else "teen"
        p = Prompt.model_validate({**item, "band": band})
        assert prompt_problems(p) == [], p.id
    assert {p["id"][:4] for p in examples} == {"sch-", "teen"}


def test_the_check_prints_the_review_sheet() -> None:
    report = run_check()
    assert report.library is not None
    sheet = table(report.library)
    for band in ("toddler", "school", "teen"):
        assert f"== {band} (" in sheet
    assert "goal 156" in sheet and "strategy role_reversal" in sheet and "reading why" in sheet
    assert re.search(r"age-ranged share\s+\d+%\s+min 33%", sheet)
