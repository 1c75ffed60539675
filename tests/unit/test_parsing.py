from __future__ import annotations

import zoneinfo
from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.parsing import parse_birth_month, parse_date, parse_time, parse_timezone

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# --- parse_time ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19:30", time(19, 30)),
        ("7:30", time(7, 30)),
        ("07:05", time(7, 5)),
        ("00:00", time(0, 0)),
        ("0:15", time(0, 15)),
        ("23:59", time(23, 59)),
        ("7pm", time(19, 0)),
        ("7 pm", time(19, 0)),
        ("7PM", time(19, 0)),
        ("7 p.m.", time(19, 0)),
        ("7am", time(7, 0)),
        ("7:30 am", time(7, 30)),
        ("7:30am", time(7, 30)),
        ("7:30 PM", time(19, 30)),
        ("7.30pm", time(19, 30)),
        ("19.30", time(19, 30)),
        ("19h30", time(19, 30)),
        ("19h", time(19, 0)),
        ("1930", time(19, 30)),
        ("0730", time(7, 30)),
        ("730", time(7, 30)),
        ("730pm", time(19, 30)),
        ("noon", time(12, 0)),
        ("Noon", time(12, 0)),
        ("midnight", time(0, 0)),
        ("12am", time(0, 0)),
        ("12 am", time(0, 0)),
        ("12:30am", time(0, 30)),
        ("12pm", time(12, 0)),
        ("12:45 pm", time(12, 45)),
        ("1am", time(1, 0)),
        ("11pm", time(23, 0)),
        ("  19:30  ", time(19, 30)),
        ("19 : 30", time(19, 30)),
    ],
)
def test_parse_time_accepts(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "25:00",
        "24:00",
        "7:60",
        "7:5",
        "13pm",
        "0am",
        "00:30 pm",
        "garbage",
        "7",  # am or pm? not sure
        "19",
        "7:",
        "19:30:00:00",
        "2400",
        "1960",
        "12345",
        "seven",
        "-7:30",
        "7:30 xm",
        "７:３０",  # full-width digits
    ],
)
def test_parse_time_rejects(text: str) -> None:
    assert parse_time(text) is None


@settings(max_examples=200)
@given(h=st.integers(0, 23), m=st.integers(0, 59))
def test_parse_time_round_trips(h: int, m: int) -> None:
    expected = time(h, m)
    assert parse_time(f"{h:02d}:{m:02d}") == expected
    assert parse_time(f"{h}:{m:02d}") == expected
    assert parse_time(f"{h:02d}{m:02d}") == expected
    assert parse_time(f"{h}h{m:02d}") == expected
    assert parse_time(expected.strftime("%I:%M %p")) == expected
    assert parse_time(expected.strftime("%I:%M%p").lower()) == expected


@settings(max_examples=200)
@given(text=st.text(max_size=12))
def test_parse_time_never_crashes(text: str) -> None:
    result = parse_time(text)
    assert result is None or isinstance(result, time)


# --- parse_birth_month ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-05", (2023, 5)),
        ("2023-5", (2023, 5)),
        ("2023/05", (2023, 5)),
        ("2023.05", (2023, 5)),
        ("05/2023", (2023, 5)),
        ("5/2023", (2023, 5)),
        ("05.2023", (2023, 5)),
        ("5-2023", (2023, 5)),
        ("12/2019", (2019, 12)),
        ("May 2023", (2023, 5)),
        ("may 2023", (2023, 5)),
        ("MAY 2023", (2023, 5)),
        ("May, 2023", (2023, 5)),
        ("2023 May", (2023, 5)),
        ("2023, may", (2023, 5)),
        ("Sept 2019", (2019, 9)),
        ("Sep 2019", (2019, 9)),
        ("Sept. 2019", (2019, 9)),
        ("september 2019", (2019, 9)),
        ("Jan 2021", (2021, 1)),
        ("June 2020", (2020, 6)),
        ("jun 2020", (2020, 6)),
        ("Dec 2018", (2018, 12)),
        ("march2022", (2022, 3)),
        ("  2023-05  ", (2023, 5)),
        ("2023-05-14", (2023, 5)),  # a full ISO date: the day is dropped
    ],
)
def test_parse_birth_month_accepts(text: str, expected: tuple[int, int]) -> None:
    assert parse_birth_month(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Jan '21",
        "jan 21",
        "5/23",
        "05/23",
        "23-05",
        "2023-13",
        "13/2023",
        "0/2023",
        "2023-00",
        "2023",
        "May",
        "mayo 2023",
        "ja 2023",
        "garbage",
        "2023-05-99",
        "20230",
        "May 5 2023",
    ],
)
def test_parse_birth_month_rejects(text: str) -> None:
    assert parse_birth_month(text) is None


