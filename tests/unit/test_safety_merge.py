"""Extra safety files (`<locale>.<topic>.yaml`) join classes and append rules to the main file."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import _merge_safety, load_library
from bot.domain.screen import Screener

ROOT = Path(__file__).resolve().parents[2] / "content"

# A made-up word no rule knows, and a made-up sign no rule knows, so only the extra file can make them matter.
EXTRA = {
    "lexicon": {"child": ["grommet"], "zz_sign": ["glows purple"]},
    "idioms": ["purple patch"],
    "categories": [{"id": "medical", "rules": [{"all": ["child", "zz_sign"], "within": 6}]}],
}


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT, target)
    return target


def _screener(content: Path) -> Screener:
    lib = load_library(content)
    assert lib.safety is not None
    return Screener(lib.safety, lib.situations.values(), lib.situation_lexicon)


def test_merge_joins_classes_and_appends_rules_and_phrases() -> None:
    base: dict[str, Any] = {
        "lexicon": {"child": ["kid"], "self": ["i"]},
        "idioms": ["kill it"],
        "categories": [{"id": "medical", "phrases": ["not breathing"], "rules": [{"all": ["child", "blue"]}]}],
        "distress": [{"id": "guilt", "rules": [{"all": ["self", "shout"]}]}],
    }
    extra = {
        "lexicon": {"child": ["grommet"], "new_class": ["x"]},
        "idioms": ["die to know"],
        "categories": [
            {"id": "medical", "phrases": ["turning grey"], "rules": [{"all": ["child", "floppy"]}]},
            {"id": "neglect", "rules": [{"all": ["child", "alone"]}]},
        ],
        "distress": [{"id": "guilt", "phrases": ["feel awful"]}],
    }
    _merge_safety(base, extra)
    assert base["lexicon"] == {"child": ["kid", "grommet"], "self": ["i"], "new_class": ["x"]}
    assert base["idioms"] == ["kill it", "die to know"]
    medical, neglect = base["categories"]
    assert medical["phrases"] == ["not breathing", "turning grey"]
    assert medical["rules"] == [{"all": ["child", "blue"]}, {"all": ["child", "floppy"]}]
    assert neglect == {"id": "neglect", "rules": [{"all": ["child", "alone"]}]}  # a new id is added as it is
    assert base["distress"][0]["phrases"] == ["feel awful"]
    assert base["distress"][0]["rules"] == [{"all": ["self", "shout"]}]


def test_an_extra_file_in_the_content_folder_is_merged_when_loading(content: Path) -> None:
    before = _screener(content)
    assert not before.screen("my grommet glows purple").crisis
    assert not before.screen("my toddler glows purple").crisis

    (content / "safety" / "en.zz_test.yaml").write_text(yaml.safe_dump(EXTRA), encoding="utf-8")
    after = _screener(content)
    # The joined class keeps the main file's entries and gains the new one; the appended rule uses both.
    assert after.screen("my toddler glows purple").categories == ("medical",)
    assert after.screen("my grommet glows purple").categories == ("medical",)
    # The main file's own rules still work after the merge.
    assert after.screen("my baby is not breathing").crisis
    assert not after.screen("an ordinary day at the park").crisis


def test_the_shipped_topic_files_are_merged() -> None:
    """Every `en.<topic>.yaml` beside en.yaml adds its rules to the categories of the same id."""
    topics = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "safety").glob("en.*.yaml"))]
    assert topics, "no topic files shipped"
    lib = load_library(ROOT)
    assert lib.safety is not None
    merged = {c.id: c for c in (*lib.safety.categories, *lib.safety.distress)}
    main = yaml.safe_load((ROOT / "safety" / "en.yaml").read_text(encoding="utf-8"))
    expected = {c["id"]: len(c.get("rules") or []) for c in (*main["categories"], *main.get("distress", []))}
    for extra in topics:
        for cat in (*(extra.get("categories") or []), *(extra.get("distress") or [])):
            expected[cat["id"]] = expected.get(cat["id"], 0) + len(cat.get("rules") or [])
    for cat_id, n in expected.items():
        assert len(merged[cat_id].rules) == n, cat_id
    for extra in topics:
        for name in extra.get("lexicon") or {}:
            assert name in lib.safety.lexicon
