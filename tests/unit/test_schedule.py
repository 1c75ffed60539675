from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.domain.schedule import (
    CADENCE_DAYS,
    QUIET_END,
    QUIET_START,
    Cadence,
    days_for,
    days_label,
    days_mask,
    in_quiet_hours,
    localize,
    next_slot,
    slots_between,
    week_start,
    week_streak,
)

ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "America/Santiago",
    "Asia/Kolkata",
    "Pacific/Auckland",
    "Europe/London",
    "UTC",
)
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
MINUTE = timedelta(minutes=1)
ALL_DAYS = frozenset(range(7))

PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# --- reference helpers (independent of the implementation) --------------------------------------------


def kind(d: date, t: time, tz: ZoneInfo) -> str:
    """'gap', 'fold' or 'normal', from the PEP 495 offsets of the two folds."""
    wall = datetime.combine(d, t)
    off0 = wall.replace(tzinfo=tz, fold=0).utcoffset()
    off1 = wall.replace(tzinfo=tz, fold=1).utcoffset()
    assert off0 is not None and off1 is not None
    if off0 == off1:
        return "normal"
    return "gap" if off0 < off1 else "fold"


@functools.cache
def transitions(zone: str) -> tuple[datetime, ...]:
    """UTC instants in 2020..2036 where the zone's offset changes (to the second)."""
    tz = ZoneInfo(zone)
    out: list[datetime] = []
    t = utc(2020, 1, 1)
    end = utc(2036, 1, 1)
    while t < end:
        nxt = t + timedelta(days=1)
        if t.astimezone(tz).utcoffset() != nxt.astimezone(tz).utcoffset():
            lo, hi = t, nxt
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(tz).utcoffset() == lo.astimezone(tz).utcoffset():
                    lo = mid
                else:
                    hi = mid
            out.append(hi.replace(microsecond=0))
        t = nxt
    return tuple(out)


def test_reference_transitions_found() -> None:
    assert transitions("UTC") == ()
    assert transitions("Asia/Kolkata") == ()
    assert utc(2026, 3, 29, 1) in transitions("Europe/Berlin")
    assert utc(2026, 10, 25, 1) in transitions("Europe/Berlin")
    assert utc(2026, 3, 8, 7) in transitions("America/New_York")
    assert utc(2026, 11, 1, 6) in transitions("America/New_York")


# --- strategies ------------------------------------------------------------------------------------------

zones = st.sampled_from(ZONES)
instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC))
send_times = st.one_of(
    st.sampled_from([time(2, 30), time(1, 30), time(2), time(3), time(0), time(0, 30), time(23, 30)]),
    st.builds(time, hour=st.integers(0, 23), minute=st.integers(0, 59)),
)
day_sets = st.one_of(
    st.sampled_from(list(CADENCE_DAYS.values())),
    st.frozensets(st.integers(0, 6), min_size=1),
)


@st.composite
def zone_and_instant(draw: st.DrawFn) -> tuple[str, datetime]:
    """A zone and an instant: either anywhere in 2020-2035 or within nine days of one of its transitions."""
    zone = draw(zones)
    near = transitions(zone)
    use_transition = draw(st.booleans())
    if near and use_transition:
        base = draw(st.sampled_from(near))
        offset = draw(st.integers(-9 * 86400, 9 * 86400))
        return zone, base + timedelta(seconds=offset)
    return zone, draw(instants)


