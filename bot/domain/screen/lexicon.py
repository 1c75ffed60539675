"""simplemma's word lists (form -> lemma) as memory-mapped MARISA tries, built once in a child process.

simplemma decodes a language's whole list into a dict (20 MiB of RSS for English, 80 for Spanish) or, with its
low-memory store, keeps the compressed stream and decodes a block per lookup (tens of µs for a word it has not
seen, which made a long message cost milliseconds). A trie holds the same pairs in 0.6 and 2.7 MiB of file,
mapped rather than read (its pages are shared between processes, reclaimable, and in RSS only once touched),
and a lookup costs under a microsecond.

Building a trie decodes the whole list first (about 200 MB at peak for Spanish), so it runs in a child process
(``python -m bot.domain.screen.lexicon_cli``), never in the bot: ``python -m bot`` calls :func:`prepare` before it
serves (a few seconds, once per simplemma version) and the Docker image builds the files at image build time.
Until a language's file is there and whole (size, SHA-256 and key count checked against its sidecar), lookups
read simplemma's low-memory store, which gives the same answers: a missing or corrupt cache is only slower.

The files live in ``$XDG_CACHE_HOME/family-coach-bot/lexicon-simplemma-<version>-v<format>`` (``~/.cache``
without XDG_CACHE_HOME), so an upgraded simplemma gets fresh ones.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from marisa_trie import BytesTrie
from simplemma import __version__ as SIMPLEMMA_VERSION
from simplemma.strategies.dictionaries import LOW_MEMORY_DICTIONARY_FACTORY, DictionaryFactory

__all__ = ["STORE", "LexiconStore", "build", "cache_dir", "is_whole", "prepare", "safety_languages"]

log = logging.getLogger(__name__)

FORMAT = 2  # 2: a lemma is stored as an edit of its form (characters to drop from the end, then the new ending)
_LITERAL = 255  # no edit: the lemma follows whole (a form of 255 characters or more)
# The folder holding this bot package, so the build child imports this very package.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "family-coach-bot" / f"lexicon-simplemma-{SIMPLEMMA_VERSION}-v{FORMAT}"


def _paths(directory: Path, lang: str) -> tuple[Path, Path]:
    return directory / f"{lang}.trie", directory / f"{lang}.json"


def _sha256(path: Path) -> str:
    # A small buffer read into again and again: a megabyte chunk would stay in the bot's heap for good.
    digest = hashlib.sha256()
    buffer = bytearray(1 << 16)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as f:
        while n := f.readinto(buffer):
            digest.update(view[:n])
    return digest.hexdigest()


def _meta(directory: Path, lang: str) -> dict[str, object] | None:
    """The sidecar of a language's trie when it describes the file as it is on disk, else None."""
    trie_path, meta_path = _paths(directory, lang)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        ok = (
            isinstance(meta, dict)
            and meta.get("format") == FORMAT
            and meta.get("simplemma") == SIMPLEMMA_VERSION
            and meta.get("lang") == lang
            and meta.get("bytes") == trie_path.stat().st_size
            and meta.get("sha256") == _sha256(trie_path)
        )
    except (OSError, ValueError):
        return None
    return meta if ok else None


def is_whole(directory: Path, lang: str) -> bool:
    return _meta(directory, lang) is not None


def _edit(form: str, lemma: str) -> tuple[str, bytes]:
    """``form`` with its lemma as an edit: most lemmas share their form's start ("corriendo" -> "correr" is drop
    5, add "er"; 40% of English forms are their own lemma), so the trie is half the size (es 3.8 -> 2.7 MiB)."""
    shared = 0
    for a, b in zip(form, lemma, strict=False):
        if a != b:
            break
        shared += 1
    drop = len(form) - shared
    if drop >= _LITERAL:
        return form, bytes([_LITERAL]) + lemma.encode()
    return form, bytes([drop]) + lemma[shared:].encode()


def _unedit(form: str, edit: bytes) -> str:
    drop = edit[0]
    if drop == _LITERAL:
        return edit[1:].decode()
    return (form[: len(form) - drop] if drop else form) + edit[1:].decode()


