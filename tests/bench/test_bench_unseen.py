"""The screen on corpora nobody on the project has read (tests/data/screen_unseen/): figures only, never sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench.util import report
from tests.unit.test_screen_corpus import _measure

UNSEEN = Path(__file__).resolve().parent.parent / "data" / "screen_unseen"
METRICS = ("crisis recall", "everyday, no alarm", "distress cared for", "hard moments matched", "fear step given")


@pytest.mark.bench
@pytest.mark.parametrize("folder", sorted(p for p in UNSEEN.glob("*/*") if p.is_dir()), ids=lambda p: p.name)
def test_unseen_corpus(folder: Path) -> None:
    result = _measure(folder.parent.name, folder)
    rows = []
    for metric in METRICS:
        t = result.total(metric)
        if metric.startswith("everyday"):  # measured as "no alarm"; shown as the false alarm rate
            rows.append(("false alarms", f"{1 - t.rate:.1%} ({t.total - t.hit}/{t.total})"))
        else:
            rows.append((metric, f"{t.rate:.1%} ({t.hit}/{t.total})"))
    report(f"Screen on unseen set {folder.name} ({folder.parent.name})", rows)
    assert all(result.total(m).total for m in METRICS[:4]), "a set is missing one of its four files"