@st.composite
def dst_wall(draw: st.DrawFn) -> tuple[str, datetime, datetime]:
    """A zone, one of its transitions (UTC) and a local wall time (naive) inside that gap or fold."""
    zone = draw(st.sampled_from([z for z in ZONES if transitions(z)]))
    tz = ZoneInfo(zone)
    t = draw(st.sampled_from(transitions(zone)))
    before = (t - timedelta(seconds=1)).astimezone(tz).utcoffset()
    after = t.astimezone(tz).utcoffset()
    assert before is not None and after is not None
    walls = sorted([(t + before).replace(tzinfo=None), (t + after).replace(tzinfo=None)])
    span_minutes = int((walls[1] - walls[0]).total_seconds() // 60)
    return zone, t, walls[0] + timedelta(minutes=draw(st.integers(0, span_minutes - 1)))


@st.composite
def dst_case(draw: st.DrawFn) -> tuple[str, datetime, time, frozenset[int]]:
    """A send time inside a DST gap or fold, `after` shortly before it and its weekday among the days."""
    zone, t, wall = draw(dst_wall())
    others = draw(st.frozensets(st.integers(0, 6)))
    lead = timedelta(hours=2, minutes=draw(st.integers(0, 4 * 24 * 60)))
    return zone, t - lead, wall.time(), others | {wall.date().weekday()}


@st.composite
def slot_case(draw: st.DrawFn) -> tuple[str, datetime, time, frozenset[int]]:
    if draw(st.integers(0, 3)) == 0:
        return draw(dst_case())
    zone, after = draw(zone_and_instant())
    return zone, after, draw(send_times), draw(day_sets)


# --- Cadence and quiet hours constants -------------------------------------------------------------------


def test_cadence_days() -> None:
    expected = {
        Cadence.three: frozenset({1, 3, 5}),
        Cadence.daily: frozenset({0, 1, 2, 3, 4, 5, 6}),
        Cadence.weekdays: frozenset({0, 1, 2, 3, 4}),
        Cadence.weekly: frozenset({6}),
    }
    assert expected == CADENCE_DAYS
    assert {c.value for c in Cadence} == {"three", "daily", "weekdays", "weekly", "custom"}


def test_custom_days() -> None:
    assert days_for("custom", days_mask({0, 2, 4})) == frozenset({0, 2, 4})
    assert days_for("custom", days_mask({5, 6})) == frozenset({5, 6})
    assert days_for("custom", 0) == CADENCE_DAYS[Cadence.three]  # never an empty plan
    assert days_for("daily", days_mask({1})) == CADENCE_DAYS[Cadence.daily]  # the mask only counts for custom
    assert days_label(frozenset({4, 0, 2})) == "Mon, Wed, Fri"
    with pytest.raises(ValueError):
        days_mask({7})


@given(days=st.frozensets(st.integers(0, 6), min_size=1))
def test_custom_days_round_trip(days: frozenset[int]) -> None:
    assert days_for("custom", days_mask(days)) == days
    assert Cadence("three") is Cadence.three
    assert (time(21, 0), time(8, 0)) == (QUIET_START, QUIET_END)


# --- localize ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "d", "t", "expected_utc", "expected_wall"),
    [
        # Berlin spring forward 2026-03-29 02:00 CET -> 03:00 CEST
        ("Europe/Berlin", date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 0), time(3, 0)),
        ("Europe/Berlin", date(2026, 3, 29), time(2, 0), utc(2026, 3, 29, 1, 0), time(3, 0)),
        ("Europe/Berlin", date(2026, 3, 29), time(2, 59), utc(2026, 3, 29, 1, 0), time(3, 0)),
        ("Europe/Berlin", date(2026, 3, 29), time(3, 0), utc(2026, 3, 29, 1, 0), time(3, 0)),
        ("Europe/Berlin", date(2026, 3, 29), time(1, 59), utc(2026, 3, 29, 0, 59), time(1, 59)),
        ("Europe/Berlin", date(2026, 3, 29), time(19, 0), utc(2026, 3, 29, 17, 0), time(19, 0)),
        # Berlin fall back 2026-10-25 03:00 CEST -> 02:00 CET: 02:30 happens twice, take the first
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30), time(2, 30)),
        ("Europe/Berlin", date(2026, 10, 25), time(2, 0), utc(2026, 10, 25, 0, 0), time(2, 0)),
        ("Europe/Berlin", date(2026, 10, 25), time(3, 0), utc(2026, 10, 25, 2, 0), time(3, 0)),
        # New York spring forward 2026-03-08 02:00 EST -> 03:00 EDT
        ("America/New_York", date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 0), time(3, 0)),
        ("America/New_York", date(2026, 3, 8), time(1, 30), utc(2026, 3, 8, 6, 30), time(1, 30)),
        # New York fall back 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 twice, take EDT
        ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30), time(1, 30)),
        ("America/New_York", date(2026, 11, 1), time(2, 30), utc(2026, 11, 1, 7, 30), time(2, 30)),
        # Santiago springs forward at midnight: 00:30 on 2026-09-06 becomes 01:00 the same day
        ("America/Santiago", date(2026, 9, 6), time(0, 30), utc(2026, 9, 6, 4, 0), time(1, 0)),
        # London: 01:30 is missing in March and doubled in October
        ("Europe/London", date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1, 0), time(2, 0)),
        ("Europe/London", date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30), time(1, 30)),
        # Kolkata has a half-hour offset and no DST
        ("Asia/Kolkata", date(2026, 3, 29), time(2, 30), utc(2026, 3, 28, 21, 0), time(2, 30)),
    ],
)
def test_localize_examples(zone: str, d: date, t: time, expected_utc: datetime, expected_wall: time) -> None:
    tz = ZoneInfo(zone)
    result = localize(d, t, tz)
    assert result.tzinfo is tz
    # Compare in UTC: PEP 495 makes `==` across zones False for a wall time that happens twice.
    assert result.astimezone(UTC) == expected_utc
    assert result.astimezone(tz).time() == expected_wall
    assert result.astimezone(tz).date() == d