def build(lang: str, directory: Path) -> None:
    """Writes ``lang``'s trie and its sidecar into ``directory`` (each through a temporary file and a rename, so
    a reader never sees half a file). Decodes the whole word list: run it in a child process."""
    from simplemma.strategies.dictionaries.dictionary_factory import _load_dictionary_from_disk

    raw = _load_dictionary_from_disk(lang)
    trie = BytesTrie(_edit(k.decode(), v.decode()) for k, v in raw.items())
    count = len(raw)
    del raw
    directory.mkdir(parents=True, exist_ok=True)
    trie_path, meta_path = _paths(directory, lang)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{lang}.", suffix=".trie")
    os.close(fd)
    try:
        trie.save(tmp)
        meta = {
            "format": FORMAT,
            "simplemma": SIMPLEMMA_VERSION,
            "lang": lang,
            "keys": count,
            "bytes": os.path.getsize(tmp),
            "sha256": _sha256(Path(tmp)),
        }
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would keep the files from a bot running as another user
        os.replace(tmp, trie_path)
        tmp = ""
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{lang}.", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(meta, f)
        os.chmod(tmp, 0o644)
        os.replace(tmp, meta_path)
        tmp = ""
    finally:
        if tmp:
            Path(tmp).unlink(missing_ok=True)


def prepare(languages: Iterable[str], directory: Path | None = None, timeout: float = 300) -> list[str]:
    """Builds the tries missing (or not whole) for ``languages`` in one child process; returns the languages
    still without one (they are read from simplemma's low-memory store: slower, same answers)."""
    directory = directory or cache_dir()
    missing = sorted({lang for lang in languages if not is_whole(directory, lang)})
    if not missing:
        return []
    # Debug: a start-up prints nothing but faults (a first start takes a few seconds more, once).
    log.debug("building the word lists for %s in %s (once per simplemma version)", ", ".join(missing), directory)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (_PACKAGE_ROOT, os.environ.get("PYTHONPATH")) if p))
    cmd = [sys.executable, "-m", "bot.domain.screen.lexicon_cli", "--dir", str(directory), *missing]
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
        problem = done.stderr.strip().splitlines()[-1:] if done.returncode else []
    except (OSError, subprocess.TimeoutExpired) as exc:
        problem = [str(exc)]
    left = [lang for lang in missing if not is_whole(directory, lang)]
    if left:
        why = problem[0][:200] if problem else "no file written"
        log.warning("word lists not cached for %s (%s): the screen reads them more slowly", ", ".join(left), why)
    return left


class _TrieMap(Mapping[str, str]):
    """simplemma's view of a dictionary (``get`` returns the lemma or None) over a mapped trie."""

    __slots__ = ("_trie",)

    def __init__(self, trie: BytesTrie) -> None:
        self._trie = trie

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        value = self._trie.get(key)
        return _unedit(key, value[0]) if value else default

    def __getitem__(self, key: str) -> str:
        value = self._trie.get(key)
        if not value:
            raise KeyError(key)
        return _unedit(key, value[0])

    def __iter__(self) -> Iterator[str]:
        return iter(self._trie.iterkeys())

    def __len__(self) -> int:
        return len(self._trie)


class LexiconStore(DictionaryFactory):
    """A simplemma dictionary factory: the cached trie of a language when it is whole, else simplemma's
    low-memory store. Each language is opened on its first lookup and kept."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory
        self._maps: dict[str, Mapping[str, str]] = {}

    @property
    def directory(self) -> Path:
        return self._directory or cache_dir()

    def use(self, directory: Path | None) -> None:
        """Reads from ``directory`` (None: the default place) from now on, reopening every language."""
        self._directory = directory
        self._maps.clear()

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        found = self._maps.get(lang)
        if found is None:
            found = self._maps[lang] = self._open(lang)
        return found

    def backend(self, lang: str) -> str:
        return "trie" if isinstance(self.get_dictionary(lang), _TrieMap) else "stream"

    def _open(self, lang: str) -> Mapping[str, str]:
        directory = self.directory
        meta = _meta(directory, lang)
        if meta is not None:
            try:
                trie = BytesTrie()
                trie.mmap(str(_paths(directory, lang)[0]))
                if len(trie) == meta.get("keys"):
                    return _TrieMap(trie)
            except (OSError, RuntimeError, ValueError) as exc:
                log.warning("the cached word list for %s is unreadable (%s)", lang, exc)
        log.info("no whole cached word list for %s in %s: reading simplemma's low-memory store", lang, directory)
        return LOW_MEMORY_DICTIONARY_FACTORY.get_dictionary(lang)


STORE = LexiconStore()


def safety_languages(content_dir: Path | None = None) -> list[str]:
    """The lemmatiser languages of every locale's safety file (the screens that hear every message)."""
    import yaml

    from bot.content import DEFAULT_CONTENT_DIR

    out: set[str] = set()
    for path in sorted(((content_dir or DEFAULT_CONTENT_DIR) / "safety").glob("*.yaml")):
        if "." in path.stem:
            continue
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeError, yaml.YAMLError):
            continue  # the content check reports it
        if isinstance(raw, dict) and isinstance(raw.get("language"), str):
            out.add(raw["language"])
    return sorted(out)
