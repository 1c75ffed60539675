"""Screens shown from more than one flow."""

from __future__ import annotations

from aiogram.enums import ParseMode
from aiogram.types import Message

from bot import keyboards as K
from bot import texts as T
from bot.content import Library
from bot.handlers.util import next_text, when_local
from bot.render import h
from bot.sender import Sender
from bot.services.deliveries import DeliveryService
from bot.services.families import FamilyService, Who

HTML = ParseMode.HTML


async def show_settings(msg: Message, who: Who, families: FamilyService, prefix: str | None = None) -> None:
    view = await families.view(who.family_id)
    paused = view.paused_until is not None and view.next_send_at is not None and view.paused_until >= view.next_send_at
    kids = (
        ", ".join(f"{h(c.nickname) or 'child'} ({c.birth_year}-{c.birth_month:02d})" for c in view.children)
        or "none yet"
    )
    status = (
        f"paused until {when_local(view.paused_until, view.timezone).split(' at ')[0]}"
        if view.paused_until and paused
        else ("active" if view.active else "stopped (tap /start to restart)")
    )
    text = (
        (f"{prefix}\n\n" if prefix else "")
        + "⚙️ <b>Your settings</b>\n\n"
        + f"🕖 Time: {view.send_time.strftime('%H:%M')}\n"
        + f"🌍 Timezone: {view.timezone}\n"
        + f"📅 Days: {T.days_text(view.cadence.value, view.days)}\n"
        + f"🔔 Reminders: {'on' if view.nudges_enabled else 'off'}\n"
        + f"👶 Children: {kids}\n"
        + f"Status: {status}\n"
        + f"Next idea: {next_text(view)}"
    )
    await msg.answer(text, parse_mode=HTML, reply_markup=K.settings(view.nudges_enabled, paused))


async def show_children(
    msg: Message, who: Who, families: FamilyService, library: Library | None = None, note: str | None = None
) -> None:
    view = await families.view(who.family_id)
    lines = [
        f"• {h(c.nickname) or 'Child'} — born {c.birth_year}-{c.birth_month:02d}"
        + (f" ({library.band(c.band).name})" if library and c.band else "")
        for c in view.children
    ]
    labels = [(c.id, c.nickname or f"{c.birth_year}-{c.birth_month:02d}") for c in view.children]
    await msg.answer(
        (f"{note}\n\n" if note else "") + "👶 <b>Children</b>\n\n" + ("\n".join(lines) or "None yet."),
        parse_mode=HTML,
        reply_markup=K.children_menu(labels, can_remove=len(labels) > 1),
    )


async def send_prompt_now(msg: Message, who: Who, deliveries: DeliveryService, sender: Sender) -> None:
    delivery_id = await deliveries.create_now(who.family_id)
    if delivery_id is None:
        await msg.answer(T.NO_CHILD_IN_BAND)
        return
    if not await sender.send_now(delivery_id):
        # Still queued (Telegram asked us to slow down): it goes out shortly, so don't invite a second request.
        queued = await sender.status(delivery_id) == "queued"
        await msg.answer(T.PROMPT_ON_ITS_WAY if queued else T.PROMPT_SEND_FAILED)
