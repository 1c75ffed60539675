"""Delivery schedule: local send times, weekday cadences, quiet hours, nudges and weekly streaks.

All functions are pure: "now" is always a parameter. Instants go in and come out as aware UTC datetimes;
wall-clock times are interpreted in the parent's IANA time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Cadence(StrEnum):
    three = "three"
    daily = "daily"
    weekdays = "weekdays"
    weekly = "weekly"
    custom = "custom"  # any set of weekdays, kept as a bitmask beside the cadence


# Weekday numbers as in ``date.weekday()``: Monday = 0 ... Sunday = 6.
CADENCE_DAYS: dict[Cadence, frozenset[int]] = {
    Cadence.three: frozenset({1, 3, 5}),  # Tue, Thu, Sat
    Cadence.daily: frozenset(range(7)),
    Cadence.weekdays: frozenset(range(5)),
    Cadence.weekly: frozenset({6}),  # Sunday
}

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def days_mask(days: Iterable[int]) -> int:
    """A set of weekdays (Monday = 0) as a bitmask, for storage."""
    mask = 0
    for d in days:
        if not 0 <= d <= 6:
            raise ValueError(f"weekday out of range: {d}")
        mask |= 1 << d
    return mask


def days_for(cadence: str, custom_days: int | None = None) -> frozenset[int]:
    """The weekdays of a family's plan. A custom plan with no valid day falls back to three a week."""
    c = Cadence(cadence)
    if c is Cadence.custom:
        days = frozenset(d for d in range(7) if (custom_days or 0) >> d & 1)
        return days or CADENCE_DAYS[Cadence.three]
    return CADENCE_DAYS[c]


def days_label(days: frozenset[int]) -> str:
    """ "Mon, Wed, Fri" style, in week order."""
    return ", ".join(WEEKDAY_NAMES[d] for d in sorted(days))


QUIET_START = time(21, 0)
QUIET_END = time(8, 0)

_MINUTE = timedelta(minutes=1)
_DAY = timedelta(days=1)


def _wall(d: date, t: time) -> datetime:
    return datetime.combine(d, t.replace(tzinfo=None, fold=0))


def _exists(aware: datetime, tz: ZoneInfo) -> bool:
    """Whether ``aware``'s wall time survives a round trip through UTC (i.e. is not in a DST gap)."""
    back = aware.astimezone(UTC).astimezone(tz)
    return back.replace(tzinfo=None) == aware.replace(tzinfo=None)


def _ceil_minute(dt: datetime) -> datetime:
    if dt.second or dt.microsecond:
        return dt.replace(second=0, microsecond=0) + _MINUTE
    return dt


def localize(d: date, t: time, tz: ZoneInfo) -> datetime:
    """The aware datetime in ``tz`` for wall time ``t`` on local date ``d``.

    * An ambiguous time (clocks go back) takes the first occurrence (``fold=0``).
    * A time that does not exist (clocks go forward) moves to the first valid minute after the gap,
      e.g. 02:30 on a Europe/Berlin spring-forward day becomes 03:00 CEST.

    Convert the result with ``.astimezone(UTC)`` before comparing or doing arithmetic: by PEP 495 an
    ambiguous wall time never compares ``==`` to a datetime in another zone.
    """
    wall = _wall(d, t)
    first = wall.replace(tzinfo=tz)
    if _exists(first, tz):
        return first
    # In a gap, fold=0 applies the offset from before the transition and fold=1 the one after, so the two
    # readings bracket the transition instant. Binary-search it to the second (tzdata uses whole seconds).
    a = int(first.astimezone(UTC).timestamp())
    b = int(wall.replace(tzinfo=tz, fold=1).astimezone(UTC).timestamp())
    lo, hi = min(a, b), max(a, b)
    after_offset = datetime.fromtimestamp(hi, UTC).astimezone(tz).utcoffset()
    if lo < hi and datetime.fromtimestamp(lo, UTC).astimezone(tz).utcoffset() != after_offset:
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if datetime.fromtimestamp(mid, UTC).astimezone(tz).utcoffset() == after_offset:
                hi = mid
            else:
                lo = mid
        return _ceil_minute(datetime.fromtimestamp(hi, UTC)).astimezone(tz)
    # Defensive fallback for zone data that does not follow the PEP 495 gap convention: walk forward.
    probe = wall.replace(second=0, microsecond=0)
    for _ in range(3 * 24 * 60):
        probe += _MINUTE
        candidate = probe.replace(tzinfo=tz)
        if _exists(candidate, tz):
            return candidate
    raise ValueError(f"no valid local time after {wall} in {tz.key}")  # pragma: no cover


def _to_utc(dt: datetime, name: str) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return dt.astimezone(UTC)


def _check_days(days: frozenset[int]) -> None:
    if not days:
        raise ValueError("days must not be empty")
    bad = sorted(d for d in days if not (isinstance(d, int) and 0 <= d <= 6))
    if bad:
        raise ValueError(f"days must be weekday numbers 0..6 (Monday = 0), got {bad}")


