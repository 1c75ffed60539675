"""Benchmarks are opt-in: skipped unless the run selects them with ``-m bench`` (``make bench``).

They print figures and never fail for being slow; they assert only that the work done was correct.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.domain.screen.lexicon import STORE, cache_dir, prepare, safety_languages
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


@pytest.fixture(scope="session", autouse=True)
def word_list_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The screen's cached word lists built afresh for this run, as the Docker image ships them: in-process
    screens and every bot process a bench starts (through XDG_CACHE_HOME) read them, never a developer's own."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    try:
        assert prepare(safety_languages()) == [], f"could not build the word lists in {cache_dir()}"
        STORE.use(None)  # reopen every language from the fresh folder
        yield
    finally:
        if saved is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = saved
        STORE.use(None)
