"""Screens shown from more than one flow."""

from __future__ import annotations

from aiogram.enums import ParseMode
from aiogram.types import Message

from bot import keyboards as K
from bot.content import Library
from bot.handlers.util import day_local, next_text
from bot.i18n import Translator
from bot.render import born, days_text, h
from bot.sender import Sender
from bot.services.deliveries import DeliveryService
from bot.services.families import ChildView, FamilyService, Who

HTML = ParseMode.HTML


def child_label(c: ChildView, t: Translator) -> str:
    """A child on a button: the nickname, or the birth month when there is none."""
    return c.nickname or born(c.birth_year, c.birth_month, t)


async def show_settings(
    msg: Message, who: Who, families: FamilyService, t: Translator, prefix: str | None = None
) -> None:
    view = await families.view(who.family_id)
    paused = view.paused_until is not None and view.next_send_at is not None and view.paused_until >= view.next_send_at
    kids = ", ".join(
        t("settings-child", name=h(c.nickname), born=born(c.birth_year, c.birth_month, t))
        if c.nickname
        else t("settings-child-unnamed", born=born(c.birth_year, c.birth_month, t))
        for c in view.children
    ) or t("settings-no-children")
    if view.paused_until and paused:
        status = t("status-paused-until", day=day_local(view.paused_until, view.timezone, t))
    else:
        status = t("status-active") if view.active else t("status-stopped")
    text = t(
        "settings",
        time=t.time(view.send_time),
        zone=view.timezone,
        days=days_text(view.cadence.value, view.days, t),
        nudges="on" if view.nudges_enabled else "off",
        children=kids,
        status=status,
        next=next_text(view, t),
    )
    text = f"{prefix}\n\n{text}" if prefix else text
    await msg.answer(text, parse_mode=HTML, reply_markup=K.settings(view.nudges_enabled, paused, t))


async def show_children(
    msg: Message,
    who: Who,
    families: FamilyService,
    t: Translator,
    library: Library | None = None,
    note: str | None = None,
) -> None:
    view = await families.view(who.family_id)
    lines = []
    for c in view.children:
        band = t("children-band", band=t(f"band-{c.band}")) if library and c.band else ""
        when = born(c.birth_year, c.birth_month, t)
        lines.append(
            t("children-line", name=h(c.nickname), born=when, band=band)
            if c.nickname
            else t("children-line-unnamed", born=when, band=band)
        )
    labels = [(c.id, child_label(c, t)) for c in view.children]
    text = t("children", list="\n".join(lines) or t("children-none"))
    await msg.answer(
        (f"{note}\n\n" if note else "") + text,
        parse_mode=HTML,
        reply_markup=K.children_menu(labels, len(labels) > 1, t),
    )


async def send_prompt_now(msg: Message, who: Who, deliveries: DeliveryService, sender: Sender, t: Translator) -> None:
    delivery_id = await deliveries.create_now(who.family_id)
    if delivery_id is None:
        await msg.answer(t("no-child-in-band"), parse_mode=HTML)
        return
    if not await sender.send_now(delivery_id):
        # Still queued (Telegram asked us to slow down): it goes out shortly, so don't invite a second request.
        queued = await sender.status(delivery_id) == "queued"
        await msg.answer(t("prompt-on-its-way") if queued else t("prompt-send-failed"), parse_mode=HTML)