def _slots_on_dates(first: date, last: date, tz: ZoneInfo, send_time: time, days: frozenset[int]) -> list[datetime]:
    out: list[datetime] = []
    d = first
    while d <= last:
        if d.weekday() in days:
            out.append(localize(d, send_time, tz).astimezone(UTC))
        d += _DAY
    return out


def next_slot(after: datetime, tz: ZoneInfo, send_time: time, days: frozenset[int]) -> datetime:
    """The first delivery slot strictly after ``after`` (aware; converted to UTC), as an aware UTC datetime.

    Slots are ``localize(d, send_time, tz)`` for every local date ``d`` whose weekday is in ``days``.
    """
    _check_days(days)
    after_utc = _to_utc(after, "after")
    local_day = after_utc.astimezone(tz).date()
    # From the day before (a gap-moved slot may spill over) to well past a full week of weekdays.
    slots = _slots_on_dates(local_day - _DAY, local_day + timedelta(days=9), tz, send_time, days)
    return min(s for s in slots if s > after_utc)


def slots_between(
    start: datetime, end: datetime, tz: ZoneInfo, send_time: time, days: frozenset[int]
) -> list[datetime]:
    """All slots with ``start < slot <= end``, ascending, as aware UTC datetimes."""
    _check_days(days)
    start_utc = _to_utc(start, "start")
    end_utc = _to_utc(end, "end")
    if end_utc <= start_utc:
        return []
    first = start_utc.astimezone(tz).date() - _DAY
    last = end_utc.astimezone(tz).date() + _DAY
    slots = _slots_on_dates(first, last, tz, send_time, days)
    return sorted({s for s in slots if start_utc < s <= end_utc})


def in_quiet_hours(t: time, start: time = QUIET_START, end: time = QUIET_END) -> bool:
    """Whether wall time ``t`` lies in ``[start, end)``, wrapping past midnight when ``start > end``.

    ``start == end`` means no quiet hours.
    """
    t = t.replace(tzinfo=None)
    start = start.replace(tzinfo=None)
    end = end.replace(tzinfo=None)
    if start <= end:
        return start <= t < end
    return t >= start or t < end


MIN_NUDGE_GAP = timedelta(minutes=45)
EVENING_MARGIN = timedelta(minutes=15)


def nudge_at(
    sent_at: datetime,
    tz: ZoneInfo,
    delay: timedelta = timedelta(hours=3),
    quiet_start: time = QUIET_START,
    quiet_end: time = QUIET_END,
    min_gap: timedelta = MIN_NUDGE_GAP,
) -> datetime | None:
    """When to remind after a prompt sent at ``sent_at``, or None for no reminder.

    Normally ``sent_at + delay``. If that falls in quiet hours the reminder moves *earlier*, to a little
    before the quiet hours begin, as long as that is still ``min_gap`` after the prompt; otherwise there is
    none. A reminder the next morning is about a prompt that has gone stale, so it never happens.
    Returns an aware UTC datetime.
    """
    sent = _to_utc(sent_at, "sent_at")
    target = sent + delay
    local = target.astimezone(tz)
    if not in_quiet_hours(local.time(), quiet_start, quiet_end):
        return target
    candidate = start_of_quiet(local, tz, quiet_start, quiet_end) - EVENING_MARGIN
    if candidate - sent < min_gap or candidate > target:
        return None
    if in_quiet_hours(candidate.astimezone(tz).time(), quiet_start, quiet_end):
        return None  # back-to-back quiet windows leave no room before this one
    return candidate


def start_of_quiet(
    local: datetime, tz: ZoneInfo, quiet_start: time = QUIET_START, quiet_end: time = QUIET_END
) -> datetime:
    """The start of the quiet hours that ``local`` (a local time inside them) falls in, as aware UTC."""
    start = quiet_start.replace(tzinfo=None)
    wraps = start > quiet_end.replace(tzinfo=None)
    day = local.date() - _DAY if wraps and local.time() < start else local.date()
    return localize(day, start, tz).astimezone(UTC)


def end_of_quiet(local: datetime, tz: ZoneInfo, quiet_end: time = QUIET_END) -> datetime:
    """The end of the quiet hours that ``local`` (a local time inside them) falls in, as aware UTC."""
    end = quiet_end.replace(tzinfo=None)
    day = local.date() if local.time() < end else local.date() + _DAY
    return localize(day, end, tz).astimezone(UTC)


def week_start(d: date) -> date:
    """The Monday of ``d``'s ISO week."""
    return d - timedelta(days=d.weekday())


def week_streak(try_dates: Iterable[date], today: date) -> int:
    """Consecutive ISO weeks with at least one date, ending with this week.

    If this week has no date yet the streak ends with last week instead, so it is not broken on Monday
    morning. Dates after ``today`` are ignored.
    """
    weeks = {week_start(d) for d in try_dates if d <= today}
    week = week_start(today)
    if week not in weeks:
        week -= timedelta(days=7)
    streak = 0
    while week in weeks:
        streak += 1
        week -= timedelta(days=7)
    return streak
