"""The i18n machinery: locale resolution, the translator and Babel formatting, and the locale-file check."""

from __future__ import annotations

import shutil
from datetime import date, datetime, time
from pathlib import Path

import pytest

from bot.content import DEFAULT_CONTENT_DIR, ContentError
from bot.i18n import Catalog, LocaleFiles, load_catalog, resolve_locale, shipped_locale
from bot.i18n.check import catalog_errors

SHIPPED = {"en", "es"}


@pytest.mark.parametrize(
    ("stored", "telegram", "expected"),
    [
        (None, None, "en"),
        (None, "es", "es"),
        (None, "es-MX", "es"),
        (None, "ES_419", "es"),
        (None, "pl", "en"),  # not shipped: English
        ("es", "en", "es"),  # their own choice beats their app's language
        ("en", "es", "en"),
        ("pl", "es", "es"),  # a stored language no longer shipped: their app's, if shipped
        ("", "es-AR", "es"),
    ],
)
def test_resolve_locale(stored: str | None, telegram: str | None, expected: str) -> None:
    assert resolve_locale(stored, telegram, SHIPPED) == expected


def test_shipped_locale_never_invents_one() -> None:
    assert shipped_locale("e", SHIPPED) is None
    assert shipped_locale("eng", SHIPPED) is None
    assert shipped_locale("  Es ", SHIPPED) == "es"


def test_the_repository_ships_english_and_spanish() -> None:
    catalog = load_catalog()
    assert catalog.locales[0] == "en" and "es" in catalog.locales
    assert [catalog.native_name(loc) for loc in ("en", "es")] == ["English", "Español"]


def test_babel_formats_for_the_locale() -> None:
    catalog = load_catalog()
    en, es = catalog.translator("en"), catalog.translator("es")
    friday = datetime(2026, 3, 20, 19, 30)
    assert en.date(friday) == "Fri 20 Mar"
    assert es.date(friday) == "vie, 20 mar"
    assert en.when(friday) == "Fri 20 Mar at 19:30"
    assert es.when(friday) == "vie, 20 mar a las 19:30"
    assert (en.time(time(7, 5)), es.time(time(7, 5))) == ("07:05", "07:05")
    assert (en.weekday(0), es.weekday(6, "wide")) == ("Mon", "domingo")
    assert (en.month(5), es.month(1)) == ("May", "ene")
    assert (en.number(1234), es.number(1234567.5)) == ("1,234", "1,234,567.5")  # es_419 groups like en
    assert en.join(["Ana", "Bo"]) == "Ana and Bo" and es.join(["Ana", "Bo", "Cy"]) == "Ana, Bo y Cy"
    assert (en.zone_city("America/New_York"), es.zone_city("America/New_York")) == ("New York", "Nueva York")
    assert en.date(date(2026, 1, 2), "MMMd") == "2 Jan"


def _catalog(en: str, xx: str) -> Catalog:
    return Catalog([LocaleFiles("en", {"a.ftl": en}), LocaleFiles("xx", {"a.ftl": xx})])


def test_plurals_come_from_fluent_and_isolation_marks_are_off() -> None:
    catalog = _catalog(
        "tries = { $n ->\n    [one] { $n } try\n   *[other] { $n } tries\n}\nhi = Hi <b>{ $name }</b>\n",
        "tries = { $n ->\n    [one] { $n } intento\n   *[other] { $n } intentos\n}\n",
    )
    en, xx = catalog.translator("en"), catalog.translator("xx")
    assert (en("tries", n=1), en("tries", n=4)) == ("1 try", "4 tries")
    assert (xx("tries", n=1), xx("tries", n=4)) == ("1 intento", "4 intentos")
    assert en("hi", name="Mia") == "Hi <b>Mia</b>"  # no U+2068/U+2069 around Mia
    # A key the locale lacks falls back to English at runtime (the content check fails on it).
    assert xx("hi", name="Mia") == "Hi <b>Mia</b>"
    assert catalog.translator("zz").locale == "en"


def _content_with(tmp_path: Path, en: str, es: str) -> Path:
    root = tmp_path / "content"
    (root / "locales" / "en").mkdir(parents=True)
    (root / "locales" / "es").mkdir(parents=True)
    shutil.copytree(DEFAULT_CONTENT_DIR / "prompts", root / "prompts")
    (root / "locales" / "en" / "a.ftl").write_text(en, encoding="utf-8")
    (root / "locales" / "es" / "a.ftl").write_text(es, encoding="utf-8")
    return root


def _messages(errors: list[ContentError]) -> list[str]:
    built = ("skill-", "anchor-", "cmd-", "band-")  # keys the code needs, absent from these small files
    return [f"{e.prompt_id}: {e.message}" for e in errors if e.prompt_id and not e.prompt_id.startswith(built)]


def test_check_finds_missing_keys_and_variables(tmp_path: Path) -> None:
    root = _content_with(
        tmp_path,
        "a = A { $name }\nb = B\nc = C { $n }\n",
        "a = A\nc = C { $n } { $extra }\nd = D\n",
    )
    errors, found = catalog_errors(root)
    problems = _messages(errors)
    assert "b: missing in locale es" in problems
    assert "d: only in locale es, not in English" in problems
    assert "a: variable $name is missing" in problems
    assert "c: variable $extra is not known in English" in problems
    assert set(found) == {"en", "es"}


def test_check_finds_broken_html_in_any_variant(tmp_path: Path) -> None:
    root = _content_with(
        tmp_path,
        "a = { $n ->\n    [one] <b>one</b>\n   *[other] <b>many</b>\n}\nbtn-x = OK\nbad = <blink>x</blink>\n",
        "a = { $n ->\n    [one] <b>uno\n   *[other] <b>varios</b>\n}\nbtn-x = <b>Sí</b>\nbad = <i>x</i> & y\n",
    )
    problems = _messages(catalog_errors(root)[0])
    assert any(p.startswith("a: broken Telegram HTML") for p in problems), problems
    assert any(p.startswith("btn-x: plain text") for p in problems), problems
    # English's unsupported tag and Spanish's bare &.
    assert sum(p.startswith("bad: broken Telegram HTML") for p in problems) == 2


def test_the_shipped_locale_files_pass() -> None:
    errors, _ = catalog_errors(DEFAULT_CONTENT_DIR.resolve())
    assert [str(e) for e in errors] == []
