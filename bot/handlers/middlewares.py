"""Per-update context: who is talking, and private chats only. The screen lives in bot/handlers/screening.py."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.i18n import Locales
from bot.services.families import FamilyService

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class WhoMiddleware(BaseMiddleware):
    def __init__(self, families: FamilyService) -> None:
        self._families = families

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = getattr(event, "from_user", None)
        data["who"] = await self._families.who(user.id) if user is not None else None
        return await handler(event, data)


class PrivateOnlyMiddleware(BaseMiddleware):
    """The bot is for private chats; in a group it says so once per command and does nothing else (in the
    sender's Telegram language: nothing about them is looked up in a group)."""

    def __init__(self, locales: Locales) -> None:
        self._locales = locales

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat = None
        if isinstance(event, Message):
            chat = event.chat
        elif isinstance(event, CallbackQuery) and event.message is not None:
            chat = event.message.chat
        if chat is not None and chat.type != "private":
            if isinstance(event, Message) and event.text and event.text.startswith("/"):
                t = self._locales.for_person(None, event.from_user.language_code if event.from_user else None)
                await event.answer(t("private-only"))
            return None
        return await handler(event, data)
