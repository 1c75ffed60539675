"""Content validation: a bad file names the file, the prompt id and what is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.content import ContentInvalid, load_library, render_placeholders
from bot.content_check import quality_errors, run_check

ROOT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT, target)
    return target


def _one_file(content: Path, band: str) -> None:
    """Leave the band in its first file only (the library spreads a band over several files), so a test
    can reason about that one file's prompts."""
    for extra in (content / "prompts").glob(f"*/{band}_*.yaml"):
        extra.unlink()


def _edit(path: Path, fn) -> None:
    data = yaml.safe_load(path.read_text())
    fn(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def _errors(content: Path) -> list[str]:
    with pytest.raises(ContentInvalid) as exc:
        load_library(content)
    return [str(e) for e in exc.value.errors]


def test_the_shipped_library_passes_every_check() -> None:
    report = run_check()
    assert report.ok, "\n".join(map(str, report.errors))
    lib = report.library
    assert lib is not None
    for band in lib.bands:
        assert len(lib.scheduled(band.id)) >= band.minimums.scheduled >= 30
        assert all(p.situation is None for p in lib.scheduled(band.id))


def test_schema_error_names_file_prompt_and_field(content: Path) -> None:
    f = content / "prompts" / "en" / "teen.yaml"

    def break_it(d: dict) -> None:
        d["prompts"][0]["minutes"] = 40
        d["prompts"][1]["skill"] = "lecturing"
        d["prompts"][2]["title"] = "x" * 61

    _edit(f, break_it)
    errs = _errors(content)
    ids = [p["id"] for p in yaml.safe_load(f.read_text())["prompts"][:3]]
    assert any(f"teen.yaml [{ids[0]}]" in e and "minutes" in e for e in errs)
    assert any(f"[{ids[1]}]" in e and "skill" in e for e in errs)
    assert any(f"[{ids[2]}]" in e and "title" in e for e in errs)


def test_duplicate_ids_unknown_placeholders_and_todos(content: Path) -> None:
    f = content / "prompts" / "en" / "school.yaml"

    def break_it(d: dict) -> None:
        d["prompts"][1]["id"] = d["prompts"][0]["id"]
        d["prompts"][2]["do"] = "Ask {kid} about the day. TODO write more here."

    _edit(f, break_it)
    errs = _errors(content)
    assert any("duplicate prompt id" in e for e in errs)
    assert any("unknown placeholder {kid}" in e for e in errs)
    assert any("TODO" in e for e in errs)


def test_broken_yaml_and_missing_band(content: Path) -> None:
    _one_file(content, "toddler")
    (content / "prompts" / "en" / "toddler.yaml").write_text("band: toddler\nprompts: [\n")
    errs = _errors(content)
    assert any("toddler.yaml" in e and "not valid YAML" in e for e in errs)
    assert any("band 'toddler' has no prompts" in e for e in errs)


def test_quality_checks_catch_low_counts_missing_skills_hard_reading_and_near_duplicates(content: Path) -> None:
    _one_file(content, "toddler")
    f = content / "prompts" / "en" / "toddler.yaml"

    def shrink(d: dict) -> None:
        keep = [p for p in d["prompts"] if p["skill"] != "calm"][:12]
        keep[1]["do"] = keep[0]["do"]
        keep[1]["say"] = keep[0]["say"]
        keep[2]["do"] = (
            "Contemplate the multidimensional ramifications of institutionalised developmental "
            "psychophysiological considerations, notwithstanding intergenerational communicative idiosyncrasies."
        )
        d["prompts"] = keep

    _edit(f, shrink)
    lib = load_library(content)
    errs = [str(e) for e in quality_errors(lib)]
    assert any("scheduled prompts; at least" in e for e in errs)
    assert any("no prompt teaches the skill 'calm'" in e for e in errs)
    assert any("near-duplicate" in e for e in errs)
    assert any("reading level" in e for e in errs)


def test_placeholders_fall_back_kindly() -> None:
    assert render_placeholders("Ask {child} first. {Child} decides.", "Mia") == "Ask Mia first. Mia decides."
    assert render_placeholders("Ask {child} first. {Child} decides.", None) == (
        "Ask your child first. Your child decides."
    )
    assert render_placeholders("Ask {child}.", "  ", "teen") == "Ask your teen."
