"""Round two's heavier pieces: drawing the /progress picture, building the city table, resolving places and
times in words. Figures only; correctness is asserted lightly."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.chart import progress_png
from bot.domain import places
from bot.services.progress import Progress
from tests.bench.util import mib, report, timed, traced, us

pytestmark = pytest.mark.bench

CHARTS = 20
LOOKUPS = 2000


def _progress() -> Progress:
    mondays = [date(2026, 3, 2) + timedelta(weeks=i) for i in range(8)]
    return Progress(list(zip(mondays, [0, 1, 3, 0, 2, 2, 4, 1], strict=True)), {"name": 6, "calm": 4, "repair": 3})


def test_progress_chart() -> None:
    p = _progress()
    progress_png(p)  # first draw loads fonts
    pngs, seconds = timed(lambda: [progress_png(p) for _ in range(CHARTS)])
    _, peak = traced(lambda: progress_png(p))
    assert all(png.startswith(b"\x89PNG") for png in pngs)
    report(
        "/progress chart (matplotlib Agg, 800x420)",
        [("draw + encode", us(seconds, CHARTS, "chart")), ("PNG size", f"{len(pngs[0]):,} bytes"), ("peak", mib(peak))],
    )


def test_city_table_and_lookups() -> None:
    places._cities.cache_clear()
    places._zone_population.cache_clear()
    size, build = timed(places.warm)
    _, peak = traced(lambda: (places._cities.cache_clear(), places.warm()))
    names = ["Manchester", "São Paulo", "Lagos", "Springfield", "Mars/Olympus", "berlin"] * (LOOKUPS // 6)
    found, lookup = timed(lambda: [places.resolve_zone(n) for n in names])
    words = ["half past seven", "quarter to 8", "19:30", "7pm"] * (LOOKUPS // 4)
    times, parse = timed(lambda: [places.parse_time_words(w) for w in words])
    assert size > 30_000 and found[0] == "Europe/London" and all(times)
    report(
        "places and times",
        [
            ("city table build", f"{build * 1000:,.0f} ms ({size:,} names)"),
            ("city table memory (peak)", mib(peak)),
            ("resolve a place", us(lookup, len(names), "lookup")),
            ("time in words / fast path", us(parse, len(words), "parse")),
        ],
    )
