"""The screen's cached word lists: built in a child process into a fresh folder, read as tries with the same
answers as simplemma's own stores, and a missing, corrupt, stale or unwritable cache falls back cleanly."""

from __future__ import annotations

import json
import logging
import random
import shutil
from pathlib import Path

import pytest
from simplemma import in_target_language
from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY, LOW_MEMORY_DICTIONARY_FACTORY

from bot.domain.screen import lexicon
from bot.domain.screen.lexicon import LexiconStore, is_whole, prepare, safety_languages
from bot.domain.screen.normalize import share_in_language

# Words simplemma knows, inflected forms, misspellings and made-up words, in both languages.
SAMPLE = [
    *("children", "running", "ran", "went", "better", "worse", "kill", "killing", "dying", "pills", "tantrums"),
    *("niños", "corriendo", "matarme", "pastillas", "agotada", "gritándole", "duermo", "dormía", "cansadísima"),
    *("xqzt", "blorfing", "teh", "exausted", "slef", "hte", "kil"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """English built once, by prepare's child process, into a folder no earlier run has seen."""
    directory = tmp_path_factory.mktemp("lexicon")
    assert prepare(["en"], directory) == []
    return directory


def _copy(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "cache"
    shutil.copytree(built, target)
    return target


def test_prepare_builds_a_whole_cache_in_a_child(built: Path) -> None:
    assert is_whole(built, "en")
    meta = json.loads((built / "en.json").read_text())
    assert meta["keys"] == len(DEFAULT_DICTIONARY_FACTORY.get_dictionary("en"))
    assert meta["simplemma"] == lexicon.SIMPLEMMA_VERSION
    assert (built / "en.trie").stat().st_size == meta["bytes"]
    assert not [p for p in built.iterdir() if p.name.startswith(".")], "temporary files left behind"
    assert prepare(["en"], built) == []  # whole already: nothing to do


def test_the_trie_gives_simplemmas_answers(built: Path) -> None:
    store = LexiconStore(built)
    assert store.backend("en") == "trie"
    trie = store.get_dictionary("en")
    reference = DEFAULT_DICTIONARY_FACTORY.get_dictionary("en")
    rng = random.Random(5)
    keys = rng.sample(list(reference), 3000)
    unseen = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9))) for _ in range(3000)]
    for word in [*keys, *unseen, *SAMPLE]:
        assert trie.get(word) == reference.get(word), word
    assert len(trie) == len(reference)


def test_a_missing_cache_reads_the_low_memory_store(tmp_path: Path) -> None:
    store = LexiconStore(tmp_path / "nothing-here")
    assert store.backend("en") == "stream"
    low = LOW_MEMORY_DICTIONARY_FACTORY.get_dictionary("en")
    for word in SAMPLE:
        assert store.get_dictionary("en").get(word) == low.get(word)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda d: (d / "en.trie").write_bytes((d / "en.trie").read_bytes()[:5000]), id="truncated"),
        pytest.param(lambda d: (d / "en.trie").write_bytes(b"\0" * (d / "en.trie").stat().st_size), id="zeroed"),
        pytest.param(lambda d: (d / "en.json").write_text("{not json"), id="bad-sidecar"),
        pytest.param(lambda d: (d / "en.json").unlink(), id="no-sidecar"),
        pytest.param(lambda d: (d / "en.trie").unlink(), id="no-trie"),
        pytest.param(
            lambda d: (d / "en.json").write_text(
                json.dumps({**json.loads((d / "en.json").read_text()), "simplemma": "0.0.1"})
            ),
            id="other-simplemma",
        ),
    ],
)
def test_a_damaged_cache_falls_back_then_is_rebuilt(built: Path, tmp_path: Path, damage: object) -> None:
    cache = _copy(built, tmp_path)
    damage(cache)  # type: ignore[operator]
    assert not is_whole(cache, "en")
    store = LexiconStore(cache)
    assert store.backend("en") == "stream"  # never mapped: a damaged trie could crash the process
    assert store.get_dictionary("en").get("children") == "child"

    assert prepare(["en"], cache) == []
    store.use(cache)
    assert store.backend("en") == "trie"
    assert store.get_dictionary("en").get("children") == "child"


def test_an_unwritable_cache_leaves_the_low_memory_store(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    with caplog.at_level(logging.WARNING, logger=lexicon.__name__):
        assert prepare(["en"], blocked / "cache") == ["en"]
    assert "not cached for en" in caplog.text
    assert LexiconStore(blocked / "cache").backend("en") == "stream"


def test_an_unknown_language_is_reported_not_raised(tmp_path: Path) -> None:
    assert prepare(["xx"], tmp_path) == ["xx"]


def test_cache_folder_follows_xdg_and_the_simplemma_version(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = lexicon.cache_dir()
    assert folder.parent == tmp_path / "family-coach-bot"
    assert lexicon.SIMPLEMMA_VERSION in folder.name


def test_the_content_names_its_languages() -> None:
    assert safety_languages() == ["en", "es"]


@pytest.mark.parametrize(
    "text",
    [
        "I'm exhausted, my son screams at bedtime every night",
        "estoy agotada, mi hijo grita todas las noches",
        "my hijo no quiere dormir tonight",
        "",
    ],
)
def test_the_language_guess_is_simplemmas(text: str) -> None:
    for lang in ("en", "es"):
        assert share_in_language(text, lang) == in_target_language(text, lang=lang, low_memory=True)


@pytest.mark.parametrize(
    ("form", "lemma"),
    [
        ("corriendo", "correr"),
        ("children", "child"),
        ("went", "go"),
        ("niños", "niño"),
        ("está", "estar"),
        ("é", "è"),
        ("same", "same"),
        ("x" * 300, "y"),  # past a one-byte edit: the lemma is stored whole
    ],
)
def test_a_lemma_is_stored_as_an_edit_of_its_form(form: str, lemma: str) -> None:
    key, edit = lexicon._edit(form, lemma)
    assert key == form
    assert lexicon._unedit(form, edit) == lemma
    assert len(edit) <= len(lemma.encode()) + 1
