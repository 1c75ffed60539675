"""/help, /privacy and the catch-all: text that belongs to no flow gets the menu, never silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ParseMode
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot import texts as T
from bot.content import Library
from bot.domain.matching import SituationMatcher
from bot.handlers.help_now import offer_card
from bot.handlers.util import MAX_INPUT
from bot.services.families import FamilyService, Who

router = Router(name="common")
HTML = ParseMode.HTML


@router.message(Command("help"))
async def help_cmd(message: Message) -> None:
    await message.answer(T.HELP)


@router.message(Command("privacy"))
async def privacy_cmd(message: Message) -> None:
    await message.answer(T.PRIVACY, parse_mode=HTML)


@router.message(F.text)
async def fallback_text(
    message: Message, who: Who | None, families: FamilyService, library: Library, situations: SituationMatcher
) -> None:
    text = message.text or ""
    if len(text) > MAX_INPUT:
        await message.answer(T.TEXT_TOO_LONG)
        return
    if not text.startswith("/") and (found := [s for s in situations.match(text) if s in library.situations]):
        await offer_card(message, found, who, families, library)
        return
    await message.answer(T.FALLBACK)


@router.message()
async def fallback_other(message: Message) -> None:
    await message.answer("I can only read text messages. " + T.HELP)


@router.callback_query()
async def unknown_button(query: CallbackQuery) -> None:
    await query.answer(T.BUTTON_EXPIRED)
