"""Forgiving parsers for what parents type: times, birth months, time zones and dates.

Each parser returns ``None`` when it is not sure, so the caller can ask again with an example.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import date, time, timedelta

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _month_number(word: str) -> int | None:
    """1..12 for an English month name or an abbreviation of at least three letters ("sep", "sept")."""
    word = word.strip(".").lower()
    if len(word) < 3:
        return None
    for number, name in enumerate(_MONTHS, start=1):
        if name.startswith(word):
            return number
    return None


def _squash(text: str) -> str:
    return " ".join(text.strip().lower().split())


# --- times -----------------------------------------------------------------------------------------------

_SUFFIX = r"(?:\s*(?P<ampm>[ap])\.?\s*m?\.?)?"
_TIME_SEP_RE = re.compile(r"(?P<h>[0-9]{1,2})\s*(?P<sep>[:.h])\s*(?P<m>[0-9]{2})?" + _SUFFIX)
_TIME_COMPACT_RE = re.compile(r"(?P<h>[0-9]{1,2}?)(?P<m>[0-9]{2})" + _SUFFIX)
_TIME_HOUR_RE = re.compile(r"(?P<h>[0-9]{1,2})" + _SUFFIX)
_TIME_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}


def _to_time(hour: int, minute: int, ampm: str | None) -> time | None:
    if not 0 <= minute <= 59:
        return None
    if ampm is None:
        return time(hour, minute) if 0 <= hour <= 23 else None
    if not 1 <= hour <= 12:
        return None
    hour %= 12
    if ampm == "p":
        hour += 12
    return time(hour, minute)


def parse_time(text: str) -> time | None:
    """A wall-clock time from "19:30", "7:30", "7pm", "7:30 am", "7.30pm", "19h30", "1930", "noon", ...

    A bare hour needs am/pm ("7pm"), or an "h" ("19h"): "7" alone is not sure enough.
    """
    s = _squash(text)
    if s in _TIME_WORDS:
        return _TIME_WORDS[s]
    if m := _TIME_SEP_RE.fullmatch(s):
        if m["m"] is None and m["sep"] != "h":
            return None  # "7:" or "7."
        return _to_time(int(m["h"]), int(m["m"] or 0), m["ampm"])
    if m := _TIME_COMPACT_RE.fullmatch(s):
        return _to_time(int(m["h"]), int(m["m"]), m["ampm"])
    if (m := _TIME_HOUR_RE.fullmatch(s)) and m["ampm"] is not None:
        return _to_time(int(m["h"]), 0, m["ampm"])
    return None


# --- birth month -----------------------------------------------------------------------------------------

_YM_RE = re.compile(r"(?P<y>[0-9]{4})\s*[-/.]\s*(?P<m>[0-9]{1,2})(?:\s*[-/.]\s*(?P<d>[0-9]{1,2}))?")
_MY_RE = re.compile(r"(?P<m>[0-9]{1,2})\s*[-/.]\s*(?P<y>[0-9]{4})")
_NAME_Y_RE = re.compile(r"(?P<name>[a-z]+)\.?\s*(?P<y>[0-9]{4})")
_Y_NAME_RE = re.compile(r"(?P<y>[0-9]{4})\s*(?P<name>[a-z]+)\.?")


def parse_birth_month(text: str) -> tuple[int, int] | None:
    """``(year, month)`` from "2023-05", "05/2023", "May 2023", "2023 May", "sept 2019", ...

    Years must have four digits. A full ISO date ("2023-05-14") is accepted and its day ignored.
    """
    s = _squash(text.replace(",", " "))
    year: int
    month: int | None
    if m := _YM_RE.fullmatch(s):
        if m["d"] is not None and not 1 <= int(m["d"]) <= 31:
            return None
        year, month = int(m["y"]), int(m["m"])
    elif m := _MY_RE.fullmatch(s):
        year, month = int(m["y"]), int(m["m"])
    elif (m := _NAME_Y_RE.fullmatch(s)) or (m := _Y_NAME_RE.fullmatch(s)):
        year, month = int(m["y"]), _month_number(m["name"])
    else:
        return None
    if month is None or not 1 <= month <= 12:
        return None
    return year, month


# --- time zones ------------------------------------------------------------------------------------------

_EXCLUDED_ZONES = frozenset({"localtime", "Factory"})
_EXCLUDED_PREFIXES = ("posix/", "right/")


@functools.cache
def _default_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _fold(text: str, *, dashes: bool = False) -> str:
    """Lower case, no accents, underscores and runs of spaces (and dashes if asked) as one space,
    no spaces around slashes."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[\s_\-]+" if dashes else r"[\s_]+", " ", plain.lower()).strip()
    return re.sub(r"\s*/\s*", "/", plain)


