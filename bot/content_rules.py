"""The per-prompt rules of the content check: deliberately simple, and documented in content/README.md.

Each rule looks at one prompt and returns plain-language problems; band counts live in bot.content_check. The
rules that depend on the language (the words that presume an event, the reading formula, the names a parent may
always say, Spanish's paired ¿? and ¡!) come from a per-locale table; a locale the table doesn't know still gets
the rules that need no words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content import Anchor, Prompt
from bot.readability import Scale, scale_for

MAX_WHY_SENTENCES = 2

SENTENCE_END = re.compile(r"[.!?]+[\"'”’»)]*(?=\s|$)")
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»")  # a question inside quotes doesn't end the sentence
WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ']*")
STARTS_SENTENCE = set(".!?:\"'“‘«—–-(¿¡")
# Spanish opens a question and an exclamation as well as closing it.
PAIRS = {"?": "¿", "!": "¡"}


@dataclass(frozen=True)
class LocaleRules:
    # Rule 1: a scheduled prompt arrives on a timer, so it must not open on an event or point at a day.
    event_start: re.Pattern[str] | None
    event_phrases: re.Pattern[str] | None
    # Rule 4: capitalised words that may stand anywhere: the speaker and the speaker's name for themselves.
    always_ok: frozenset[str]
    paired_marks: bool = False  # rule 11
    # Rule 12: "he"/"she" in say for someone that do never gave a gender ("a character", "the driver"). Spanish
    # marks gender on every noun, so only languages whose pronouns alone carry it get these.
    gendered_pronoun: re.Pattern[str] | None = None
    gendered_setup: re.Pattern[str] | None = None
    # Rule 13: everything is our own writing, in plain words. Another program's catchphrase reads as borrowed text
    # and clinical words read as a lecture; the lists name the well-known ones, a reviewer catches the rest.
    borrowed: re.Pattern[str] | None = None
    jargon: re.Pattern[str] | None = None


LOCALE_RULES = {
    "en": LocaleRules(
        event_start=re.compile(r"^\W*(if|when|whenever|after|once|since)\b", re.IGNORECASE),
        event_phrases=re.compile(
            r"\b(today|this morning|this afternoon|yesterday|last night|just happened|just now)\b", re.IGNORECASE
        ),
        always_ok=frozenset({"I", "I'm", "I'll", "I'd", "I've", "OK", "Mum", "Mom", "Dad", "Mummy", "Mommy", "Daddy"}),
        gendered_pronoun=re.compile(r"\b(he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE),
        gendered_setup=re.compile(
            r"\b(he|him|his|himself|she|her|hers|herself|boys?|girls?|m[ae]n|wom[ae]n|guy|lady|mum|mom|mummy|mommy|"
            r"dad|daddy|father|mother|brothers?|sisters?|sons?|daughters?|grandma|grandpa|granny|grandad|gran|nana|"
            r"grandmother|grandfather|uncle|aunt|auntie|king|queen|prince|princess)\b",
            re.IGNORECASE,
        ),
        borrowed=re.compile(
            r"\b(name it to tame it|connect(?:ing)? before (?:you )?correct(?:ing)?|"
            r"flip(?:s|ped|ping)? (?:your|their|his|her|my|our|the) lid|(?:upstairs|downstairs) brain|"
            r"routines? (?:\w+ )?(?:the )?boss|(?:love|attention|emotional|connection) (?:cup|tank|bucket)s?|"
            r"fill\w* (?:up )?(?:their|your|his|her|my|our|\{child\}'s) (?:cup|tank)(?! (?:with|from)\b)|"
            r"sportscast\w*|"
            r"time-ins?|(?:kids|children) do well if they can|catch(?:ing)? (?:them|him|her|\{child\}) being good|"
            r"hard time, not giving|most generous interpretation|two things are true|serve and return|"
            r"love[- ]bomb\w*|hand model)\b",
            re.IGNORECASE,
        ),
        jargon=re.compile(
            r"\b(dysregulat\w*|co-?regulat\w*|trigger(?:s|ed|ing)?|attun(?:e|ed|ement)|emotion[- ]coach\w*|"
            r"amygdala|prefrontal|executive function)\b",
            re.IGNORECASE,
        ),
    ),
    "es": LocaleRules(
        # "Si" only unaccented: "Sí, ..." (yes) sets up nothing. "Después de" and "Tras" are "After".
        event_start=re.compile(
            r"^\W*(si|cuando|siempre que|después de|despues de|tras|una vez que|desde que|en cuanto)\b", re.IGNORECASE
        ),
        event_phrases=re.compile(
            r"\b(hoy|esta mañana|esta tarde|ayer|anoche|acaba de (?:pasar|ocurrir)|hace un (?:momento|rato))\b",
            re.IGNORECASE,
        ),
        always_ok=frozenset({"OK", "Ok", "Mamá", "Mami", "Papá", "Papi"}),
        paired_marks=True,
        borrowed=re.compile(
            r"\b(nómbralo para domarlo|conect\w* antes de corregir|cerebro de (?:arriba|abajo)|"
            r"rutinas? (?:\w+ )?(?:la que manda|las que mandan|(?:la|el) (?:jefa|jefe))|"
            r"(?:taza|tanque|vaso|cubeta) (?:de amor|emocional|de atención)|llen\w* (?:su|tu) tanque|"
            r"(?:le|les|te) llen\w* (?:el|la) (?:tanque|taza)|"
            r"tiempo dentro|niños hacen las cosas bien si pueden|modelo de la mano)\b",
            re.IGNORECASE,
        ),
        jargon=re.compile(
            r"\b(desregula\w*|co-?regula\w*|corregulaci\w*|detonantes?|amígdala|prefrontal|"
            r"funciones ejecutivas|coaching emocional)\b",
            re.IGNORECASE,
        ),
    ),
}
NO_WORD_RULES = LocaleRules(event_start=None, event_phrases=None, always_ok=frozenset({"OK"}))


def rules_for(locale: str) -> LocaleRules:
    return LOCALE_RULES.get(locale.split("-")[0].split("_")[0].lower(), NO_WORD_RULES)


def event_problem(p: Prompt, locale: str = "en") -> str | None:
    """Why a scheduled prompt presumes that something happened, or None."""
    rules = rules_for(locale)
    if p.situation is not None:
        return None
    for name, text in (("title", p.title), ("do", p.do), ("say", p.say)):
        start = rules.event_start.match(text) if rules.event_start else None
        if start:
            return f"{name} starts with {start.group(1)!r}"
        phrase = rules.event_phrases.search(text) if rules.event_phrases else None
        if phrase:
            return f"{name} says {phrase.group(0)!r}"
    return None


def sentence_count(text: str) -> int:
    parts = [part for part in SENTENCE_END.split(QUOTED.sub("quote", text.strip())) if part.strip()]
    return max(1, len(parts))


def unset_names(p: Prompt, locale: str = "en") -> list[str]:
    """Capitalised words in ``say`` that start no sentence and that ``title``/``do`` never mention."""
    always_ok = rules_for(locale).always_ok
    setup = {w.lower() for w in WORD.findall(f"{p.title} {p.do}")}
    found: list[str] = []
    for match in WORD.finditer(p.say):
        word = match.group(0)
        stem = word.removesuffix("'s")
        if not word[0].isupper() or stem in always_ok or (len(stem) > 1 and stem.isupper()):  # "SO loud": stress
            continue
        before = p.say[: match.start()].rstrip()
        if not before or before[-1] in STARTS_SENTENCE:
            continue
        if stem.lower() not in setup and word.lower() not in setup and word not in found:
            found.append(word)
    return found


def ungendered_pronoun(p: Prompt, locale: str = "en") -> str | None:
    """A he/she in ``say`` when neither ``title``, ``do`` nor ``say`` before it names anyone of that gender."""
    rules = rules_for(locale)
    if rules.gendered_pronoun is None or rules.gendered_setup is None:
        return None
    found = rules.gendered_pronoun.search(p.say)
    if found is None or rules.gendered_setup.search(f"{p.title} {p.do} {p.say[: found.start()]}"):
        return None
    return found.group(0)


def borrowed_wording(p: Prompt, locale: str = "en") -> list[str]:
    """Another program's catchphrase, or a clinical word, in any field a parent reads."""
    rules = rules_for(locale)
    problems: list[str] = []
    for field_name, text in p.text_fields().items():
        for pattern, what in ((rules.borrowed, "a catchphrase from another program"), (rules.jargon, "jargon")):
            found = pattern.search(text) if pattern else None
            if found:
                problems.append(f"{field_name}: {found.group(0)!r} is {what}; say it in your own plain words")
    return problems


