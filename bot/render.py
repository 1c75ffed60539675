"""Message text and keyboards. Everything a person typed is escaped before it meets parse_mode=HTML.

Every word comes from the locale files through a Translator (bot.i18n); ``t`` defaults to English only while
callers are being converted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import DeliveryCb
from bot.content import Prompt, Skill, render_placeholders
from bot.i18n.catalog import english
from bot.i18n.translator import Translator

if TYPE_CHECKING:
    from bot.services.answers import DeliveryContent

TEXT_LIMIT = 4096
Rendered = tuple[str, InlineKeyboardMarkup | None]
RATINGS = (3, 2, 1)


def h(text: str | None) -> str:
    return escape(text or "", quote=False)


def fit(text: str, limit: int = TEXT_LIMIT) -> str:
    """Keep a message under Telegram's limit; cut on a line break where possible."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit - 2)
    if cut < limit // 2:
        cut = limit - 2
    head = text[:cut]
    # Never leave half an entity (&am…) or half a tag (<b…) behind: Telegram would reject the message.
    head = re.sub(r"&[#\w]*$|<[^>]*$", "", head)
    return head.rstrip() + "\n…"


def skill_label(skill: str | None, t: Translator | None = None) -> str:
    t = t or english()
    try:
        return t(f"skill-{Skill(skill or '').value}")
    except ValueError:
        return skill or "—"


def rating_label(rating: int, t: Translator) -> str:
    return t(f"btn-rating-{rating}")


def fill(text: str, nickname: str | None, band: str | None, t: Translator) -> str:
    """A prompt's {child}: the nickname, or "your child" in the reader's language."""
    fallback = t("child-fallback", band=band or "")
    return render_placeholders(text, nickname, band, fallback=fallback)


def prompt_text(
    prompt: Prompt,
    nickname: str | None,
    t: Translator | None = None,
    *,
    header: str | None = None,
    status: str | None = None,
) -> str:
    t = t or english()

    def filled(text: str) -> str:
        return h(fill(text, nickname, prompt.band, t))

    meta = [t("prompt-for", name=h(nickname))] if nickname else []
    meta += [skill_label(prompt.skill, t), t("prompt-minutes", minutes=prompt.minutes), t(f"anchor-{prompt.anchor}")]
    body = t(
        "prompt-body",
        title=filled(prompt.title),
        meta=" · ".join(m for m in meta if m),
        do=filled(prompt.do),
        say=h(prompt.say),
        why=filled(prompt.why),
    )
    parts = [header] if header else []
    parts.append(body)
    if status:
        parts += ["", status]
    return fit("\n".join(parts))


def status_line(outcome: str | None, rating: int | None, t: Translator | None = None) -> str | None:
    t = t or english()
    if outcome == "tried":
        return t("status-tried", rating=rating_label(rating, t) if rating in RATINGS else "none")
    if outcome == "skipped":
        return t("status-skipped")
    return None


def outcome_label(
    outcome: str | None, rating: int | None, unanswered: str | None = None, t: Translator | None = None
) -> str:
    """One line's worth of what happened with a prompt, for /history and a therapist's client view."""
    t = t or english()
    if outcome == "tried":
        return t("outcome-tried", rating=rating_label(rating, t) if rating in RATINGS else "none")
    if outcome == "skipped":
        return t("outcome-skipped")
    return t("outcome-unanswered") if unanswered is None else unanswered


def days_text(cadence: str, days: frozenset[int], t: Translator) -> str:
    """The plan's days in words: a named cadence, or the custom days themselves ("Mon, Wed", "lun, mié")."""
    if cadence in ("three", "daily", "weekdays", "weekly"):
        return t(f"cadence-{cadence}")
    return ", ".join(t.weekday(d) for d in sorted(days))


def born(year: int, month: int, t: Translator) -> str:
    """A birth month: "May 2023", "may 2023"."""
    from datetime import date

    return t.date(date(year, month, 1), "yMMM")


def cb(action: str, delivery_id: int, arg: int | None = None) -> str:
    return DeliveryCb(action=action, delivery_id=delivery_id, arg=arg).pack()


def prompt_keyboard(
    delivery_id: int, outcome: str | None = None, *, later: bool = True, t: Translator | None = None
) -> InlineKeyboardMarkup:
    t = t or english()

    def b(key: str, data: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(text=t(key), callback_data=data)

    if outcome == "tried":
        rows = [
            [b("btn-rating-3", cb("r", delivery_id, 3)), b("btn-rating-2", cb("r", delivery_id, 2))],
            [b("btn-rating-1", cb("r", delivery_id, 1)), b("btn-skip-instead", cb("s", delivery_id))],
        ]
    elif outcome == "skipped":
        rows = [[b("btn-tried-after-all", cb("t", delivery_id))]]
    else:
        rows = [[b("btn-tried", cb("t", delivery_id)), b("btn-skip", cb("s", delivery_id))]]
        if later:
            rows.append([b("btn-later", cb("l", delivery_id))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def delivery_text(
    c: DeliveryContent, t: Translator | None = None, *, header: str | None = None, status: str | None = None
) -> str:
    """A delivery as the family sees it; a therapist's prompt is marked as theirs, with their note. The
    therapist's own text and note are sent as written."""
    t = t or english()
    top: list[str] = [header] if header else []
    if c.therapist_name:
        top.append(t("delivery-from-therapist", name=h(c.therapist_name)))
        if c.note:
            top.append(f"<i>“{h(c.note)}”</i>")
        top.append("")
    if c.prompt is not None:
        body = prompt_text(c.prompt, c.nickname, t, status=status)
    else:
        body = "\n".join([t("delivery-custom-title"), "", h(c.custom_text)] + (["", status] if status else []))
    return fit("\n".join([*top, body]))


def reflect_question(c: DeliveryContent, t: Translator | None = None) -> str:
    t = t or english()
    if c.prompt is None:
        return t("reflect-generic")
    return fill(c.prompt.reflect, c.nickname, c.prompt.band, t)


def nudge_text(c: DeliveryContent | None, t: Translator | None = None) -> str:
    t = t or english()
    if c is not None and c.prompt is not None:
        title = h(fill(c.prompt.title, c.nickname, c.prompt.band, t))
    elif c is not None and c.therapist_name:
        title = t("nudge-therapist-title", name=h(c.therapist_name))
    else:
        title = t("nudge-generic-title")
    return t("nudge", title=title)


def prompt_message(delivery_id: int) -> Callable[[Translator, DeliveryContent | None], Rendered]:
    """A scheduled prompt as one reader gets it (the sender renders it once per language)."""

    def render(t: Translator, c: DeliveryContent | None) -> Rendered:
        return delivery_text(c, t) if c else "", prompt_keyboard(delivery_id, t=t)

    return render


def nudge_message(delivery_id: int, again: bool) -> Callable[[Translator, DeliveryContent | None], Rendered]:
    """The reminder; or, for "Later today", the prompt itself again."""

    def render(t: Translator, c: DeliveryContent | None) -> Rendered:
        text = delivery_text(c, t, header=t("nudge-again-header") + "\n") if again and c else nudge_text(c, t)
        return text, prompt_keyboard(delivery_id, later=False, t=t)

    return render
