"""my_chat_member: a user blocking the bot stops sending at once; unblocking brings it back."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import ChatMemberUpdated

from bot.services.families import FamilyService


async def chat_member(update: ChatMemberUpdated, families: FamilyService) -> None:
    if update.chat.type != "private":
        return
    status = update.new_chat_member.status
    if status == "kicked":
        await families.mark_blocked(update.from_user.id)
    elif status == "member":
        await families.reactivate(update.from_user.id)


def setup() -> Router:
    router = Router(name="members")
    router.my_chat_member.register(chat_member)
    return router
