"""The command menu, in every shipped language: the default scope per language_code, and per-chat lists for
therapists, admins and anyone who chose a language with /language. Descriptions come from the locale files
(`cmd-<command>`)."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.i18n.catalog import REFERENCE, Catalog
from bot.i18n.translator import Translator

log = logging.getLogger(__name__)

# Everyone's menu (the default scope).
MENU = (
    "prompt",
    "history",
    "settings",
    "pause",
    "resume",
    "help_now",
    "progress",
    "mytherapist",
    "therapist",
    "help",
    "privacy",
    "language",
    "export",
    "delete",
    "start",
)
# The family part of a therapist's or admin's own menu, kept short so their own commands fit beside it.
PARENT_SHORT = ("prompt", "history", "help_now", "settings", "mytherapist", "language", "help")
THERAPIST = ("clients", "assign", "pending", "invite", "report")
ADMIN = ("therapists",)
ALL_COMMANDS = tuple(dict.fromkeys(MENU + PARENT_SHORT + THERAPIST + ADMIN))


def commands(t: Translator, *groups: tuple[str, ...]) -> list[BotCommand]:
    names = dict.fromkeys(c for group in groups for c in group)
    return [BotCommand(command=c, description=t(f"cmd-{c}")) for c in names]


async def set_default_menus(bot: Bot, catalog: Catalog) -> None:
    """English for everyone, then each other language for people whose Telegram is set to it."""
    for locale in catalog.locales:
        t = catalog.translator(locale)
        code = None if locale == REFERENCE else locale
        await bot.set_my_commands(commands(t, MENU), scope=BotCommandScopeDefault(), language_code=code)


async def set_chat_menu(
    bot: Bot, chat_id: int, t: Translator, *, therapist: bool, admin: bool, personal: bool = False
) -> None:
    """One chat's own menu in the person's language. With no role and no language of their own (``personal``),
    the chat goes back to the default menu for its Telegram language."""
    scope = BotCommandScopeChat(chat_id=chat_id)
    try:
        if not therapist and not admin:
            if personal:
                await bot.set_my_commands(commands(t, MENU), scope=scope)
            else:
                await bot.delete_my_commands(scope=scope)
            return
        groups: list[tuple[str, ...]] = [PARENT_SHORT]
        if therapist:
            groups.append(THERAPIST)
        if admin:
            groups.append(ADMIN)
        await bot.set_my_commands(commands(t, *groups), scope=scope)
    except TelegramAPIError as exc:  # someone who never opened the chat can't get per-chat commands yet
        log.info("could not set commands for a chat: %s", type(exc).__name__)