def test_localize_ignores_tzinfo_and_fold_on_time() -> None:
    t = time(2, 30, tzinfo=timezone(timedelta(hours=5)), fold=1)
    assert localize(date(2026, 10, 25), t, BERLIN).astimezone(UTC) == utc(2026, 10, 25, 0, 30)


def test_localize_whole_day_gap() -> None:
    # Samoa skipped 2011-12-30 entirely when it crossed the date line.
    apia = ZoneInfo("Pacific/Apia")
    result = localize(date(2011, 12, 30), time(10, 0), apia)
    assert result == datetime(2011, 12, 31, 0, 0, tzinfo=apia)
    assert result.astimezone(UTC) == utc(2011, 12, 30, 10, 0)


local_cases = st.one_of(
    st.tuples(zones, st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)), send_times),
    dst_wall().map(lambda c: (c[0], c[2].date(), c[2].time())),
)


@PROPS
@given(case=local_cases)
def test_localize_properties(case: tuple[str, date, time]) -> None:
    zone, d, t = case
    tz = ZoneInfo(zone)
    result = localize(d, t, tz)
    local = result.astimezone(UTC).astimezone(tz)
    assert local.date() == d
    assert local.replace(tzinfo=None) == result.replace(tzinfo=None)  # a real wall time
    wall = datetime.combine(d, t)
    k = kind(d, t, tz)
    if k == "gap":
        assert local.time() > t
        assert local.second == 0 and local.microsecond == 0
        before = (result.astimezone(UTC) - MINUTE).astimezone(tz).replace(tzinfo=None)
        assert before < wall  # the minute before the result is before the gap
    else:
        assert local.time() == t
    event(k)
    if k == "fold":
        assert result.fold == 0
        first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
        assert result.astimezone(UTC) == first < wall.replace(tzinfo=tz, fold=1).astimezone(UTC)


# --- next_slot -----------------------------------------------------------------------------------------


def test_next_slot_berlin_spring_forward() -> None:
    sunday = frozenset({6})
    assert next_slot(utc(2026, 3, 28, 12), BERLIN, time(2, 30), sunday) == utc(2026, 3, 29, 1, 0)
    assert next_slot(utc(2026, 3, 28, 12), BERLIN, time(19, 0), sunday) == utc(2026, 3, 29, 17, 0)
    # Right after the moved slot, the next one is a week later at the real 02:30 CEST.
    assert next_slot(utc(2026, 3, 29, 1, 0), BERLIN, time(2, 30), sunday) == utc(2026, 4, 5, 0, 30)
    # Daily 02:30: Saturday 01:30 UTC (CET), Sunday moved to 03:00 CEST, Monday 00:30 UTC (CEST)
    daily = slots_between(utc(2026, 3, 28), utc(2026, 3, 31), BERLIN, time(2, 30), ALL_DAYS)
    assert daily == [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30)]


