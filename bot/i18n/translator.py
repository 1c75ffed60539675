"""A translator bound to one locale: `t("key", name=...)` for Fluent messages, and Babel for dates and numbers."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Literal

from babel.dates import format_skeleton, format_time, get_day_names, get_month_names, get_timezone_location
from babel.lists import format_list
from babel.numbers import format_decimal

if TYPE_CHECKING:
    from bot.i18n.catalog import Catalog

log = logging.getLogger(__name__)

FluentValue = str | int | float


class Translator:
    """Everything a person reads passes through one of these, in the person's own locale."""

    def __init__(self, catalog: Catalog, locale: str) -> None:
        self.catalog = catalog
        self.locale = locale
        self.babel = catalog.babel[locale]

    def __call__(self, key: str, **variables: FluentValue | None) -> str:
        args = {k: ("" if v is None else v) for k, v in variables.items()}
        for loc in (self.locale, "en"):
            bundle = self.catalog.bundles[loc]
            if bundle.has_message(key):
                message = bundle.get_message(key)
                if message.value is None:
                    break
                text, errors = bundle.format_pattern(message.value, args)
                if errors:
                    log.warning("locale %s, %s: %s", loc, key, errors[0])
                return str(text)
            # A key missing in this locale: English rather than nothing (the content check fails on it).
            log.warning("locale %s has no message %s", loc, key)
        return key

    def __repr__(self) -> str:
        return f"Translator({self.locale!r})"

    # ---- Babel --------------------------------------------------------------------------------------------

    def date(self, value: date | datetime, skeleton: str = "MMMEd") -> str:
        """A short day: "Fri 20 Mar", "vie, 20 mar"."""
        return str(format_skeleton(skeleton, value, locale=self.babel))

    def time(self, value: time | datetime) -> str:
        """A clock time. The bot speaks in the 24-hour clock in every language: it is what people type back."""
        return str(format_time(value, "HH:mm", locale=self.babel))

    def when(self, value: datetime) -> str:
        """A day and a time: "Fri 20 Mar at 19:30"."""
        return self("date-at-time", day=self.date(value), time=self.time(value))

    def weekday(self, index: int, width: Literal["abbreviated", "narrow", "short", "wide"] = "abbreviated") -> str:
        """Monday is 0, as in Python's date.weekday()."""
        return str(get_day_names(width, context="format", locale=self.babel)[index])

    def month(self, month: int, width: Literal["abbreviated", "narrow", "wide"] = "abbreviated") -> str:
        return str(get_month_names(width, context="stand-alone", locale=self.babel)[month])

    def number(self, value: int | float) -> str:
        return str(format_decimal(value, locale=self.babel))

    def join(self, items: Sequence[str]) -> str:
        """ "A and B", "A, B y C"."""
        return str(format_list(list(items), locale=self.babel)) if items else ""

    def zone_city(self, zone: str) -> str:
        """A timezone's city in this language ("Nueva York"); the zone's own last part when Babel has none."""
        try:
            return str(get_timezone_location(zone, locale=self.babel, return_city=True))
        except (LookupError, ValueError):
            return zone.split("/")[-1].replace("_", " ")

    def capitalize(self, text: str) -> str:
        return text[:1].upper() + text[1:]
