"""The content check's part for the interface text (`python -m bot content check`).

Every locale against English: the same keys, the same variables (and none English doesn't know), Fluent that
parses and renders, and valid Telegram HTML in every message and every variant of it. Plain-text keys (button
labels `btn-*`, menu descriptions `cmd-*`, pop-up answers `toast-*`) hold no markup at all: Telegram shows them
as typed. Then the figures per locale: interface keys, prompts, cards, tips and the crisis screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle
from fluent.syntax import FluentParser, ast
from fluent.syntax.visitor import Visitor

from bot.content import ContentError, ContentInvalid, Library, Skill, load_library
from bot.content_schema import Anchor
from bot.i18n.catalog import REFERENCE, Catalog, CatalogError, read_locale_dir
from bot.i18n.commands import ALL_COMMANDS
from bot.sandbox.html import HtmlParseError, parse_html

PLAIN_PREFIXES = ("btn-", "cmd-", "toast-")
SAMPLE_TEXT = "Mia"
SAMPLE_NUMBERS = (0, 1, 2, 5, 21)


@dataclass
class Entry:
    """One message (or attribute) of one locale: the file it is in, its variables, selector keys per variable."""

    file: str
    pattern: ast.Pattern
    variables: set[str] = field(default_factory=set)
    keys: dict[str, set[str]] = field(default_factory=dict)


class _Vars(Visitor):
    def __init__(self, entry: Entry) -> None:
        super().__init__()
        self.entry = entry

    def visit_VariableReference(self, node: ast.VariableReference) -> None:
        self.entry.variables.add(node.id.name)

    def visit_SelectExpression(self, node: ast.SelectExpression) -> None:
        if isinstance(node.selector, ast.VariableReference):
            keys = self.entry.keys.setdefault(node.selector.id.name, set())
            for variant in node.variants:
                keys.add(variant.key.name if isinstance(variant.key, ast.Identifier) else variant.key.value)
        self.generic_visit(node)


def entries(name: str, text: str, errors: list[ContentError], where: str) -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    for node in FluentParser().parse(text).body:
        if isinstance(node, ast.Junk):
            errors.append(
                ContentError(f"{where}/{name}", None, f"Fluent syntax error near {(node.content or '')[:60]!r}")
            )
        if not isinstance(node, ast.Message):
            continue
        items = [(node.id.name, node.value)] + [(f"{node.id.name}.{a.id.name}", a.value) for a in node.attributes]
        for key, pattern in items:
            if pattern is None:
                continue
            entry = Entry(name, pattern)
            _Vars(entry).visit(pattern)
            out[key] = entry
    return out


def sample_args(entry: Entry) -> list[dict[str, Any]]:
    """Values that reach every variant: each selector key, a few numbers for plurals, and plain text."""
    base: dict[str, Any] = dict.fromkeys(entry.variables, SAMPLE_TEXT)
    out = [base]
    for var in entry.variables:
        for value in (*SAMPLE_NUMBERS, *sorted(entry.keys.get(var, ()))):
            out.append({**base, var: value})
    return out


def _render_errors(locale: str, key: str, entry: Entry, bundle: FluentBundle) -> list[str]:
    problems: list[str] = []
    message_id, _, attribute = key.partition(".")
    message = bundle.get_message(message_id)
    pattern = message.attributes[attribute] if attribute else message.value
    if pattern is None:
        return problems
    for args in sample_args(entry):
        rendered, errors = bundle.format_pattern(pattern, args)
        text = str(rendered)
        if errors:
            problems.append(f"does not render: {errors[0]}")
            break
        if key.startswith(PLAIN_PREFIXES):
            if any(c in text for c in "<>&"):
                problems.append("plain text (a button, menu or pop-up) can't hold HTML tags or entities")
                break
            continue
        try:
            parse_html(text)
        except HtmlParseError as exc:
            problems.append(f"broken Telegram HTML: {exc}")
            break
    return problems


def catalog_errors(root: Path, lib: Library | None = None) -> tuple[list[ContentError], dict[str, dict[str, Entry]]]:
    """Every problem in content/locales, and each locale's entries (for the coverage figures)."""
    errors: list[ContentError] = []
    base = root / "locales"
    folders = sorted(d for d in base.iterdir() if d.is_dir()) if base.is_dir() else []
    found: dict[str, dict[str, Entry]] = {}
    catalog: Catalog | None = None
    for folder in folders:
        where = f"content/locales/{folder.name}"
        try:
            files = read_locale_dir(folder)
        except CatalogError as exc:
            errors.append(ContentError(where, None, str(exc)))
            continue
        merged: dict[str, Entry] = {}
        for name, text in files.sources.items():
            for key, entry in entries(name, text, errors, where).items():
                if key in merged:
                    errors.append(ContentError(f"{where}/{name}", key, f"defined twice (also in {merged[key].file})"))
                merged[key] = entry
        found[folder.name] = merged
    if REFERENCE not in found:
        missing = ContentError("content/locales", None, f"no {REFERENCE}/ folder: English is the reference")
        return [*errors, missing], found
    try:
        catalog = Catalog(read_locale_dir(base / loc) for loc in found)
    except CatalogError as exc:
        errors.append(ContentError("content/locales", None, str(exc)))
    english = found[REFERENCE]
    for locale, mine in found.items():
        where = f"content/locales/{locale}"
        for key in sorted(set(english) - set(mine)):
            errors.append(ContentError(f"{where}/{english[key].file}", key, f"missing in locale {locale}"))
        for key in sorted(set(mine) - set(english)):
            errors.append(ContentError(f"{where}/{mine[key].file}", key, f"only in locale {locale}, not in English"))
        for key in sorted(set(mine) & set(english)):
            ours, theirs, file = mine[key].variables, english[key].variables, f"{where}/{mine[key].file}"
            errors += [ContentError(file, key, f"variable ${v} is not known in English") for v in sorted(ours - theirs)]
            errors += [ContentError(file, key, f"variable ${v} is missing") for v in sorted(theirs - ours)]
        if catalog is not None:
            for key in sorted(mine):
                for problem in _render_errors(locale, key, mine[key], catalog.bundles[locale]):
                    errors.append(ContentError(f"{where}/{mine[key].file}", key, problem))
    errors += [ContentError(f"content/locales/{REFERENCE}", key, "missing") for key in needed(lib) - set(english)]
    return errors, found