def test_next_slot_berlin_fall_back() -> None:
    daily = ALL_DAYS
    assert next_slot(utc(2026, 10, 24, 12), BERLIN, time(2, 30), daily) == utc(2026, 10, 25, 0, 30)
    # Between the two 02:30s the slot for Oct 25 is used up: the second occurrence is not a new slot.
    assert next_slot(utc(2026, 10, 25, 0, 30), BERLIN, time(2, 30), daily) == utc(2026, 10, 26, 1, 30)
    assert next_slot(utc(2026, 10, 25, 1, 0), BERLIN, time(2, 30), daily) == utc(2026, 10, 26, 1, 30)
    assert next_slot(utc(2026, 10, 24, 12), BERLIN, time(19, 0), daily) == utc(2026, 10, 24, 17, 0)
    assert next_slot(utc(2026, 10, 24, 17), BERLIN, time(19, 0), daily) == utc(2026, 10, 25, 18, 0)


def test_next_slot_new_york() -> None:
    sunday = frozenset({6})
    assert next_slot(utc(2026, 3, 7), NEW_YORK, time(2, 30), sunday) == utc(2026, 3, 8, 7, 0)
    assert next_slot(utc(2026, 3, 7), NEW_YORK, time(1, 30), sunday) == utc(2026, 3, 8, 6, 30)
    assert next_slot(utc(2026, 3, 7), NEW_YORK, time(19, 30), sunday) == utc(2026, 3, 8, 23, 30)
    assert next_slot(utc(2026, 10, 31), NEW_YORK, time(1, 30), sunday) == utc(2026, 11, 1, 5, 30)
    assert next_slot(utc(2026, 11, 1, 5, 30), NEW_YORK, time(1, 30), sunday) == utc(2026, 11, 8, 6, 30)
    assert next_slot(utc(2026, 10, 31), NEW_YORK, time(19, 30), sunday) == utc(2026, 11, 2, 0, 30)


def test_next_slot_cadences() -> None:
    monday_noon = utc(2026, 6, 1, 12)  # Monday
    seven = time(19, 0)
    tz = ZoneInfo("UTC")
    assert next_slot(monday_noon, tz, seven, CADENCE_DAYS[Cadence.daily]) == utc(2026, 6, 1, 19)
    assert next_slot(monday_noon, tz, seven, CADENCE_DAYS[Cadence.three]) == utc(2026, 6, 2, 19)
    assert next_slot(monday_noon, tz, seven, CADENCE_DAYS[Cadence.weekly]) == utc(2026, 6, 7, 19)
    friday_night = utc(2026, 6, 5, 20)
    assert next_slot(friday_night, tz, seven, CADENCE_DAYS[Cadence.weekdays]) == utc(2026, 6, 8, 19)
    assert next_slot(friday_night, tz, seven, CADENCE_DAYS[Cadence.three]) == utc(2026, 6, 6, 19)
    # strictly after: exactly at a slot gives the next one
    assert next_slot(utc(2026, 6, 7, 19), tz, seven, CADENCE_DAYS[Cadence.weekly]) == utc(2026, 6, 14, 19)
    assert next_slot(utc(2026, 6, 7, 18, 59, 59), tz, seven, frozenset({6})) == utc(2026, 6, 7, 19)


def test_next_slot_uses_local_weekday() -> None:
    # Sunday 06:00 UTC is already Sunday evening in Auckland; Monday 08:00 there is Sunday 20:00 UTC.
    auckland = ZoneInfo("Pacific/Auckland")
    result = next_slot(utc(2026, 6, 7, 6), auckland, time(8, 0), frozenset({0}))
    assert result == utc(2026, 6, 7, 20)
    assert result.astimezone(auckland).weekday() == 0


def test_next_slot_accepts_other_aware_timezones() -> None:
    after = datetime(2026, 6, 1, 14, tzinfo=ZoneInfo("Europe/Berlin"))  # 12:00 UTC
    result = next_slot(after, ZoneInfo("UTC"), time(13, 0), ALL_DAYS)
    assert result == utc(2026, 6, 1, 13)
    assert result.tzinfo is UTC


