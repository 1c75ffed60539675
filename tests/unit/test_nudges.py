"""Reminders: moved earlier the same evening when they would fall in quiet hours, or none; never the next
morning. Property tests cover every send time and zone, DST included."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.schedule import QUIET_END, QUIET_START, in_quiet_hours, localize, nudge_at
from tests.unit.test_schedule import BERLIN, PROPS, ZONES, kind, transitions, utc, zone_and_instant


def test_nudge_examples_berlin() -> None:
    # 19:30 + 3h = 22:30 is quiet: the reminder moves earlier, to 20:45 the same evening
    assert nudge_at(utc(2026, 6, 1, 17, 30), BERLIN) == utc(2026, 6, 1, 18, 45)
    # the bot's own suggestions 18:30 and 20:30: 20:45 the same evening, or none (only 15 minutes later)
    assert nudge_at(utc(2026, 6, 1, 16, 30), BERLIN) == utc(2026, 6, 1, 18, 45)
    assert nudge_at(utc(2026, 6, 1, 18, 30), BERLIN) is None
    # 20:00 is exactly 45 minutes before 20:45: still reminded
    assert nudge_at(utc(2026, 6, 1, 18, 0), BERLIN) == utc(2026, 6, 1, 18, 45)
    assert nudge_at(utc(2026, 6, 1, 18, 1), BERLIN) is None
    # 17:00 + 3h = 20:00: fine
    assert nudge_at(utc(2026, 6, 1, 15, 0), BERLIN) == utc(2026, 6, 1, 18, 0)
    # 17:59 + 3h = 20:59: still fine; 18:00 + 3h = 21:00: quiet, so 20:45
    assert nudge_at(utc(2026, 6, 1, 15, 59), BERLIN) == utc(2026, 6, 1, 18, 59)
    assert nudge_at(utc(2026, 6, 1, 16, 0), BERLIN) == utc(2026, 6, 1, 18, 45)
    # a prompt sent inside quiet hours (the family chose 02:00 or 05:00): no reminder, never the next morning
    assert nudge_at(utc(2026, 6, 2, 0, 0), BERLIN) is None
    assert nudge_at(utc(2026, 6, 2, 3, 0), BERLIN) == utc(2026, 6, 2, 6, 0)  # 08:00 is no longer quiet
    # the spring-forward evening: 20:45 CET is 19:45 UTC
    assert nudge_at(utc(2026, 3, 28, 18, 30), BERLIN) == utc(2026, 3, 28, 19, 45)


def test_nudge_custom_delay_and_window() -> None:
    tz = ZoneInfo("UTC")
    assert nudge_at(utc(2026, 6, 1, 10), tz, delay=timedelta(minutes=30)) == utc(2026, 6, 1, 10, 30)
    assert nudge_at(utc(2026, 6, 1, 17), tz, delay=timedelta(hours=27)) == utc(2026, 6, 2, 20)
    # 28 hours later is 21:00 the next day: quiet, so 20:45 that evening, still within the delay
    assert nudge_at(utc(2026, 6, 1, 17), tz, delay=timedelta(hours=28)) == utc(2026, 6, 2, 20, 45)
    assert nudge_at(utc(2026, 6, 1, 17), tz, quiet_start=time(20), quiet_end=time(7)) == utc(2026, 6, 1, 19, 45)
    # a non-wrapping window: lunch quiet hours
    assert nudge_at(utc(2026, 6, 1, 10), tz, quiet_start=time(12), quiet_end=time(14)) == utc(2026, 6, 1, 11, 45)
    assert nudge_at(utc(2026, 6, 1, 11, 10), tz, timedelta(hours=1), time(12), time(14)) is None
    # quiet hours that end at midnight
    assert nudge_at(utc(2026, 6, 1, 20), tz, quiet_start=time(22), quiet_end=time(0)) == utc(2026, 6, 1, 21, 45)
    # a custom minimum gap
    assert nudge_at(utc(2026, 6, 1, 19), tz, min_gap=timedelta(hours=2)) is None
    with pytest.raises(ValueError, match="aware"):
        nudge_at(datetime(2026, 6, 1, 20), tz)


def _check_nudge(sent_at: datetime, tz: ZoneInfo, delay: timedelta, quiet_start: time, quiet_end: time) -> None:
    result = nudge_at(sent_at, tz, delay, quiet_start, quiet_end)
    target = sent_at.astimezone(UTC) + delay
    target_quiet = in_quiet_hours(target.astimezone(tz).time(), quiet_start, quiet_end)
    if not target_quiet:
        assert result == target
        return
    if result is None:
        return
    assert result.tzinfo is UTC
    local = result.astimezone(tz)
    assert not in_quiet_hours(local.time(), quiet_start, quiet_end)
    # earlier, never later: at least 45 minutes after the prompt and before the quiet hours it would hit
    assert result - sent_at >= timedelta(minutes=45)
    assert result <= target
    # no quiet minute between the reminder and the target other than the window the target is in:
    # the reminder is in the same evening, just before those quiet hours begin
    assert result + timedelta(minutes=15) <= target
    ahead = (result + timedelta(minutes=15)).astimezone(tz)
    assert in_quiet_hours(ahead.time(), quiet_start, quiet_end) or kind(ahead.date(), quiet_start, tz) != "normal"


@PROPS
@given(
    zi=zone_and_instant(),
    delay_minutes=st.integers(0, 48 * 60),
    quiet=st.sampled_from([(QUIET_START, QUIET_END), (time(22), time(7)), (time(12), time(14)), (time(0), time(6))]),
)
def test_nudge_properties(zi: tuple[str, datetime], delay_minutes: int, quiet: tuple[time, time]) -> None:
    zone, sent_at = zi
    _check_nudge(sent_at, ZoneInfo(zone), timedelta(minutes=delay_minutes), *quiet)


@pytest.mark.parametrize("zone", ZONES)
def test_nudge_every_send_time_around_dst(zone: str) -> None:
    """Every send time of the day (5-minute steps), on the days around each DST change and a plain day."""
    tz = ZoneInfo(zone)
    days = {date(2026, 6, 10), date(2026, 12, 10)}
    for t in transitions(zone):
        local_day = t.astimezone(tz).date()
        days |= {local_day - timedelta(days=1), local_day, local_day + timedelta(days=1)}
    for d in sorted(days):
        for minute in range(0, 24 * 60, 5):
            sent = localize(d, time(minute // 60, minute % 60), tz).astimezone(UTC)
            _check_nudge(sent, tz, timedelta(hours=3), QUIET_START, QUIET_END)
            result = nudge_at(sent, tz)
            if result is not None:
                # never the next morning: the reminder is on the prompt's own local evening or earlier
                assert result.astimezone(tz).date() == sent.astimezone(tz).date() or result == sent + timedelta(hours=3)