@settings(max_examples=200)
@given(year=st.integers(1900, 2099), month=st.integers(1, 12), style=st.integers(0, 7))
def test_parse_birth_month_round_trips(year: int, month: int, style: int) -> None:
    name = MONTHS[month - 1]
    text = [
        f"{year}-{month:02d}",
        f"{year}/{month}",
        f"{month:02d}/{year}",
        f"{month}.{year}",
        f"{name} {year}",
        f"{name[:3].lower()} {year}",
        f"{name.upper()}, {year}",
        f"{year} {name[:4]}",
    ][style]
    assert parse_birth_month(text) == (year, month)


@settings(max_examples=200)
@given(text=st.text(max_size=16))
def test_parse_birth_month_never_crashes(text: str) -> None:
    result = parse_birth_month(text)
    assert result is None or (1 <= result[1] <= 12 and 1000 <= result[0] <= 9999)


# --- parse_timezone ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("EUROPE/BERLIN", "Europe/Berlin"),
        (" Europe / Berlin ", "Europe/Berlin"),
        ("America/New York", "America/New_York"),
        ("america/new_york", "America/New_York"),
        ("berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("zürich", "Europe/Zurich"),
        ("port au prince", "America/Port-au-Prince"),
        ("Port-au-Prince", "America/Port-au-Prince"),
        ("kolkata", "Asia/Kolkata"),
        ("los angeles", "America/Los_Angeles"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("GMT", "UTC"),
        ("gmt", "UTC"),
        ("Etc/UTC", "Etc/UTC"),
        ("Asia/Kathmandu", "Asia/Kathmandu"),
    ],
)
def test_parse_timezone_accepts(text: str, expected: str) -> None:
    assert parse_timezone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "+02:00",
        "UTC+2",
        "GMT+2",
        "CEST",
        "PST",
        "Europe",
        "Berlin/Europe",
        "atlantis",
        "localtime",
        "Factory",
        "posix/Europe/Berlin",
        "buenos aires",  # America/Buenos_Aires and America/Argentina/Buenos_Aires: not unique
        "eastern",  # US/Eastern or Canada/Eastern
    ],
)
def test_parse_timezone_rejects(text: str) -> None:
    assert parse_timezone(text) is None


def test_parse_timezone_every_zone_maps_to_itself() -> None:
    zones = {
        z
        for z in zoneinfo.available_timezones()
        if z not in {"localtime", "Factory"} and not z.startswith(("posix/", "right/"))
    }
    assert "Europe/Berlin" in zones
    for zone in zones:
        assert parse_timezone(zone) == ("UTC" if zone == "GMT" else zone), zone
        assert parse_timezone(zone.lower()) == ("UTC" if zone == "GMT" else zone), zone


def test_parse_timezone_custom_available() -> None:
    available = frozenset({"Europe/Berlin", "America/Argentina/Buenos_Aires", "Asia/Nicosia", "Europe/Nicosia"})
    assert parse_timezone("buenos aires", available) == "America/Argentina/Buenos_Aires"
    assert parse_timezone("berlin", available) == "Europe/Berlin"
    assert parse_timezone("new york", available) is None
    assert parse_timezone("nicosia", available) is None  # two zones end in Nicosia
    assert parse_timezone("asia/nicosia", available) == "Asia/Nicosia"
    assert parse_timezone("UTC", available) == "UTC"
    assert parse_timezone("berlin", frozenset()) is None