@dataclass(frozen=True)
class _ZoneIndex:
    by_name: dict[str, str]  # folded full name -> name
    by_city: dict[str, str]  # folded last component (dashes as spaces) -> name, only when unique


@functools.lru_cache(maxsize=8)
def _zone_index(available: frozenset[str]) -> _ZoneIndex:
    by_name: dict[str, str] = {}
    cities: dict[str, set[str]] = {}
    for name in sorted(available):
        if name in _EXCLUDED_ZONES or name.startswith(_EXCLUDED_PREFIXES):
            continue
        by_name.setdefault(_fold(name), name)
        if "/" in name and not name.startswith("Etc/"):
            cities.setdefault(_fold(name.rsplit("/", 1)[1], dashes=True), set()).add(name)
    by_city = {city: next(iter(names)) for city, names in cities.items() if len(names) == 1}
    return _ZoneIndex(by_name=by_name, by_city=by_city)


def parse_timezone(text: str, available: frozenset[str] | None = None) -> str | None:
    """The IANA name for "Europe/Berlin", "europe/berlin", "America/New York", "berlin", "São Paulo".

    A bare city matches the last part of a zone name, only if exactly one zone has it. "UTC" and "GMT" give
    "UTC". Offsets like "+02:00" are not accepted.
    """
    key = _fold(text)
    if not key:
        return None
    if key in {"utc", "gmt"}:
        return "UTC"
    index = _zone_index(_default_zones() if available is None else available)
    return index.by_name.get(key) or index.by_city.get(_fold(text, dashes=True))


# --- dates -----------------------------------------------------------------------------------------------

_ORDINAL = r"(?:st|nd|rd|th)?"
_ISO_RE = re.compile(r"(?P<y>[0-9]{4})\s*([-/.])\s*(?P<m>[0-9]{1,2})\s*\2\s*(?P<d>[0-9]{1,2})")
_NUMERIC_RE = re.compile(r"(?P<a>[0-9]{1,2})\s*(?P<sep>[-/.])\s*(?P<b>[0-9]{1,2})(?:\s*(?P=sep)\s*(?P<y>[0-9]{4})|\.)?")
_DAY_NAME_RE = re.compile(
    r"(?P<d>[0-9]{1,2})" + _ORDINAL + r"\.?\s*(?:of\s+)?(?P<name>[a-z]+)\.?(?:\s+(?P<y>[0-9]{4}))?"
)
_NAME_DAY_RE = re.compile(r"(?P<name>[a-z]+)\.?\s*(?P<d>[0-9]{1,2})" + _ORDINAL + r"(?:\s+(?P<y>[0-9]{4}))?")


def _next_on_or_after(month: int, day: int, today: date) -> date | None:
    """The first date with this month and day on or after ``today`` (Feb 29 waits for a leap year)."""
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _make_date(year: int | None, month: int | None, day: int, today: date) -> date | None:
    if month is None or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    if year is None:
        return _next_on_or_after(month, day, today)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, today: date) -> date | None:
    """A date from "2026-12-24", "24.12.2026", "24/12/2026", "Dec 24", "24 Dec", "December 24, 2026", ...

    Numeric dates are day first. Without a year it is the next such date on or after ``today``. Slash or
    dash dates without a year are accepted only when unambiguous ("24/12" yes, "12/11" no); dot dates are
    always day.month ("12.11"). "today" and "tomorrow" work too. Years must have four digits.
    """
    s = _squash(text.replace(",", " "))
    if s == "today":
        return today
    if s == "tomorrow":
        return today + timedelta(days=1)
    if m := _ISO_RE.fullmatch(s):
        return _make_date(int(m["y"]), int(m["m"]), int(m["d"]), today)
    if m := _NUMERIC_RE.fullmatch(s):
        a, b = int(m["a"]), int(m["b"])
        year = int(m["y"]) if m["y"] else None
        day, month = a, b
        if m["sep"] != "." and month > 12 >= day:
            day, month = b, a  # unambiguously month first, e.g. 12/24/2026
        elif year is None and m["sep"] != "." and a <= 12 and b <= 12:
            return None  # "12/11": 12 November or December 11?
        return _make_date(year, month, day, today)
    for pattern in (_DAY_NAME_RE, _NAME_DAY_RE):
        if m := pattern.fullmatch(s):
            year = int(m["y"]) if m["y"] else None
            return _make_date(year, _month_number(m["name"]), int(m["d"]), today)
    return None
