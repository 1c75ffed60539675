"""What the therapist handlers share: command lists, notifications, and the access filters."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.i18n import Translator
from bot.i18n.catalog import english
from bot.i18n.commands import set_chat_menu
from bot.services.therapists import InviteProblem, TherapistService

log = logging.getLogger(__name__)
HTML = ParseMode.HTML

THERAPIST_MENU = (
    "/invite — a link for a client family\n/clients — your caseload\n/assign — a prompt for the week\n"
    "/pending — prompts waiting to go out\n/report — a CSV of outcomes"
)
NOT_APPROVED = "That command is for therapists approved on this bot. Ask to join with /therapist."

INVITE_PROBLEMS = {
    InviteProblem.unknown: "I don't recognise that invite link. Please ask your therapist for a new one.",
    InviteProblem.expired: "That invite link has expired (links last 7 days). Please ask your therapist for a new one.",
    InviteProblem.used: "That invite link has already been used. Each link works once — ask for a new one if needed.",
    InviteProblem.therapist_inactive: "That therapist can't link families on this bot right now.",
    InviteProblem.own_family_already: "You're already linked with this therapist.",
}


class ApprovedTherapist(Filter):
    """Passes for an approved therapist and hands the handler their view as ``therapist``."""

    async def __call__(self, event: Message | CallbackQuery, therapists: TherapistService) -> bool | dict[str, Any]:
        user = event.from_user
        t = await therapists.approved(user.id) if user else None
        return {"therapist": t} if t else False


class Admin(Filter):
    async def __call__(self, event: Message | CallbackQuery, therapists: TherapistService) -> bool:
        return event.from_user is not None and event.from_user.id in therapists.admin_ids


async def sync_commands(
    bot: Bot, chat_id: int, *, therapist: bool, admin: bool, t: Translator | None = None, personal: bool = False
) -> None:
    """Per-chat command lists: only approved therapists (and admins) see their commands. Pass the person's
    translator (``t``) so their menu is in their language; English until every caller does."""
    await set_chat_menu(bot, chat_id, t or english(), therapist=therapist, admin=admin, personal=personal)


async def notify(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    try:
        await bot.send_message(chat_id, text, parse_mode=HTML, reply_markup=markup)
    except TelegramAPIError as exc:
        log.info("notification not delivered: %s", type(exc).__name__)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
