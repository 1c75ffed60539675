"""The tips file: every skill has tips, each short; a broken file says what is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content import DEFAULT_CONTENT_DIR, ContentInvalid, Skill
from bot.tips import MIN_TIPS, TIP_MAX, load_tips, tip_for


def test_every_skill_has_short_tips() -> None:
    tips = load_tips()
    assert set(tips) == set(Skill)
    for skill, items in tips.items():
        assert len(items) >= MIN_TIPS, skill
        assert all(20 <= len(t) <= TIP_MAX for t in items), skill


def test_tip_for_is_stable_and_varied() -> None:
    tips = load_tips()
    assert tip_for(tips, "calm", 7) == tip_for(tips, "calm", 7)
    assert len({tip_for(tips, "calm", i) for i in range(10)}) == len(tips[Skill.calm])
    assert tip_for(tips, "no-such-skill", 1) is None and tip_for(tips, None, 1) is None


def test_a_broken_tips_file_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, root)
    path = root / "tips" / "en.yaml"
    path.write_text("tips:\n  calm:\n    - 'Breathe out slowly, longer than you breathe in.'\n", encoding="utf-8")
    with pytest.raises(ContentInvalid) as err:
        load_tips(root)
    assert "fewer than 2 tips" in str(err.value) and "notice" in str(err.value)
    path.write_text("tips:\n  dancing: ['Something long enough to be a tip here.']\n", encoding="utf-8")
    with pytest.raises(ContentInvalid):
        load_tips(root)
