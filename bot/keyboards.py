"""Inline keyboards for the conversation flows. Callback data stays well under Telegram's 64 bytes; every label
comes from the locale files through the person's Translator."""

from __future__ import annotations

from datetime import date

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import DaysCb, DeleteCb, DeliveryCb, MemberCb, PauseCb, SettingsCb, SetupCb
from bot.i18n import Translator

CADENCES = ("three", "daily", "weekdays", "weekly")

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


def b(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def kb(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=list(rows))


def consent(t: Translator) -> InlineKeyboardMarkup:
    return kb(
        [b(t("btn-agree"), SetupCb(action="agree").pack())],
        [b(t("btn-what-stored"), SetupCb(action="privacy").pack())],
    )


def skip_nickname(t: Translator) -> InlineKeyboardMarkup:
    return kb([b(t("btn-skip-plain"), SetupCb(action="nick_skip").pack())])


def birth_years(today: date) -> InlineKeyboardMarkup:
    years = [today.year - i for i in range(0, 18)]
    rows = [[b(str(y), SetupCb(action="y", extra=y).pack()) for y in years[i : i + 6]] for i in range(0, 18, 6)]
    return kb(*rows)


def birth_months(year: int, t: Translator) -> InlineKeyboardMarkup:
    rows = [
        [b(t.month(m), SetupCb(action="m", arg=str(year), extra=m).pack()) for m in range(i, i + 4)] for i in (1, 5, 9)
    ]
    return kb(*rows)


def more_children(t: Translator) -> InlineKeyboardMarkup:
    """Quick start first: one tap to the first idea, everything else defaulted and changeable in /settings."""
    return kb(
        [b(t("btn-quick-start"), SetupCb(action="quick").pack())],
        [b(t("btn-add-another"), SetupCb(action="more").pack())],
        [b(t("btn-kids-done"), SetupCb(action="kids_done").pack())],
    )


def timezones(default_tz: str, t: Translator) -> InlineKeyboardMarkup:
    zones = [default_tz] + [z for z in COMMON_ZONES if z != default_tz]
    rows = [[b(t.zone_city(z), SetupCb(action="tz", arg=z).pack()) for z in zones[i : i + 3]] for i in range(0, 9, 3)]
    return kb(*[r for r in rows if r])


def timezones_choice(zones: list[str]) -> InlineKeyboardMarkup:
    return kb(*[[b(z.replace("_", " "), SetupCb(action="tz", arg=z).pack())] for z in zones])


def times() -> InlineKeyboardMarkup:
    rows = [[b(t, SetupCb(action="t", arg=t.replace(":", "")).pack()) for t in TIME_CHOICES[i : i + 3]] for i in (0, 3)]
    return kb(*rows)


def cadences(t: Translator) -> InlineKeyboardMarkup:
    rows = [[b(t(f"btn-cadence-{key}"), SetupCb(action="c", arg=key).pack())] for key in CADENCES]
    rows.append([b(t("btn-own-days"), DaysCb(action="toggle", mask=0, day=7).pack())])
    return kb(*rows)


def day_picker(mask: int, t: Translator) -> InlineKeyboardMarkup:
    """Any set of weekdays. The choice so far rides in the callback data, so nothing is stored until Save."""
    days = [
        b(("✅ " if mask >> d & 1 else "") + t.weekday(d), DaysCb(action="toggle", mask=mask, day=d).pack())
        for d in range(7)
    ]
    save = b(t("btn-save-days") if mask else t("btn-pick-a-day"), DaysCb(action="save", mask=mask).pack())
    return kb(days[:4], days[4:], [save])


def first_now(t: Translator) -> InlineKeyboardMarkup:
    return kb(
        [
            b(t("btn-send-now"), SetupCb(action="first_now").pack()),
            b(t("btn-wait"), SetupCb(action="first_wait").pack()),
        ]
    )


def settings(nudges: bool, paused: bool, t: Translator) -> InlineKeyboardMarkup:
    return kb(
        [
            b(t("btn-time"), SettingsCb(action="time").pack()),
            b(t("btn-days"), SettingsCb(action="days").pack()),
            b(t("btn-timezone"), SettingsCb(action="tz").pack()),
        ],
        [
            b(t("btn-children"), SettingsCb(action="children").pack()),
            b(t("btn-reminders", on="on" if nudges else "off"), SettingsCb(action="nudges").pack()),
        ],
        [b(t("btn-coparents"), MemberCb(action="menu").pack())],
        [
            b(t("btn-resume"), PauseCb(action="resume").pack())
            if paused
            else b(t("btn-pause"), PauseCb(action="menu").pack())
        ],
    )


def children_menu(children: list[tuple[int, str]], can_remove: bool, t: Translator) -> InlineKeyboardMarkup:
    rows = []
    for cid, label in children:
        row = [b(t("btn-edit-child", name=label), SettingsCb(action="edit", child_id=cid).pack())]
        if can_remove:
            row.append(b(t("btn-remove-child", name=label), SettingsCb(action="rm", child_id=cid).pack()))
        rows.append(row)
    rows.append(
        [
            b(t("btn-add-child"), SettingsCb(action="addchild").pack()),
            b(t("btn-back"), SettingsCb(action="back").pack()),
        ]
    )
    return kb(*rows)


def pause(t: Translator) -> InlineKeyboardMarkup:
    return kb(
        [b(t("btn-pause-week"), PauseCb(action="7").pack()), b(t("btn-pause-two-weeks"), PauseCb(action="14").pack())],
        [b(t("btn-pause-until"), PauseCb(action="date").pack())],
    )


def delete_confirm(t: Translator) -> InlineKeyboardMarkup:
    return kb(
        [b(t("btn-delete-yes"), DeleteCb(action="yes").pack())], [b(t("btn-cancel"), DeleteCb(action="no").pack())]
    )


def edit_child(child_id: int, t: Translator) -> InlineKeyboardMarkup:
    return kb(
        [b(t("btn-change-nickname"), SettingsCb(action="nick", child_id=child_id).pack())],
        [b(t("btn-change-birth"), SettingsCb(action="birth", child_id=child_id).pack())],
        [b(t("btn-back"), SettingsCb(action="children").pack())],
    )


def note_skip(delivery_id: int, t: Translator) -> InlineKeyboardMarkup:
    return kb([b(t("btn-skip-plain"), DeliveryCb(action="n", delivery_id=delivery_id).pack())])
