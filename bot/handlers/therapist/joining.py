"""Becoming a therapist, and the admins' side: requests, approval, revocation with a confirmation."""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message

from bot import keyboards as K
from bot.callbacks import AdminCb, TherapistTzCb
from bot.config import Settings
from bot.domain.parsing import parse_timezone
from bot.domain.places import resolve_zone
from bot.domain.status import TherapistStatus
from bot.handlers.states import TherapistRequest
from bot.handlers.therapist.common import HTML, THERAPIST_MENU, Admin, notify, plural, sync_commands
from bot.handlers.util import cb_message
from bot.render import fit, h
from bot.render_therapist import STATUS_WORDS, admin_card
from bot.services.therapists import TherapistService, TherapistView


async def therapist_cmd(message: Message, state: FSMContext, therapists: TherapistService, settings: Settings) -> None:
    user = message.from_user
    if user is None:
        return
    current = await therapists.get(user.id)
    if current and current.status is TherapistStatus.approved:
        await message.answer(
            f"You're an approved therapist as <b>{h(current.display_name)}</b>.\n\n{THERAPIST_MENU}", parse_mode=HTML
        )
        return
    if current and current.status is TherapistStatus.pending:
        await message.answer("Your request is waiting for an admin. I'll tell you as soon as they decide.")
        return
    if not settings.admin_ids:
        await message.answer("This bot has no admins set up, so therapist accounts can't be approved here yet.")
        return
    await state.set_state(TherapistRequest.name)
    await message.answer(
        "🧑‍⚕️ <b>Join as a family therapist</b>\n\nFamilies you invite will see the name you choose here. "
        "What name should they see? (For example: <i>Dr. Sam Rivera</i>)",
        parse_mode=HTML,
    )


async def therapist_name(message: Message, state: FSMContext, settings: Settings) -> None:
    name = " ".join((message.text or "").split())
    if not name or len(name) > 64:
        await message.answer("Please send a name of up to 64 characters.")
        return
    await state.update_data(name=name)
    await state.set_state(TherapistRequest.timezone)
    zone = settings.default_timezone
    await message.answer(
        "Which timezone are you in? Your weekly digest comes on Monday at 08:00 there. Type a zone or a city, or tap:",
        reply_markup=K.kb([K.b(zone, TherapistTzCb(zone=zone).pack())]),
    )


def decision_buttons(t: TherapistView) -> list[list[InlineKeyboardButton]]:
    if t.status is TherapistStatus.approved:
        return [[K.b(f"Revoke {t.display_name[:40]}", AdminCb(action="rv", therapist_id=t.id).pack())]]
    if t.status is TherapistStatus.pending:
        return [
            [
                K.b(f"✅ Approve {t.display_name[:24]}", AdminCb(action="ok", therapist_id=t.id).pack()),
                K.b("✖ Decline", AdminCb(action="no", therapist_id=t.id).pack()),
            ]
        ]
    return []


async def _send_request(
    msg: Message, state: FSMContext, who_id: int, zone: str, therapists: TherapistService, bot: Bot
) -> None:
    name = (await state.get_data()).get("name")
    if not isinstance(name, str):
        await state.clear()
        await msg.answer("Let's start again: /therapist")
        return
    t = await therapists.request(who_id, name, zone)
    await state.clear()
    card = admin_card(t, await therapists.history(t.id))
    for admin in therapists.admin_ids:
        await notify(bot, admin, card, K.kb(*decision_buttons(t)))
    await msg.answer("Thank you! Your request has gone to the admins. I'll let you know when they decide.")


async def therapist_tz_typed(message: Message, state: FSMContext, therapists: TherapistService, bot: Bot) -> None:
    zone = await asyncio.to_thread(resolve_zone, (message.text or "")[:100])
    if zone is None or message.from_user is None:
        await message.answer("I don't know that timezone. Try a zone like Europe/Berlin or a big city near you.")
        return
    await _send_request(message, state, message.from_user.id, zone, therapists, bot)


async def therapist_tz_button(
    query: CallbackQuery, callback_data: TherapistTzCb, state: FSMContext, therapists: TherapistService, bot: Bot
) -> None:
    zone = parse_timezone(callback_data.zone)
    msg = cb_message(query)
    if zone is None or msg is None:
        await query.answer("This button has expired.")
        return
    await query.answer()
    await _send_request(msg, state, query.from_user.id, zone, therapists, bot)


async def admin_button(query: CallbackQuery, callback_data: AdminCb, therapists: TherapistService, bot: Bot) -> None:
    msg = cb_message(query)
    action, tid = callback_data.action, callback_data.therapist_id
    current = await therapists.by_id(tid)
    if current is None or msg is None or action not in {"ok", "no", "rv", "rvy", "rvn"}:
        await query.answer("This button has expired.")
        return
    # The press is answered last, once the card and everyone's notices are in step.
    toast, alert = await _admin_action(msg, action, current, query.from_user.id, therapists, bot)
    await query.answer(toast, show_alert=alert)


