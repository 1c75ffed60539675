"""Message text and keyboards. Everything a person typed is escaped before it meets parse_mode=HTML."""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import DeliveryCb
from bot.content import SKILL_LABELS, Prompt, Skill, render_placeholders

if TYPE_CHECKING:
    from bot.services.answers import DeliveryContent

TEXT_LIMIT = 4096
GENERIC_REFLECT = "What did you notice in your child — and in yourself — while you tried it?"

ANCHOR_LABELS = {
    "meal": "at a meal",
    "car": "in the car",
    "bath": "at bath time",
    "bedtime": "at bedtime",
    "walk": "on a walk",
    "play": "while playing",
    "screen": "around screen time",
    "morning": "in the morning",
    "pickup": "at pick-up",
    "chores": "during chores",
    "reading": "while reading",
    "anytime": "any time",
}
RATING_LABELS = {3: "😊 Went well", 2: "😐 So-so", 1: "😣 It was hard"}


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


def skill_label(skill: str | None) -> str:
    try:
        return SKILL_LABELS[Skill(skill or "")]
    except ValueError:
        return skill or "—"


def prompt_text(prompt: Prompt, nickname: str | None, *, header: str | None = None, status: str | None = None) -> str:
    def fill(t: str) -> str:
        return h(render_placeholders(t, nickname, prompt.band))

    meta = [f"for {h(nickname)}"] if nickname else []
    meta += [skill_label(prompt.skill), f"{prompt.minutes} min", ANCHOR_LABELS.get(prompt.anchor, "")]
    parts = []
    if header:
        parts.append(header)
    parts += [
        f"🌱 <b>{fill(prompt.title)}</b>",
        f"<i>{' · '.join(m for m in meta if m)}</i>",
        "",
        fill(prompt.do),
        "",
        f"💬 <b>Try saying:</b> “{h(prompt.say)}”",
        "",
        f"💡 <b>Why it helps:</b> {fill(prompt.why)}",
    ]
    if status:
        parts += ["", status]
    return fit("\n".join(parts))


def status_line(outcome: str | None, rating: int | None) -> str | None:
    if outcome == "tried":
        how = f" · {RATING_LABELS[rating]}" if rating in RATING_LABELS else ""
        return f"✅ <b>You tried this</b>{how}"
    if outcome == "skipped":
        return "⏭ <b>Skipped</b> — that's fine. Another one will come."
    return None


def outcome_label(outcome: str | None, rating: int | None, unanswered: str = "· no answer yet") -> str:
    """One line's worth of what happened with a prompt, for /history and a therapist's client view."""
    if outcome == "tried":
        return "✅ tried" + (f" · {RATING_LABELS[rating]}" if rating in RATING_LABELS else "")
    if outcome == "skipped":
        return "⏭ skipped"
    return unanswered


def cb(action: str, delivery_id: int, arg: int | None = None) -> str:
    return DeliveryCb(action=action, delivery_id=delivery_id, arg=arg).pack()


def prompt_keyboard(delivery_id: int, outcome: str | None = None, *, later: bool = True) -> InlineKeyboardMarkup:
    def b(text: str, data: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(text=text, callback_data=data)

    if outcome == "tried":
        rows = [
            [b(RATING_LABELS[3], cb("r", delivery_id, 3)), b(RATING_LABELS[2], cb("r", delivery_id, 2))],
            [b(RATING_LABELS[1], cb("r", delivery_id, 1)), b("⏭ Skip instead", cb("s", delivery_id))],
        ]
    elif outcome == "skipped":
        rows = [[b("✅ We tried it after all", cb("t", delivery_id))]]
    else:
        rows = [[b("✅ We tried it", cb("t", delivery_id)), b("⏭ Skip", cb("s", delivery_id))]]
        if later:
            rows.append([b("⏰ Later today", cb("l", delivery_id))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def delivery_text(c: DeliveryContent, *, header: str | None = None, status: str | None = None) -> str:
    """A delivery as the family sees it; a therapist's prompt is marked as theirs, with their note."""
    top: list[str] = [header] if header else []
    if c.therapist_name:
        top.append(f"🧑‍⚕️ <b>From {h(c.therapist_name)}</b> — a prompt for this week")
        if c.note:
            top.append(f"<i>“{h(c.note)}”</i>")
        top.append("")
    if c.prompt is not None:
        body = prompt_text(c.prompt, c.nickname, status=status)
    else:
        body = "\n".join(["🌱 <b>Something to try</b>", "", h(c.custom_text)] + (["", status] if status else []))
    return fit("\n".join([*top, body]))


def reflect_question(c: DeliveryContent) -> str:
    if c.prompt is None:
        return GENERIC_REFLECT
    return render_placeholders(c.prompt.reflect, c.nickname, c.prompt.band)


def nudge_text(c: DeliveryContent | None) -> str:
    if c is not None and c.prompt is not None:
        title = h(render_placeholders(c.prompt.title, c.nickname, c.prompt.band))
    elif c is not None and c.therapist_name:
        title = f"the prompt from {h(c.therapist_name)}"
    else:
        title = "today's prompt"
    return (
        f"🌿 A gentle reminder: <b>{title}</b> is still waiting for you.\n"
        "Even two minutes counts. And if today isn't the day, Skip is fine too."
    )
