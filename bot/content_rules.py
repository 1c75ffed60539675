"""The per-prompt rules of the content check: deliberately simple, and documented in content/README.md.

Each rule looks at one prompt and returns plain-language problems; band counts live in bot.content_check.
"""

from __future__ import annotations

import re

from bot.content import Anchor, Prompt
from bot.readability import fk_grade

MAX_GRADE = 6.0
MAX_WHY_SENTENCES = 2

# Rule 1: a scheduled prompt arrives on a timer, so it must not open on an event or point at a day.
EVENT_START = re.compile(r"^\W*(if|when|whenever|after|once|since)\b", re.IGNORECASE)
EVENT_PHRASES = re.compile(
    r"\b(today|this morning|this afternoon|yesterday|last night|just happened|just now)\b", re.IGNORECASE
)
SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*(?=\s|$)")
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")  # a question inside quotes doesn't end the sentence
# Rule 4: capitalised words that may stand anywhere: the speaker and the speaker's own name for themselves.
ALWAYS_OK = frozenset({"I", "I'm", "I'll", "I'd", "I've", "OK", "Mum", "Mom", "Dad", "Mummy", "Mommy", "Daddy"})
WORD = re.compile(r"[A-Za-z][A-Za-z']*")
STARTS_SENTENCE = set(".!?:\"'“‘—–-(")


def event_problem(p: Prompt) -> str | None:
    """Why a scheduled prompt presumes that something happened, or None."""
    if p.situation is not None:
        return None
    for name, text in (("title", p.title), ("do", p.do), ("say", p.say)):
        start = EVENT_START.match(text)
        if start:
            return f"{name} starts with {start.group(1)!r}"
        phrase = EVENT_PHRASES.search(text)
        if phrase:
            return f"{name} says {phrase.group(0)!r}"
    return None


def sentence_count(text: str) -> int:
    parts = [part for part in SENTENCE_END.split(QUOTED.sub("quote", text.strip())) if part.strip()]
    return max(1, len(parts))


def unset_names(p: Prompt) -> list[str]:
    """Capitalised words in ``say`` that start no sentence and that ``title``/``do`` never mention."""
    setup = {w.lower() for w in WORD.findall(f"{p.title} {p.do}")}
    found: list[str] = []
    for match in WORD.finditer(p.say):
        word = match.group(0)
        stem = word.removesuffix("'s")
        if not word[0].isupper() or stem in ALWAYS_OK or (len(stem) > 1 and stem.isupper()):  # "SO loud": stress
            continue
        before = p.say[: match.start()].rstrip()
        if not before or before[-1] in STARTS_SENTENCE:
            continue
        if stem.lower() not in setup and word.lower() not in setup and word not in found:
            found.append(word)
    return found


def prompt_problems(p: Prompt) -> list[str]:
    problems: list[str] = []
    event = event_problem(p)
    if event:
        problems.append(f"scheduled prompt presumes an event: {event}; set up the moment, or add situation:")
    if "{" in p.say:
        problems.append("try-saying is spoken to the child; it can't hold a {child} placeholder")
    sentences = sentence_count(p.why)
    if sentences > MAX_WHY_SENTENCES:
        problems.append(f"why has {sentences} sentences; keep it to one or two")
    grade = fk_grade(f"{p.do} {p.say}")
    if grade > MAX_GRADE:
        problems.append(f"reading level of do + say is grade {grade:.1f}; keep it at {MAX_GRADE:.0f} or below")
    grade = fk_grade(p.why)
    if grade > MAX_GRADE:
        problems.append(f"reading level of why is grade {grade:.1f}; keep it at {MAX_GRADE:.0f} or below")
    for name in unset_names(p):
        problems.append(f"say names {name!r}, which do doesn't set up")
    if p.situation is None and p.anchor == Anchor.anytime:
        problems.append("scheduled prompt needs an everyday anchor, not 'anytime'")
    return problems
