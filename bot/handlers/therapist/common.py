"""What the therapist handlers share: command lists, notifications, refusals, and the access filters."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.i18n import Locales, Translator
from bot.i18n.commands import set_chat_menu
from bot.render_therapist import family_left_text
from bot.services.therapists import InviteProblem, Leaving, TherapistService

log = logging.getLogger(__name__)
HTML = ParseMode.HTML


def invite_problem(t: Translator, problem: InviteProblem) -> str:
    return t(f"toast-invite-{problem.value}")


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
    bot: Bot, chat_id: int, *, therapist: bool, admin: bool, t: Translator, personal: bool = False
) -> None:
    """Per-chat command lists: only approved therapists (and admins) see their commands, in the language of
    the person whose chat it is (``t``), not the caller's."""
    await set_chat_menu(bot, chat_id, t, therapist=therapist, admin=admin, personal=personal)


async def notify(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    try:
        await bot.send_message(chat_id, text, parse_mode=HTML, reply_markup=markup)
    except TelegramAPIError as exc:
        log.info("notification not delivered: %s", type(exc).__name__)


async def tell_family_left(bot: Bot, locales: Locales, leaving: Iterable[Leaving]) -> None:
    """After a family erased its data: each therapist who followed it is told, in their own language."""
    for x in leaving:
        await notify(bot, x.chat, family_left_text(x.label, x.link_id, locales.for_person(x.language, None)))


async def not_approved(event: Message | CallbackQuery, t: Translator) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer(t("toast-therapist-only"), show_alert=True)
    else:
        await event.answer(t("therapist-not-approved"), parse_mode=HTML)
