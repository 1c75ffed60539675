"""/help, /privacy and the catch-all: text that belongs to no flow gets the menu, never silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ParseMode
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.content import Library
from bot.domain.screen import Screen
from bot.handlers.help_now import ask_closest, offer_card
from bot.handlers.util import MAX_INPUT
from bot.i18n import Translator
from bot.services.deliveries import DeliveryService
from bot.services.families import FamilyService, Who

HTML = ParseMode.HTML


async def help_cmd(message: Message, t: Translator) -> None:
    await message.answer(t("help"), parse_mode=HTML)


async def privacy_cmd(message: Message, t: Translator) -> None:
    await message.answer(t("privacy"), parse_mode=HTML)


async def fallback_text(
    message: Message,
    who: Who | None,
    families: FamilyService,
    deliveries: DeliveryService,
    library: Library,
    t: Translator,
    screen: Screen | None = None,
) -> None:
    """Text outside any flow: a hard moment gets its card, other talk about a child gets "which is closest?",
    and only what is neither gets the menu. (Crisis and distress never get here: see handlers/screening.py.)"""
    text = message.text or ""
    if len(text) > MAX_INPUT:
        await message.answer(t("text-too-long"), parse_mode=HTML)
        return
    if not text.startswith("/") and screen is not None:
        found = [s for s in screen.situations if s in library.situations]
        if found:
            await offer_card(message, found, who, families, deliveries, library, t)
            return
        if screen.about_child:
            await ask_closest(message, library, t)
            return
    await message.answer(t("fallback"), parse_mode=HTML)


async def fallback_other(message: Message, t: Translator) -> None:
    await message.answer(t("only-text"), parse_mode=HTML)


async def unknown_button(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("button-expired"))


def setup() -> Router:
    router = Router(name="common")
    router.message.register(help_cmd, Command("help"))
    router.message.register(privacy_cmd, Command("privacy"))
    router.message.register(fallback_text, F.text)
    router.message.register(fallback_other)
    router.callback_query.register(unknown_button)
    return router
