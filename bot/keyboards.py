"""Inline keyboards for the conversation flows. Callback data stays well under Telegram's 64 bytes."""

from __future__ import annotations

from datetime import date

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import DaysCb, DeleteCb, DeliveryCb, MemberCb, PauseCb, SettingsCb, SetupCb
from bot.domain.schedule import WEEKDAY_NAMES
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
    return kb(
        [b("✅ I agree — let's begin", SetupCb(action="agree").pack())],
        [b("🔒 What exactly do you store?", SetupCb(action="privacy").pack())],
    )


def skip_nickname() -> InlineKeyboardMarkup:
    return kb([b("Skip", SetupCb(action="nick_skip").pack())])


def birth_years(today: date) -> InlineKeyboardMarkup:
    years = [today.year - i for i in range(0, 18)]
    rows = [[b(str(y), SetupCb(action="y", extra=y).pack()) for y in years[i : i + 6]] for i in range(0, 18, 6)]
    return kb(*rows)


def birth_months(year: int) -> InlineKeyboardMarkup:
    rows = [
        [b(MONTHS[m - 1], SetupCb(action="m", arg=str(year), extra=m).pack()) for m in range(i, i + 4)]
        for i in (1, 5, 9)
    ]
    return kb(*rows)


def more_children() -> InlineKeyboardMarkup:
    """Quick start first: one tap to the first idea, everything else defaulted and changeable in /settings."""
    return kb(
        [b("🚀 Start now with the usual plan", SetupCb(action="quick").pack())],
        [b("➕ Add another child", SetupCb(action="more").pack())],
        [b("That's everyone — let me choose time and days", SetupCb(action="kids_done").pack())],
    )


def timezones(default_tz: str) -> InlineKeyboardMarkup:
    zones = [default_tz] + [z for z in COMMON_ZONES if z != default_tz]
    rows = [
        [b(z.split("/")[-1].replace("_", " "), SetupCb(action="tz", arg=z).pack()) for z in zones[i : i + 3]]
        for i in range(0, 9, 3)
    ]
    return kb(*[r for r in rows if r])


def timezones_choice(zones: list[str]) -> InlineKeyboardMarkup:
    return kb(*[[b(z.replace("_", " "), SetupCb(action="tz", arg=z).pack())] for z in zones])


def times() -> InlineKeyboardMarkup:
    rows = [[b(t, SetupCb(action="t", arg=t.replace(":", "")).pack()) for t in TIME_CHOICES[i : i + 3]] for i in (0, 3)]
    return kb(*rows)


def cadences() -> InlineKeyboardMarkup:
    rows = [[b(label, SetupCb(action="c", arg=key).pack())] for key, label in CADENCE_LABELS.items()]
    rows.append([b("🗓 Choose my own days…", DaysCb(action="toggle", mask=0, day=7).pack())])
    return kb(*rows)


def day_picker(mask: int) -> InlineKeyboardMarkup:
    """Any set of weekdays. The choice so far rides in the callback data, so nothing is stored until Save."""
    days = [
        b(("✅ " if mask >> d & 1 else "") + name, DaysCb(action="toggle", mask=mask, day=d).pack())
        for d, name in enumerate(WEEKDAY_NAMES)
    ]
    save = b("💾 Save these days" if mask else "Pick at least one day", DaysCb(action="save", mask=mask).pack())
    return kb(days[:4], days[4:], [save])


def first_now() -> InlineKeyboardMarkup:
    return kb(
        [
            b("Yes, send one now", SetupCb(action="first_now").pack()),
            b("I'll wait", SetupCb(action="first_wait").pack()),
        ]
    )


def settings(nudges: bool, paused: bool) -> InlineKeyboardMarkup:
    return kb(
        [
            b("🕖 Time", SettingsCb(action="time").pack()),
            b("📅 Days", SettingsCb(action="days").pack()),
            b("🌍 Timezone", SettingsCb(action="tz").pack()),
        ],
        [
            b("👶 Children", SettingsCb(action="children").pack()),
            b(f"🔔 Reminders: {'on' if nudges else 'off'}", SettingsCb(action="nudges").pack()),
        ],
        [b("👪 Co-parents", MemberCb(action="menu").pack())],
        [b("▶️ Resume", PauseCb(action="resume").pack()) if paused else b("⏸ Pause", PauseCb(action="menu").pack())],
    )


def children_menu(children: list[tuple[int, str]], can_remove: bool) -> InlineKeyboardMarkup:
    rows = []
    for cid, label in children:
        row = [b(f"✏️ Edit {label}", SettingsCb(action="edit", child_id=cid).pack())]
        if can_remove:
            row.append(b(f"✖ Remove {label}", SettingsCb(action="rm", child_id=cid).pack()))
        rows.append(row)
    rows.append(
        [b("➕ Add a child", SettingsCb(action="addchild").pack()), b("⬅ Back", SettingsCb(action="back").pack())]
    )
    return kb(*rows)


def pause() -> InlineKeyboardMarkup:
    return kb(
        [b("1 week", PauseCb(action="7").pack()), b("2 weeks", PauseCb(action="14").pack())],
        [b("Until a date…", PauseCb(action="date").pack())],
    )


def delete_confirm() -> InlineKeyboardMarkup:
    return kb(
        [b("🗑 Yes, delete everything", DeleteCb(action="yes").pack())], [b("Cancel", DeleteCb(action="no").pack())]
    )


def edit_child(child_id: int) -> InlineKeyboardMarkup:
    return kb(
        [b("Change the nickname", SettingsCb(action="nick", child_id=child_id).pack())],
        [b("Change the birth month", SettingsCb(action="birth", child_id=child_id).pack())],
        [b("⬅ Back", SettingsCb(action="children").pack())],
    )


def note_skip(delivery_id: int) -> InlineKeyboardMarkup:
    return kb([b("Skip", DeliveryCb(action="n", delivery_id=delivery_id).pack())])
