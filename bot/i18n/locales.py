"""Everything that differs by language, in one place: the interface catalog, each locale's prompt library
(same ids as English), its tips. A locale missing a prompt or tips falls back to English rather than silence."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.content import DEFAULT_CONTENT_DIR, Library, Prompt, load_library
from bot.i18n.catalog import REFERENCE, Catalog, load_catalog
from bot.i18n.translator import Translator
from bot.tips import Tips, load_tips

if TYPE_CHECKING:
    from bot.services.answers import DeliveryContent

R = TypeVar("R")


@dataclass
class Locales:
    catalog: Catalog
    libraries: dict[str, Library]  # by locale; the reference (English) is always there
    tips: dict[str, Tips] = field(default_factory=dict)

    @property
    def shipped(self) -> tuple[str, ...]:
        return self.catalog.locales

    def translator(self, locale: str | None) -> Translator:
        return self.catalog.translator(locale)

    def for_person(self, stored: str | None, telegram: str | None) -> Translator:
        return self.catalog.for_person(stored, telegram)

    def library(self, locale: str) -> Library:
        return self.libraries.get(locale) or self.libraries[REFERENCE]

    def tips_for(self, locale: str) -> Tips:
        return self.tips.get(locale) or self.tips.get(REFERENCE, {})

    def prompt(self, locale: str, prompt: Prompt) -> Prompt:
        """The same prompt in the locale's words; English if the locale lacks it."""
        return self.library(locale).prompts.get(prompt.id, prompt)

    def localize(self, content: DeliveryContent, locale: str) -> DeliveryContent:
        """A delivery as one caregiver reads it: the library prompt in their language. A therapist's own text
        and note stay exactly as written."""
        if content.prompt is None:
            return content
        return replace(content, prompt=self.prompt(locale, content.prompt))

    def per_reader(
        self,
        languages: Mapping[int, str | None],
        content: DeliveryContent | None,
        render: Callable[[Translator, DeliveryContent | None], R],
    ) -> Callable[[int], R]:
        """What each chat gets, in that caregiver's stored language; rendered once per language."""
        done: dict[str, R] = {}

        def for_chat(chat: int) -> R:
            t = self.for_person(languages.get(chat), None)
            if t.locale not in done:
                done[t.locale] = render(t, self.localize(content, t.locale) if content is not None else None)
            return done[t.locale]

        return for_chat


def load_locales(content_dir: Path | None = None, reference: Library | None = None) -> Locales:
    """The catalog, and each shipped locale's library and tips (those that exist; others fall back)."""
    root = (content_dir or DEFAULT_CONTENT_DIR).resolve()
    catalog = load_catalog(root)
    libraries = {REFERENCE: reference or load_library(root)}
    tips: dict[str, Tips] = {}
    for locale in catalog.locales:
        if locale != REFERENCE and (root / "prompts" / locale).is_dir():
            libraries[locale] = load_library(root, locale=locale)
        if (root / "tips" / f"{locale}.yaml").is_file():
            tips[locale] = load_tips(root, locale)
    return Locales(catalog, libraries, tips)
