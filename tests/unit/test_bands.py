from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content import Band
from bot.domain.bands import BandLike, BirthCheck, age_years, band_for, validate_birth


@dataclass(frozen=True)
class FakeBand:
    id: str
    min_years: int
    max_years: int


BANDS: tuple[FakeBand, ...] = (
    FakeBand("toddler", 1, 4),
    FakeBand("school", 5, 12),
    FakeBand("teen", 13, 17),
)


@pytest.mark.parametrize(
    ("year", "month", "on", "expected"),
    [
        (2020, 5, date(2026, 4, 30), 5),
        (2020, 5, date(2026, 5, 1), 6),  # a year older on the first day of the birth month
        (2020, 5, date(2026, 5, 31), 6),
        (2020, 5, date(2026, 12, 31), 6),
        (2020, 1, date(2026, 1, 1), 6),
        (2020, 1, date(2025, 12, 31), 5),
        (2020, 12, date(2026, 11, 30), 5),
        (2020, 12, date(2026, 12, 1), 6),
        (2026, 5, date(2026, 5, 1), 0),
        (2026, 6, date(2026, 5, 1), -1),  # not born yet
    ],
)
def test_age_years(year: int, month: int, on: date, expected: int) -> None:
    assert age_years(year, month, on) == expected


@settings(max_examples=200)
@given(
    year=st.integers(1900, 2100),
    month=st.integers(1, 12),
    on=st.dates(min_value=date(1900, 1, 1), max_value=date(2150, 12, 31)),
)
def test_age_steps_up_only_on_the_first_of_the_birth_month(year: int, month: int, on: date) -> None:
    age = age_years(year, month, on)
    assert age == on.year - year - (on.month < month)
    if on > date(1900, 1, 1):
        before = age_years(year, month, on - timedelta(days=1))
        if on.day == 1 and on.month == month:
            assert before == age - 1
        else:
            assert before == age


@pytest.mark.parametrize(
    ("year", "month", "on", "expected"),
    [
        (2025, 5, date(2026, 5, 1), "toddler"),  # turns 1 this month
        (2025, 6, date(2026, 5, 31), None),  # still 0
        (2022, 1, date(2026, 12, 31), "toddler"),  # 4, upper edge inclusive
        (2021, 12, date(2026, 12, 1), "school"),  # 5 on Dec 1
        (2021, 12, date(2026, 11, 30), "toddler"),
        (2014, 3, date(2026, 3, 1), "school"),  # 12
        (2013, 3, date(2026, 3, 1), "teen"),  # 13
        (2009, 3, date(2026, 2, 28), "teen"),  # 16
        (2008, 3, date(2026, 3, 1), None),  # 18
    ],
)
def test_band_for(year: int, month: int, on: date, expected: str | None) -> None:
    assert band_for(year, month, on, BANDS) == expected


def test_band_for_accepts_content_bands() -> None:
    bands: list[BandLike] = [
        Band(id="toddler", name="Toddler", min_years=1, max_years=4, focus="Naming emotions"),
        Band(id="school", name="School-age", min_years=5, max_years=12, focus="Perspective"),
    ]
    assert band_for(2020, 6, date(2026, 6, 1), bands) == "school"
    assert band_for(2020, 6, date(2026, 5, 31), bands) == "school"
    assert band_for(2022, 6, date(2026, 5, 31), bands) == "toddler"


def test_band_for_no_bands() -> None:
    assert band_for(2020, 1, date(2026, 1, 1), []) is None


@settings(max_examples=200)
@given(
    year=st.integers(2000, 2030),
    month=st.integers(1, 12),
    on=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
)
def test_band_for_matches_inclusive_ranges(year: int, month: int, on: date) -> None:
    age = age_years(year, month, on)
    result = band_for(year, month, on, BANDS)
    matching = [b.id for b in BANDS if b.min_years <= age <= b.max_years]
    assert result == (matching[0] if matching else None)


TODAY = date(2026, 5, 15)


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2020, 5, BirthCheck.ok),
        (2025, 5, BirthCheck.ok),  # 1 this month
        (2025, 6, BirthCheck.too_young),  # 0 until June
        (2026, 5, BirthCheck.too_young),  # born this month: not in the future
        (2026, 6, BirthCheck.future),
        (2027, 1, BirthCheck.future),
        (2009, 5, BirthCheck.ok),  # 17 in May 2026: still a teen
        (2008, 5, BirthCheck.too_old),  # 18
        (2008, 6, BirthCheck.ok),  # still 17 until June
        (1900, 1, BirthCheck.too_old),
        (1899, 12, BirthCheck.invalid),
        (2020, 0, BirthCheck.invalid),
        (2020, 13, BirthCheck.invalid),
        (2020, -1, BirthCheck.invalid),
        (0, 5, BirthCheck.invalid),
        (99999, 5, BirthCheck.future),
    ],
)
def test_validate_birth(year: int, month: int, expected: BirthCheck) -> None:
    assert validate_birth(year, month, TODAY, BANDS) == expected


def test_validate_birth_gap_between_bands_is_too_young() -> None:
    gappy = (FakeBand("little", 1, 3), FakeBand("big", 6, 9))
    assert validate_birth(2021, 1, TODAY, gappy) == BirthCheck.too_young  # 5
    assert validate_birth(2020, 1, TODAY, gappy) == BirthCheck.ok  # 6
    assert validate_birth(2016, 1, TODAY, gappy) == BirthCheck.too_old  # 10


def test_validate_birth_without_bands() -> None:
    assert validate_birth(2020, 1, TODAY, []) == BirthCheck.too_young
    assert validate_birth(2030, 1, TODAY, []) == BirthCheck.future
    assert validate_birth(2020, 13, TODAY, []) == BirthCheck.invalid


def test_birth_check_values() -> None:
    assert {c.value for c in BirthCheck} == {"ok", "future", "too_young", "too_old", "invalid"}
    assert BirthCheck.too_young == "too_young"


@settings(max_examples=200)
@given(
    year=st.integers(1850, 2100),
    month=st.integers(-2, 14),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
)
def test_validate_birth_agrees_with_band_for(year: int, month: int, today: date) -> None:
    check = validate_birth(year, month, today, BANDS)
    if check is BirthCheck.invalid:
        assert not 1 <= month <= 12 or year < 1900
        return
    assert 1 <= month <= 12 and year >= 1900
    band = band_for(year, month, today, BANDS)
    assert (check is BirthCheck.ok) == (band is not None)
    if check is BirthCheck.future:
        assert date(year, month, 1) > today
    if check is BirthCheck.too_young:
        assert date(year, month, 1) <= today
        assert age_years(year, month, today) < 1
    if check is BirthCheck.too_old:
        assert age_years(year, month, today) > 17
