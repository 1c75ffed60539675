"""Content: loading and validating the library (start-up) and the full content check (CI)."""

from __future__ import annotations

import pytest

from bot.content import load_library
from bot.content_check import run_check
from tests.bench.util import mib, report, timed, traced

REPEAT = 1


@pytest.mark.bench
def test_content_load_and_check() -> None:
    # The first call pays for lazy imports and caches (pydantic schemas, the readability dictionary).
    lib, t_load_first = timed(load_library)
    load_times = [timed(load_library)[1] for _ in range(REPEAT)]
    report_, t_check_first = timed(run_check)
    check_times = [timed(run_check)[1] for _ in range(REPEAT)]
    _, peak_load = traced(load_library)
    _, peak_check = traced(run_check)

    assert lib.prompts and all(lib.by_band.values())
    assert report_.library is not None and len(report_.library.prompts) == len(lib.prompts)

    report(
        "content",
        [
            ("library", f"{len(lib.prompts)} prompts in {len(lib.bands)} bands, {len(lib.cards)} help cards"),
            ("load_library()", f"first {t_load_first * 1e3:,.0f} ms, then best {min(load_times) * 1e3:,.0f} ms"),
            ("run_check()", f"first {t_check_first * 1e3:,.0f} ms, then best {min(check_times) * 1e3:,.0f} ms"),
            ("peak memory", f"load_library {mib(peak_load)}; run_check {mib(peak_check)} (tracemalloc)"),
            ("content errors", f"{len(report_.errors)}"),
        ],
    )
