"""Becoming a therapist, and the admins' side: requests, approval, revocation with a confirmation."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from html import unescape

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
from bot.handlers.therapist.common import HTML, Admin, notify, sync_commands
from bot.handlers.util import cb_message
from bot.i18n import Locales, Translator
from bot.render import fit, h
from bot.render_therapist import admin_card, status_word
from bot.services.therapists import TherapistService, TherapistView


async def therapist_cmd(
    message: Message, state: FSMContext, therapists: TherapistService, settings: Settings, t: Translator
) -> None:
    user = message.from_user
    if user is None:
        return
    current = await therapists.get(user.id)
    if current and current.status is TherapistStatus.approved:
        text = t("therapist-already-approved", name=h(current.display_name), menu=t("therapist-menu"))
        await message.answer(text, parse_mode=HTML)
        return
    if current and current.status is TherapistStatus.pending:
        await message.answer(t("therapist-request-waiting"), parse_mode=HTML)
        return
    if not settings.admin_ids:
        await message.answer(t("therapist-no-admins"), parse_mode=HTML)
        return
    await state.set_state(TherapistRequest.name)
    await message.answer(t("therapist-ask-name"), parse_mode=HTML)


async def therapist_name(message: Message, state: FSMContext, settings: Settings, t: Translator) -> None:
    name = " ".join((message.text or "").split())
    if not name or len(name) > 64:
        await message.answer(t("therapist-name-too-long"), parse_mode=HTML)
        return
    await state.update_data(name=name)
    await state.set_state(TherapistRequest.timezone)
    zone = settings.default_timezone
    await message.answer(
        t("therapist-ask-timezone"),
        parse_mode=HTML,
        reply_markup=K.kb([K.b(t.zone_city(zone), TherapistTzCb(zone=zone).pack())]),
    )


def decision_buttons(tv: TherapistView, t: Translator) -> list[list[InlineKeyboardButton]]:
    if tv.status is TherapistStatus.approved:
        revoke = t("btn-admin-revoke", name=tv.display_name[:40])
        return [[K.b(revoke, AdminCb(action="rv", therapist_id=tv.id).pack())]]
    if tv.status is TherapistStatus.pending:
        return [
            [
                K.b(t("btn-admin-approve", name=tv.display_name[:24]), AdminCb(action="ok", therapist_id=tv.id).pack()),
                K.b(t("btn-admin-decline"), AdminCb(action="no", therapist_id=tv.id).pack()),
            ]
        ]
    return []


async def _send_request(
    msg: Message,
    state: FSMContext,
    who_id: int,
    zone: str,
    therapists: TherapistService,
    bot: Bot,
    t: Translator,
    locales: Locales,
) -> None:
    name = (await state.get_data()).get("name")
    if not isinstance(name, str):
        await state.clear()
        await msg.answer(t("therapist-start-again"), parse_mode=HTML)
        return
    tv = await therapists.request(who_id, name, zone, language=t.locale)
    await state.clear()
    history = await therapists.history(tv.id)
    # Each admin reads the request in their own language.
    for admin, language in (await therapists.languages_of(therapists.admin_ids)).items():
        theirs = locales.for_person(language, None)
        await notify(bot, admin, admin_card(tv, history, theirs), K.kb(*decision_buttons(tv, theirs)))
    await msg.answer(t("therapist-request-sent"), parse_mode=HTML)


async def therapist_tz_typed(
    message: Message, state: FSMContext, therapists: TherapistService, bot: Bot, t: Translator, locales: Locales
) -> None:
    zone = await asyncio.to_thread(resolve_zone, (message.text or "")[:100])
    if zone is None or message.from_user is None:
        await message.answer(t("therapist-timezone-unknown"), parse_mode=HTML)
        return
    await _send_request(message, state, message.from_user.id, zone, therapists, bot, t, locales)


async def therapist_tz_button(
    query: CallbackQuery,
    callback_data: TherapistTzCb,
    state: FSMContext,
    therapists: TherapistService,
    bot: Bot,
    t: Translator,
    locales: Locales,
) -> None:
    zone = parse_timezone(callback_data.zone)
    msg = cb_message(query)
    if zone is None or msg is None:
        await query.answer(t("toast-admin-expired"))
        return
    await query.answer()
    await _send_request(msg, state, query.from_user.id, zone, therapists, bot, t, locales)


async def admin_button(
    query: CallbackQuery,
    callback_data: AdminCb,
    therapists: TherapistService,
    bot: Bot,
    t: Translator,
    locales: Locales,
) -> None:
    msg = cb_message(query)
    action, tid = callback_data.action, callback_data.therapist_id
    current = await therapists.by_id(tid)
    if current is None or msg is None or action not in {"ok", "no", "rv", "rvy", "rvn"}:
        await query.answer(t("toast-admin-expired"))
        return
    # The press is answered last, once the card and everyone's notices are in step.
    press = AdminPress(msg, query.from_user.id, therapists, bot, t, locales)
    toast, alert = await press.act(action, current)
    await query.answer(toast, show_alert=alert)


@dataclass
class AdminPress:
    """One admin's press on a therapist card: the card is edited in the admin's language, and everyone told
    (the therapist, each family) hears it in their own."""

    msg: Message
    admin_id: int
    therapists: TherapistService
    bot: Bot
    t: Translator
    locales: Locales

    async def act(self, action: str, current: TherapistView) -> tuple[str | None, bool]:
        t, tid = self.t, current.id
        if action == "rv":
            await self.msg.edit_reply_markup(
                reply_markup=K.kb(
                    [
                        K.b(
                            t("btn-admin-revoke-yes", name=current.display_name[:30]),
                            AdminCb(action="rvy", therapist_id=tid).pack(),
                        )
                    ],
                    [K.b(t("btn-admin-keep"), AdminCb(action="rvn", therapist_id=tid).pack())],
                )
            )
            return None, False
        if action == "rvn":
            await self.sync_card(current, None)
            return t("toast-admin-nothing-changed"), False
        if action == "rvy":
            return await self.revoke(current)
        decided = await self.therapists.decide(self.admin_id, tid, action == "ok")
        if decided is None:
            await self.sync_card(current, None)
            return t("toast-admin-already-decided"), True
        theirs = self.locales.for_person(decided.language, None)
        approved = decided.status is TherapistStatus.approved
        if approved:
            is_admin = decided.telegram_id in self.therapists.admin_ids
            await sync_commands(self.bot, decided.telegram_id, therapist=True, admin=is_admin, t=theirs)
            await notify(self.bot, decided.telegram_id, theirs("therapist-approved", menu=theirs("therapist-menu")))
        else:
            await notify(self.bot, decided.telegram_id, theirs("therapist-declined"))
        await self.sync_card(decided, None)
        return t("toast-admin-approved" if approved else "toast-admin-declined"), False

    async def revoke(self, current: TherapistView) -> tuple[str | None, bool]:
        t = self.t
        revoked = await self.therapists.revoke(self.admin_id, current.id)
        if revoked is None:
            await self.sync_card(current, None)
            return t("toast-admin-not-approved"), True
        tv, ended = revoked
        theirs = self.locales.for_person(tv.language, None)
        is_admin = tv.telegram_id in self.therapists.admin_ids
        await sync_commands(self.bot, tv.telegram_id, therapist=False, admin=is_admin, t=theirs)
        await notify(self.bot, tv.telegram_id, theirs("therapist-access-withdrawn"))
        name = h(tv.display_name)
        for e in ended:
            for chat in e.caregivers:
                family = self.locales.for_person(e.languages.get(chat), None)
                await notify(self.bot, chat, family("mytherapist-therapist-gone", name=name, n=e.cancelled))
        await self.sync_card(tv, t("admin-revoked-note", n=len(ended)))
        return t("toast-admin-revoked", name=tv.display_name), False

    async def sync_card(self, tv: TherapistView, note: str | None) -> None:
        """Keep the admin's card in step with the therapist's real status, whichever card was pressed."""
        fresh = await self.therapists.by_id(tv.id) or tv
        if self.is_list():
            await _list(self.msg, self.therapists, self.t, edit=True)
            return
        buttons = decision_buttons(fresh, self.t)
        await self.msg.edit_text(
            admin_card(fresh, await self.therapists.history(fresh.id), self.t, note),
            parse_mode=HTML,
            reply_markup=K.kb(*buttons) if buttons else None,
        )

    def is_list(self) -> bool:
        """Whether the pressed message is the /therapists list rather than one request's card, in whichever
        language it was written."""
        first = (self.msg.text or "").split("\n", 1)[0]
        return any(first == plain(self.locales.translator(loc)("admin-list-title")) for loc in self.locales.shipped)


def plain(html: str) -> str:
    """What Telegram shows of an HTML text (the message's ``text`` as it comes back)."""
    return unescape(re.sub(r"<[^>]+>", "", html))


async def _list(msg: Message, therapists: TherapistService, t: Translator, *, edit: bool = False) -> None:
    rows = await therapists.all()
    if not rows:
        await msg.answer(t("admin-no-requests"), parse_mode=HTML)
        return
    lines = [t("admin-list-title"), ""]
    buttons = []
    for tv in rows:
        lines.append(t("admin-list-row", name=h(tv.display_name), status=status_word(t, tv.status)))
        buttons += decision_buttons(tv, t)
    text, markup = fit("\n".join(lines)), K.kb(*buttons) if buttons else None
    if edit:
        await msg.edit_text(text, parse_mode=HTML, reply_markup=markup)
    else:
        await msg.answer(text, parse_mode=HTML, reply_markup=markup)


async def therapists_cmd(message: Message, therapists: TherapistService, t: Translator) -> None:
    await _list(message, therapists, t)


async def not_admin_cmd(message: Message, t: Translator) -> None:
    await message.answer(t("admin-only"), parse_mode=HTML)


async def not_admin_button(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("toast-admin-only"), show_alert=True)


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