def test_next_slot_errors() -> None:
    with pytest.raises(ValueError, match="empty"):
        next_slot(utc(2026, 1, 1), BERLIN, time(19), frozenset())
    with pytest.raises(ValueError, match="aware"):
        next_slot(datetime(2026, 1, 1), BERLIN, time(19), ALL_DAYS)
    with pytest.raises(ValueError, match=r"0\.\.6"):
        next_slot(utc(2026, 1, 1), BERLIN, time(19), frozenset({7}))
    with pytest.raises(ValueError, match="empty"):
        slots_between(utc(2026, 1, 1), utc(2026, 2, 1), BERLIN, time(19), frozenset())


@PROPS
@given(case=slot_case())
def test_next_slot_properties(case: tuple[str, datetime, time, frozenset[int]]) -> None:
    zone, after, send_time, days = case
    tz = ZoneInfo(zone)
    result = next_slot(after, tz, send_time, days)

    assert result.tzinfo is UTC
    assert result > after
    assert result - after <= timedelta(days=8)

    local = result.astimezone(tz)
    d = local.date()  # gap-moved slots stay on their own local date
    assert d.weekday() in days
    k = kind(d, send_time, tz)
    event(k)
    if k == "gap":
        assert local.time() > send_time
        assert local.second == 0
        before = (result - MINUTE).astimezone(tz).replace(tzinfo=None)
        assert before < datetime.combine(d, send_time)
    else:
        assert local.time() == send_time
    if k == "fold":  # the earlier of the two instants
        assert local.fold == 0
        first = datetime.combine(d, send_time).replace(tzinfo=tz, fold=0).astimezone(UTC)
        second = datetime.combine(d, send_time).replace(tzinfo=tz, fold=1).astimezone(UTC)
        assert result == first < second

    # No valid slot is skipped: no local date in between has a slot between `after` and the result.
    day = after.astimezone(tz).date() - timedelta(days=1)
    while day <= d:
        if day.weekday() in days:
            slot = localize(day, send_time, tz).astimezone(UTC)
            assert not (after < slot < result), (day, slot)
        day += timedelta(days=1)


@PROPS
@given(
    zone=zones,
    a=instants,
    delta=st.integers(0, 20 * 86400),
    send_time=send_times,
    days=day_sets,
)
def test_next_slot_is_monotonic(zone: str, a: datetime, delta: int, send_time: time, days: frozenset[int]) -> None:
    tz = ZoneInfo(zone)
    b = a + timedelta(seconds=delta)
    assert next_slot(a, tz, send_time, days) <= next_slot(b, tz, send_time, days)


@PROPS
@given(case=slot_case(), span=st.integers(0, 30))
def test_slots_between_chains_next_slot(case: tuple[str, datetime, time, frozenset[int]], span: int) -> None:
    zone, start, send_time, days = case
    tz = ZoneInfo(zone)
    end = start + timedelta(days=span, hours=3)
    slots = slots_between(start, end, tz, send_time, days)
    assert all(s.tzinfo is UTC for s in slots)
    assert all(start < s <= end for s in slots)
    assert slots == sorted(set(slots))
    # Walking next_slot from start yields exactly these slots, then one past the end.
    expected: list[datetime] = []
    cursor = next_slot(start, tz, send_time, days)
    while cursor <= end:
        expected.append(cursor)
        cursor = next_slot(cursor, tz, send_time, days)
    assert slots == expected


def test_slots_between_bounds() -> None:
    tz = ZoneInfo("UTC")
    seven = time(19, 0)
    assert slots_between(utc(2026, 6, 1, 19), utc(2026, 6, 3, 19), tz, seven, ALL_DAYS) == [
        utc(2026, 6, 2, 19),
        utc(2026, 6, 3, 19),
    ]
    assert slots_between(utc(2026, 6, 3), utc(2026, 6, 1), tz, seven, ALL_DAYS) == []
    assert slots_between(utc(2026, 6, 1), utc(2026, 6, 1), tz, seven, ALL_DAYS) == []