async def _admin_action(
    msg: Message, action: str, current: TherapistView, admin_id: int, therapists: TherapistService, bot: Bot
) -> tuple[str | None, bool]:
    tid = current.id
    if action == "rv":
        await msg.edit_reply_markup(
            reply_markup=K.kb(
                [K.b(f"⛔ Yes, revoke {current.display_name[:30]}", AdminCb(action="rvy", therapist_id=tid).pack())],
                [K.b("Keep them", AdminCb(action="rvn", therapist_id=tid).pack())],
            )
        )
        return None, False
    if action == "rvn":
        await _sync_card(msg, current, therapists, None)
        return "Nothing changed.", False
    if action == "rvy":
        revoked = await therapists.revoke(admin_id, tid)
        if revoked is None:
            await _sync_card(msg, current, therapists, None)
            return "Nothing to revoke: that therapist isn't approved.", True
        t, ended = revoked
        await sync_commands(bot, t.telegram_id, therapist=False, admin=t.telegram_id in therapists.admin_ids)
        await notify(bot, t.telegram_id, "Your therapist access on this bot has been withdrawn by an admin.")
        for e in ended:
            cancelled = f" {plural(e.cancelled, 'pending prompt')} from them won't come." if e.cancelled else ""
            for chat in e.caregivers:
                await notify(
                    bot,
                    chat,
                    f"ℹ️ <b>{h(t.display_name)}</b> is no longer a therapist on this bot, so your family stopped "
                    f"sharing with them.{cancelled} Nothing else changes for you.",
                )
        await _sync_card(msg, t, therapists, f"Revoked: {plural(len(ended), 'family link')} ended.")
        return f"Revoked {t.display_name}.", False
    decided = await therapists.decide(admin_id, tid, action == "ok")
    if decided is None:
        await _sync_card(msg, current, therapists, None)
        return "That request was already decided.", True
    if decided.status is TherapistStatus.approved:
        await sync_commands(bot, decided.telegram_id, therapist=True, admin=decided.telegram_id in therapists.admin_ids)
        await notify(bot, decided.telegram_id, f"✅ <b>You're approved as a therapist.</b>\n\n{THERAPIST_MENU}")
    else:
        await notify(bot, decided.telegram_id, "Your request to join as a therapist was not approved this time.")
    await _sync_card(msg, decided, therapists, None)
    return ("Approved." if decided.status is TherapistStatus.approved else "Declined."), False


async def _sync_card(msg: Message, t: TherapistView, therapists: TherapistService, note: str | None) -> None:
    """Keep the admin's card in step with the therapist's real status, whichever card was pressed."""
    fresh = await therapists.by_id(t.id) or t
    if msg.text and msg.text.startswith("🧑‍⚕️ Therapists"):
        await _list(msg, therapists, edit=True)
        return
    await msg.edit_text(
        admin_card(fresh, await therapists.history(fresh.id), note),
        parse_mode=HTML,
        reply_markup=K.kb(*decision_buttons(fresh)) if decision_buttons(fresh) else None,
    )


async def _list(msg: Message, therapists: TherapistService, *, edit: bool = False) -> None:
    rows = await therapists.all()
    if not rows:
        await msg.answer("No therapist requests yet.")
        return
    lines = ["🧑‍⚕️ <b>Therapists</b>", ""]
    buttons = []
    for t in rows:
        lines.append(f"• {h(t.display_name)} — {STATUS_WORDS[t.status]}")
        buttons += decision_buttons(t)
    text, markup = fit("\n".join(lines)), K.kb(*buttons) if buttons else None
    if edit:
        await msg.edit_text(text, parse_mode=HTML, reply_markup=markup)
    else:
        await msg.answer(text, parse_mode=HTML, reply_markup=markup)


async def therapists_cmd(message: Message, therapists: TherapistService) -> None:
    await _list(message, therapists)


async def not_admin_cmd(message: Message) -> None:
    await message.answer("That command is for the bot's admins.")


async def not_admin_button(query: CallbackQuery) -> None:
    await query.answer("Only an admin of this bot can do that.", show_alert=True)


def setup() -> Router:
    router = Router(name="therapist.joining")
    text = (F.text, ~F.text.startswith("/"))
    router.message.register(therapist_cmd, Command("therapist"))
    router.message.register(therapist_name, StateFilter(TherapistRequest.name), *text)
    router.message.register(therapist_tz_typed, StateFilter(TherapistRequest.timezone), *text)
    router.callback_query.register(therapist_tz_button, TherapistTzCb.filter(), StateFilter(TherapistRequest.timezone))
    router.callback_query.register(admin_button, AdminCb.filter(), Admin())
    router.callback_query.register(not_admin_button, AdminCb.filter())
    router.message.register(therapists_cmd, Command("therapists"), Admin())
    router.message.register(not_admin_cmd, Command("therapists"))
    return router
