"""The interface text: every `content/locales/<locale>/*.ftl` file, loaded once into one Fluent bundle per locale.

A locale is a folder; adding a language is a folder of .ftl files and no code. English is the reference: the
content check fails on a key or variable missing anywhere, and at runtime a missing key falls back to English.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import FluentParser, ast

from bot.content import DEFAULT_CONTENT_DIR
from bot.i18n.resolve import resolve_locale, shipped_locale
from bot.i18n.translator import Translator

log = logging.getLogger(__name__)

REFERENCE = "en"
# A locale file may name the Babel locale its dates and numbers follow ("en_GB", "es_419"); else the folder's.
BABEL_KEY = "locale-babel"


class CatalogError(ValueError):
    """A locale file that can't be used: unreadable, or with syntax errors (Fluent "junk")."""


@dataclass
class LocaleFiles:
    """One locale's sources: file name -> Fluent text, kept for the content check."""

    locale: str
    sources: dict[str, str] = field(default_factory=dict)


def babel_locale(locale: str) -> Locale:
    """Babel's data for a locale; a locale Babel doesn't know (a pseudo-locale in tests) formats as English."""
    try:
        return Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(REFERENCE)


class Catalog:
    def __init__(self, files: Iterable[LocaleFiles], *, babel_for: Mapping[str, str] | None = None) -> None:
        self.files: dict[str, LocaleFiles] = {f.locale: f for f in files}
        if REFERENCE not in self.files:
            raise CatalogError(f"no {REFERENCE} locale: content/locales/{REFERENCE}/*.ftl is the reference")
        self.bundles: dict[str, FluentBundle] = {}
        self.babel: dict[str, Locale] = {}
        for loc, lf in self.files.items():
            # No bidi isolation marks (FSI/PDI): the texts are Telegram HTML and the marks would show as junk.
            bundle = FluentBundle([loc], use_isolating=False)
            for name, text in lf.sources.items():
                junk = [e for e in FluentParser().parse(text).body if isinstance(e, ast.Junk)]
                if junk:
                    raise CatalogError(f"locales/{loc}/{name}: syntax error near {(junk[0].content or '')[:60]!r}")
                bundle.add_resource(FluentResource(text))
            self.bundles[loc] = bundle
            named = babel_for.get(loc) if babel_for else None
            if named is None and bundle.has_message(BABEL_KEY):
                value = bundle.get_message(BABEL_KEY).value
                named = str(bundle.format_pattern(value)[0]) if value is not None else None
            self.babel[loc] = babel_locale(named or loc)

    @property
    def locales(self) -> tuple[str, ...]:
        """Shipped locales, English first."""
        return (REFERENCE, *sorted(loc for loc in self.files if loc != REFERENCE))

    def shipped(self, code: str | None) -> str | None:
        """The shipped locale for a stored or Telegram language code ("es", "es-MX", "ES"), or None."""
        return shipped_locale(code, self.files)

    def native_name(self, locale: str) -> str:
        """The language's own name for itself, from Babel ("Español"), for the /language buttons."""
        own = babel_locale(locale)
        name = own.get_language_name(own) if own.language == locale.split("-")[0] else None
        name = name or locale
        return name[:1].upper() + name[1:]

    def translator(self, locale: str | None) -> Translator:
        """A translator for a shipped locale, or English."""
        return Translator(self, self.shipped(locale) or REFERENCE)

    def for_person(self, stored: str | None, telegram: str | None) -> Translator:
        return Translator(self, resolve_locale(stored, telegram, self.files, REFERENCE))

    def has(self, locale: str, key: str) -> bool:
        return self.bundles[locale].has_message(key)


def read_locale_dir(folder: Path) -> LocaleFiles:
    files = LocaleFiles(folder.name)
    for path in sorted(folder.glob("*.ftl")):
        try:
            files.sources[path.name] = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CatalogError(f"locales/{folder.name}/{path.name}: cannot read ({type(exc).__name__})") from exc
    return files


@lru_cache(maxsize=8)
def _load(root: Path) -> Catalog:
    base = root / "locales"
    folders = sorted(d for d in base.iterdir() if d.is_dir() and any(d.glob("*.ftl"))) if base.is_dir() else []
    return Catalog(read_locale_dir(d) for d in folders)


def load_catalog(content_dir: Path | None = None) -> Catalog:
    """The catalog for a content folder, read once per process (it never changes while the bot runs)."""
    return _load((content_dir or DEFAULT_CONTENT_DIR).resolve())


def english() -> Translator:
    """English from the repository's own catalog: the default while a caller has no translator of its own."""
    return load_catalog().translator(REFERENCE)
