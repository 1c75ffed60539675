"""Per update: the person's language, as `t` (a Translator) with that locale's library and tips, for handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from bot.i18n.locales import Locales
from bot.services.languages import LanguageService

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class LocaleMiddleware(BaseMiddleware):
    """Runs after WhoMiddleware: a caregiver's stored language comes with ``who``; anyone else's (a therapist's)
    costs one lookup. Unknown people are spoken to in their Telegram app's language when the bot ships it."""

    def __init__(self, locales: Locales, languages: LanguageService) -> None:
        self._locales = locales
        self._languages = languages

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = getattr(event, "from_user", None)
        who = data.get("who")
        stored = getattr(who, "language", None)
        if stored is None and user is not None:
            stored = await self._languages.therapist_language(user.id)
        if stored is None and who is None and data.get("state") is not None:
            # Chosen with /language before consent: kept in the conversation state until a row exists.
            pending = (await data["state"].get_data()).get("language")
            stored = pending if isinstance(pending, str) else None
        t = self._locales.for_person(stored, user.language_code if user is not None else None)
        data["t"] = t
        data["library"] = self._locales.library(t.locale)
        data["tips"] = self._locales.tips_for(t.locale)
        return await handler(event, data)
