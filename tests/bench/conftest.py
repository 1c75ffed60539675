"""Benchmarks are opt-in: skipped unless the run selects them with ``-m bench`` (``make bench``).

They print figures and never fail for being slow; they assert only that the work done was correct.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakebot import FakeTelegram


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "bench" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="benchmark: run with -m bench (make bench)")
    for item in items:
        if item.get_closest_marker("bench") is not None:
            item.add_marker(skip)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server