def unpaired_marks(text: str) -> list[str]:
    """Spanish questions and exclamations that don't open with ¿/¡ and close with ?/! (nesting allowed)."""
    problems: list[str] = []
    open_marks: list[str] = []
    for ch in text:
        if ch in "¿¡":
            open_marks.append(ch)
        elif ch in PAIRS:
            if open_marks and open_marks[-1] == PAIRS[ch]:
                open_marks.pop()
            else:
                problems.append(f"'{ch}' without its opening '{PAIRS[ch]}'")
    problems += [f"'{mark}' never closed" for mark in open_marks]
    return problems


def reading_problem(scale: Scale, name: str, text: str) -> str | None:
    value = scale.measure(text)
    return f"reading level of {name} is {scale.describe(value)}" if scale.too_hard(value) else None


def prompt_problems(p: Prompt, locale: str = "en") -> list[str]:
    rules = rules_for(locale)
    problems: list[str] = []
    event = event_problem(p, locale)
    if event:
        problems.append(f"scheduled prompt presumes an event: {event}; set up the moment, or add situation:")
    if "{" in p.say:
        problems.append("try-saying is spoken to the child; it can't hold a {child} placeholder")
    sentences = sentence_count(p.why)
    if sentences > MAX_WHY_SENTENCES:
        problems.append(f"why has {sentences} sentences; keep it to one or two")
    scale = scale_for(locale)
    if scale is not None:
        for name, text in (("do + say", f"{p.do} {p.say}"), ("why", p.why)):
            problem = reading_problem(scale, name, text)
            if problem:
                problems.append(problem)
    for name in unset_names(p, locale):
        problems.append(f"say names {name!r}, which do doesn't set up")
    pronoun = ungendered_pronoun(p, locale)
    if pronoun:
        problems.append(f"say calls someone {pronoun!r}, but do never says who; use they, or the noun")
    problems += borrowed_wording(p, locale)
    if p.situation is None and p.anchor == Anchor.anytime:
        problems.append("scheduled prompt needs an everyday anchor, not 'anytime'")
    if rules.paired_marks:
        for field_name, text in p.text_fields().items():
            problems += [f"{field_name}: {m}" for m in unpaired_marks(text)]
    return problems