# --- parse_date ----------------------------------------------------------------------------------------

TODAY = date(2026, 5, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-24", date(2026, 12, 24)),
        ("2026/12/24", date(2026, 12, 24)),
        ("24.12.2026", date(2026, 12, 24)),
        ("24/12/2026", date(2026, 12, 24)),
        ("24-12-2026", date(2026, 12, 24)),
        ("1/2/2027", date(2027, 2, 1)),  # day first
        ("12/24/2026", date(2026, 12, 24)),  # unmistakably month first
        ("Dec 24", date(2026, 12, 24)),
        ("dec 24", date(2026, 12, 24)),
        ("24 Dec", date(2026, 12, 24)),
        ("24 December 2026", date(2026, 12, 24)),
        ("December 24, 2026", date(2026, 12, 24)),
        ("December 24th", date(2026, 12, 24)),
        ("24th of December", date(2026, 12, 24)),
        ("1st june", date(2026, 6, 1)),
        ("Sept 3", date(2026, 9, 3)),
        ("24.12", date(2026, 12, 24)),
        ("24.12.", date(2026, 12, 24)),
        ("12.11", date(2026, 11, 12)),  # dots are day.month
        ("24/12", date(2026, 12, 24)),  # unambiguous without a year
        ("12/24", date(2026, 12, 24)),
        # no year: the next such date on or after today
        ("May 15", date(2026, 5, 15)),
        ("May 14", date(2027, 5, 14)),
        ("1 Jan", date(2027, 1, 1)),
        ("Feb 29", date(2028, 2, 29)),
        # with a year: taken as written, even in the past
        ("1 Jan 2020", date(2020, 1, 1)),
        ("29.02.2028", date(2028, 2, 29)),
        ("today", TODAY),
        ("Tomorrow", date(2026, 5, 16)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12/11",  # 12 November or December 11?
        "1/2",
        "12-11",
        "24/12/26",  # two-digit year
        "31 Apr",
        "30 February",
        "29.02.2027",
        "2026-13-01",
        "2026-02-30",
        "13/13/2026",
        "0/12/2026",
        "Dec",
        "24",
        "Dec 32",
        "next friday",
        "garbage",
        "24 Dek",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text, TODAY) is None


@settings(max_examples=200)
@given(
    d=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    style=st.integers(0, 5),
)
def test_parse_date_with_year_round_trips(d: date, today: date, style: int) -> None:
    name = MONTHS[d.month - 1]
    text = [
        d.isoformat(),
        f"{d.day:02d}.{d.month:02d}.{d.year}",
        f"{d.day}/{d.month}/{d.year}",
        f"{d.day} {name} {d.year}",
        f"{name} {d.day}, {d.year}",
        f"{name[:3]} {d.day} {d.year}",
    ][style]
    assert parse_date(text, today) == d


@settings(max_examples=200)
@given(
    d=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    style=st.integers(0, 2),
)
def test_parse_date_without_year_is_next_on_or_after_today(d: date, today: date, style: int) -> None:
    name = MONTHS[d.month - 1]
    text = [f"{name} {d.day}", f"{d.day} {name[:3]}", f"{d.day}.{d.month}"][style]
    result = parse_date(text, today)
    assert result is not None
    assert (result.month, result.day) == (d.month, d.day)
    assert result >= today
    if (d.month, d.day) != (2, 29):
        assert result - today < timedelta(days=366)
    # nothing earlier qualifies
    for year in range(today.year, result.year):
        try:
            candidate = date(year, d.month, d.day)
        except ValueError:
            continue
        assert candidate < today


@settings(max_examples=200)
@given(text=st.text(max_size=20))
def test_parse_date_never_crashes(text: str) -> None:
    result = parse_date(text, TODAY)
    assert result is None or isinstance(result, date)