def needed(lib: Library | None) -> set[str]:
    """Keys the code builds from content ids: a skill, an anchor, a band, a command."""
    keys = {f"skill-{s.value}" for s in Skill} | {f"anchor-{a.value}" for a in Anchor}
    keys |= {f"cmd-{c}" for c in ALL_COMMANDS}
    if lib is not None:
        keys |= {f"band-{b.id}" for b in lib.bands}
    return keys


def coverage(root: Path, found: dict[str, dict[str, Entry]], lib: Library | None) -> str:
    """Per locale: interface keys, prompts, cards, tips and safety, against English."""
    english = found.get(REFERENCE, {})
    locales = sorted(set(found) | {d.name for d in (root / "prompts").iterdir() if d.is_dir()})
    rows = ["== locales: coverage against English =="]
    for locale in sorted(locales, key=lambda loc: (loc != REFERENCE, loc)):
        keys = len(set(found.get(locale, {})) & set(english))
        parts = [f"interface keys {keys}/{len(english)}"]
        if lib is not None and (root / "prompts" / locale).is_dir():
            try:
                other = lib if locale == REFERENCE else load_library(root, locale=locale)
                parts.append(f"prompts {len(set(other.prompts) & set(lib.prompts))}/{len(lib.prompts)}")
                parts.append(f"cards {len(set(other.cards) & set(lib.cards))}/{len(lib.cards)}")
            except ContentInvalid as exc:
                parts.append(f"prompts and cards invalid ({len(exc.errors)} problems)")
        elif lib is not None:
            parts.append(f"prompts 0/{len(lib.prompts)} (English is sent)")
        parts.append("tips " + ("yes" if (root / "tips" / f"{locale}.yaml").is_file() else "no (English)"))
        parts.append("crisis screen " + ("yes" if (root / "safety" / f"{locale}.yaml").is_file() else "no"))
        rows.append(f"  {locale:<6} " + " · ".join(parts))
    return "\n".join(rows)