# --- quiet hours and nudges ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("t", "quiet"),
    [
        (time(20, 59), False),
        (time(21, 0), True),
        (time(23, 59), True),
        (time(0, 0), True),
        (time(3, 0), True),
        (time(7, 59, 59), True),
        (time(8, 0), False),
        (time(12, 0), False),
    ],
)
def test_in_quiet_hours_default_wraps_midnight(t: time, quiet: bool) -> None:
    assert in_quiet_hours(t) is quiet


def test_in_quiet_hours_custom_windows() -> None:
    assert in_quiet_hours(time(14, 0), time(13, 0), time(15, 0))
    assert not in_quiet_hours(time(15, 0), time(13, 0), time(15, 0))
    assert not in_quiet_hours(time(12, 59), time(13, 0), time(15, 0))
    assert not in_quiet_hours(time(3, 0), time(8, 0), time(8, 0))  # empty window
    assert in_quiet_hours(time(23, 30), time(23, 0), time(0, 0))
    assert not in_quiet_hours(time(0, 0), time(23, 0), time(0, 0))


# --- weeks and streaks ---------------------------------------------------------------------------------


def test_week_start() -> None:
    assert week_start(date(2026, 6, 1)) == date(2026, 6, 1)  # Monday
    assert week_start(date(2026, 6, 7)) == date(2026, 6, 1)  # Sunday
    assert week_start(date(2026, 6, 8)) == date(2026, 6, 8)
    assert week_start(date(2027, 1, 1)) == date(2026, 12, 28)  # across the year


@given(d=st.dates())
def test_week_start_is_monday_of_iso_week(d: date) -> None:
    try:
        start = week_start(d)
    except OverflowError:
        return  # the first days of year 1 have no Monday before them
    assert start.weekday() == 0
    assert 0 <= (d - start).days < 7
    assert start.isocalendar()[:2] == d.isocalendar()[:2]


MON = date(2026, 6, 8)


@pytest.mark.parametrize(
    ("dates", "today", "expected"),
    [
        ([], MON, 0),
        ([MON], MON, 1),
        ([MON - timedelta(days=1)], MON, 1),  # last Sunday: Monday morning keeps the streak
        ([MON - timedelta(days=7)], MON, 1),  # last Monday
        ([MON - timedelta(days=8)], MON, 0),  # the week before last: broken
        ([MON, MON - timedelta(days=1), MON - timedelta(days=13)], MON, 3),
        ([MON, MON - timedelta(days=13)], MON, 1),  # gap last week
        ([MON + timedelta(days=6), MON - timedelta(days=7)], MON + timedelta(days=6), 2),  # Sunday
        ([MON + timedelta(days=7)], MON, 0),  # future dates ignored
        ([MON, MON, MON], MON, 1),  # duplicates
        ([date(2026, 1, 1), date(2025, 12, 29), date(2025, 12, 22)], date(2026, 1, 4), 2),
        ([date(2025, 12, 31), date(2025, 12, 22)], date(2026, 1, 5), 2),  # across the new year
    ],
)
def test_week_streak(dates: list[date], today: date, expected: int) -> None:
    assert week_streak(dates, today) == expected
    assert week_streak(iter(dates), today) == expected  # any iterable


@settings(max_examples=200)
@given(
    weeks=st.lists(st.booleans(), min_size=0, max_size=20),
    weekday=st.integers(0, 6),
    offsets=st.data(),
)
def test_week_streak_property(weeks: list[bool], weekday: int, offsets: st.DataObject) -> None:
    # weeks[0] is the current week, weeks[1] last week, ...
    monday = date(2026, 6, 8)
    today = monday + timedelta(days=weekday)
    dates: list[date] = []
    for i, has in enumerate(weeks):
        if has:
            limit = weekday if i == 0 else 6
            dates.append(monday - timedelta(days=7 * i) + timedelta(days=offsets.draw(st.integers(0, limit))))
    flags = list(weeks) + [False]
    start = 0 if flags[0] else 1
    expected = 0
    while flags[start + expected] if start + expected < len(flags) else False:
        expected += 1
    assert week_streak(dates, today) == expected
