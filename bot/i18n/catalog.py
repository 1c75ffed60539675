"""The interface text: every `content/locales/<locale>/*.ftl` file, loaded once into one Fluent bundle per locale.

A locale is a folder; adding a language is a folder of .ftl files and no code. English is the reference: the
content check fails on a key or variable missing anywhere, and at runtime a missing key falls back to English.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.plural import to_python
from fluent.runtime import FluentBundle, FluentResource
from fluent.runtime.builtins import BUILTINS
from fluent.runtime.prepare import Compiler
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


class _Bundle(FluentBundle):
    """A Fluent bundle that reads Babel's data for its locale (about 1-4 MiB each) only when a plural or a number
    first needs it: most messages have neither, and an idle bot formats nothing."""

    def __init__(self, locales: list[str], use_isolating: bool) -> None:
        # FluentBundle.__init__ minus its eager `Locale.parse(...).plural_form`; the rest is set as it sets it.
        self.locales = locales
        self._functions = dict(BUILTINS)
        self.use_isolating = use_isolating
        self._messages = {}
        self._terms = {}
        self._compiled = {}
        self._compiler = Compiler()
        self._lazy_locale: Locale | None = None
        self._lazy_plural: Callable[[int | float], str] | None = None

    # Properties where FluentBundle has attributes: read-only is the point (mypy wants them writeable).
    @property
    def _babel_locale(self) -> Locale:  # type: ignore[override]
        if self._lazy_locale is None:
            self._lazy_locale = self._get_babel_locale()  # parses the name; its data loads on first read
        return self._lazy_locale

    @property
    def _plural_form(self) -> Callable[[int | float], str]:  # type: ignore[override]
        if self._lazy_plural is None:
            self._lazy_plural = to_python(self._babel_locale.plural_form)
        return self._lazy_plural


def check_sources(lf: LocaleFiles) -> None:
    """Raise CatalogError on a file with Fluent syntax errors; the parse is dropped (the bundle reparses)."""
    for name, text in lf.sources.items():
        junk = next((e for e in FluentParser().parse(text).body if isinstance(e, ast.Junk)), None)
        if junk is not None:
            raise CatalogError(f"locales/{lf.locale}/{name}: syntax error near {(junk.content or '')[:60]!r}")


class Catalog:
    """Every locale's files are checked when the catalog is made (a broken file stops the bot at start), but a
    locale's bundle and Babel data are built when its first reader is served. Nearly all of it runs on the event
    loop; a chart drawn in a thread may race it, but a build is whole before its one dict store, so a race only
    builds twice: a plain dict cache is enough."""

    def __init__(self, files: Iterable[LocaleFiles], *, babel_for: Mapping[str, str] | None = None) -> None:
        self.files: dict[str, LocaleFiles] = {f.locale: f for f in files}
        if REFERENCE not in self.files:
            raise CatalogError(f"no {REFERENCE} locale: content/locales/{REFERENCE}/*.ftl is the reference")
        for lf in self.files.values():
            check_sources(lf)
        self._babel_for = dict(babel_for or {})
        self.bundles: dict[str, FluentBundle] = {}
        self._babel: dict[str, Locale] = {}

    def bundle(self, locale: str) -> FluentBundle:
        """The locale's Fluent bundle, built on first use."""
        bundle = self.bundles.get(locale)
        if bundle is None:
            # No bidi isolation marks (FSI/PDI): the texts are Telegram HTML and the marks would show as junk.
            bundle = _Bundle([locale], use_isolating=False)
            for text in self.files[locale].sources.values():
                bundle.add_resource(FluentResource(text))
            self.bundles[locale] = bundle
        return bundle

    def babel(self, locale: str) -> Locale:
        """The Babel locale a locale's dates and numbers follow (a Locale reads its data on first use)."""
        found = self._babel.get(locale)
        if found is None:
            named = self._babel_for.get(locale)
            bundle = self.bundle(locale)
            if named is None and bundle.has_message(BABEL_KEY):
                value = bundle.get_message(BABEL_KEY).value
                named = str(bundle.format_pattern(value)[0]) if value is not None else None
            found = self._babel[locale] = babel_locale(named or locale)
        return found

    def detached(self) -> Catalog:
        """The same catalog for a one-off use (the start-up menus in every language): what it builds is its own,
        dropped with it, so a locale nobody reads in stays unbuilt."""
        view = copy.copy(self)
        view.bundles, view._babel = dict(self.bundles), dict(self._babel)
        return view

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
        return self.bundle(locale).has_message(key)


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
