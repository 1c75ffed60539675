"""Inline keyboards for the conversation flows. Callback data stays well under Telegram's 64 bytes."""

from __future__ import annotations

from datetime import date

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import CADENCE_LABELS

COMMON_ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Madrid",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Sydney",
)
TIME_CHOICES = ("07:30", "12:30", "17:30", "18:30", "19:30", "20:30")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def b(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def kb(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=list(rows))


def consent() -> InlineKeyboardMarkup:
    return kb([b("✅ I agree — let's begin", "ob:agree")], [b("🔒 What exactly do you store?", "ob:privacy")])


def skip_nickname() -> InlineKeyboardMarkup:
    return kb([b("Skip", "ob:nick_skip")])


def birth_years(today: date) -> InlineKeyboardMarkup:
    years = [today.year - i for i in range(0, 18)]
    rows = [[b(str(y), f"ob:y:{y}") for y in years[i : i + 6]] for i in range(0, 18, 6)]
    return kb(*rows)


def birth_months(year: int) -> InlineKeyboardMarkup:
    rows = [[b(MONTHS[m - 1], f"ob:m:{year}:{m}") for m in range(i, i + 4)] for i in (1, 5, 9)]
    return kb(*rows)


def more_children() -> InlineKeyboardMarkup:
    return kb([b("➕ Add another child", "ob:more"), b("That's everyone ✔", "ob:kids_done")])


def timezones(default_tz: str) -> InlineKeyboardMarkup:
    zones = [default_tz] + [z for z in COMMON_ZONES if z != default_tz]
    rows = [[b(z.split("/")[-1].replace("_", " "), f"ob:tz:{z}") for z in zones[i : i + 3]] for i in range(0, 9, 3)]
    return kb(*[r for r in rows if r])


def times() -> InlineKeyboardMarkup:
    rows = [[b(t, f"ob:t:{t.replace(':', '')}") for t in TIME_CHOICES[i : i + 3]] for i in (0, 3)]
    return kb(*rows)


def cadences() -> InlineKeyboardMarkup:
    return kb(*[[b(label, f"ob:c:{key}")] for key, label in CADENCE_LABELS.items()])


def first_now() -> InlineKeyboardMarkup:
    return kb([b("Yes, send one now", "ob:first_now"), b("I'll wait", "ob:first_wait")])


def settings(nudges: bool, paused: bool) -> InlineKeyboardMarkup:
    return kb(
        [b("🕖 Time", "st:time"), b("📅 Days", "st:days"), b("🌍 Timezone", "st:tz")],
        [b("👶 Children", "st:children"), b(f"🔔 Reminders: {'on' if nudges else 'off'}", "st:nudges")],
        [b("▶️ Resume", "pz:resume") if paused else b("⏸ Pause", "pz:menu")],
    )


def children_menu(children: list[tuple[int, str]], can_remove: bool) -> InlineKeyboardMarkup:
    rows = [[b(f"✖ Remove {label}", f"st:rm:{cid}")] for cid, label in children] if can_remove else []
    rows.append([b("➕ Add a child", "st:addchild"), b("⬅ Back", "st:back")])
    return kb(*rows)


def pause() -> InlineKeyboardMarkup:
    return kb([b("1 week", "pz:7"), b("2 weeks", "pz:14")], [b("Until a date…", "pz:date")])


def delete_confirm() -> InlineKeyboardMarkup:
    return kb([b("🗑 Yes, delete everything", "del:yes")], [b("Cancel", "del:no")])


def note_skip(delivery_id: int) -> InlineKeyboardMarkup:
    return kb([b("Skip", f"d:n:{delivery_id}")])
