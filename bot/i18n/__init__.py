"""Interface text in every shipped language: Fluent catalogs (content/locales/<locale>/*.ftl), a Translator per
person, Babel for dates and numbers, and the per-locale prompt libraries. See content/locales/README.md."""

from bot.i18n.catalog import REFERENCE, Catalog, CatalogError, LocaleFiles, load_catalog
from bot.i18n.locales import Locales, load_locales
from bot.i18n.resolve import resolve_locale, shipped_locale
from bot.i18n.translator import Translator

__all__ = [
    "REFERENCE",
    "Catalog",
    "CatalogError",
    "LocaleFiles",
    "Locales",
    "Translator",
    "load_catalog",
    "load_locales",
    "resolve_locale",
    "shipped_locale",
]
