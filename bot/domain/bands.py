"""Ages and age bands.

We store only the birth month and year, so a child turns a year older on the first day of their birth month.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Protocol

MIN_BIRTH_YEAR = 1900


class BandLike(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def min_years(self) -> int: ...

    @property
    def max_years(self) -> int: ...


class BirthCheck(StrEnum):
    ok = "ok"
    future = "future"
    too_young = "too_young"
    too_old = "too_old"
    invalid = "invalid"


def age_years(birth_year: int, birth_month: int, on: date) -> int:
    """Whole years of age on ``on``; the birthday counts from the first day of the birth month.

    Negative when the birth month lies in the future.
    """
    return on.year - birth_year - (1 if on.month < birth_month else 0)


def age_months(birth_year: int, birth_month: int, on: date) -> int:
    """Whole months of age on ``on``, counted like ``age_years``: a month older on the 1st of each month."""
    return (on.year - birth_year) * 12 + on.month - birth_month


def band_for(birth_year: int, birth_month: int, on: date, bands: Sequence[BandLike]) -> str | None:
    """The id of the band whose inclusive ``min_years..max_years`` range holds the age on ``on``."""
    age = age_years(birth_year, birth_month, on)
    for band in bands:
        if band.min_years <= age <= band.max_years:
            return band.id
    return None


def validate_birth(birth_year: int, birth_month: int, today: date, bands: Sequence[BandLike]) -> BirthCheck:
    """Check a birth month/year against ``today`` and the bands we have content for.

    A child in a gap between two bands counts as ``too_young`` (they will grow into the next band).
    With no bands at all every valid past birth is ``too_young``.
    """
    if not 1 <= birth_month <= 12 or birth_year < MIN_BIRTH_YEAR:
        return BirthCheck.invalid
    if (birth_year, birth_month) > (today.year, today.month):
        return BirthCheck.future
    if band_for(birth_year, birth_month, today, bands) is not None:
        return BirthCheck.ok
    age = age_years(birth_year, birth_month, today)
    if bands and age > max(b.max_years for b in bands):
        return BirthCheck.too_old
    return BirthCheck.too_young
