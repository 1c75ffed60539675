"""Invites and consent, and the family's own view of its links: note sharing per link, stopping with care."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot import keyboards as K
from bot.callbacks import ConsentCb, LinkCb
from bot.handlers.therapist.common import HTML, ApprovedTherapist, invite_problem, not_approved, notify
from bot.handlers.util import Ready, cb_message, need_ready
from bot.i18n import Locales, Translator
from bot.render import h
from bot.render_therapist import consent_text, family_name, links_text
from bot.services.families import FamilyService, Who
from bot.services.therapists import InviteProblem, LinkView, TherapistService, TherapistView


async def invite_cmd(
    message: Message,
    command: CommandObject,
    therapist: TherapistView,
    therapists: TherapistService,
    bot: Bot,
    t: Translator,
) -> None:
    label = (command.args or "").strip() or None
    if label and len(label) > 64:
        await message.answer(t("therapist-invite-label-too-long"), parse_mode=HTML)
        return
    made = await therapists.create_invite(therapist.telegram_id, label)
    assert made is not None
    code, expires = made
    me = await bot.me()
    title = t("therapist-invite-title-for", label=h(label)) if label else t("therapist-invite-title")
    expires_at = t.when(expires.astimezone(ZoneInfo(therapist.timezone)))
    link = f"https://t.me/{me.username}?start=c_{code}"
    await message.answer(t("therapist-invite", title=title, link=link, expires=expires_at), parse_mode=HTML)


def consent_keyboard(code: str, share: bool, t: Translator) -> InlineKeyboardMarkup:
    toggle = t("btn-consent-keep-private") if share else t("btn-consent-share")
    return K.kb(
        [K.b(t("btn-consent-accept"), ConsentCb(action="ok", code=code, share=share).pack())],
        [K.b(toggle, ConsentCb(action="share", code=code, share=not share).pack())],
        [K.b(t("btn-consent-decline"), ConsentCb(action="no", code=code, share=False).pack())],
    )


async def show_consent(msg: Message, code: str, therapists: TherapistService, t: Translator) -> None:
    """The consent screen, in the language of the caregiver reading it (``t``)."""
    found = await therapists.invite(code)
    if isinstance(found, InviteProblem):
        await msg.answer(invite_problem(t, found), parse_mode=HTML)
        return
    await msg.answer(
        consent_text(found.therapist_name, False, t), parse_mode=HTML, reply_markup=consent_keyboard(code, False, t)
    )


async def consent_button(
    query: CallbackQuery,
    callback_data: ConsentCb,
    who: Who,
    therapists: TherapistService,
    bot: Bot,
    t: Translator,
    locales: Locales,
) -> None:
    msg = cb_message(query)
    if msg is None:
        await query.answer()
        return
    code, share = callback_data.code, callback_data.share
    if callback_data.action == "no":
        await query.answer()
        await msg.edit_reply_markup(reply_markup=None)
        await msg.answer(t("consent-declined"), parse_mode=HTML)
        return
    if callback_data.action == "share":
        found = await therapists.invite(code)
        if isinstance(found, InviteProblem):
            await query.answer(invite_problem(t, found), show_alert=True)
            return
        await query.answer(t("toast-consent-would-share") if share else t("toast-consent-private"))
        # The text is regenerated from the terms the Accept button now carries.
        await msg.edit_text(
            consent_text(found.therapist_name, share, t), parse_mode=HTML, reply_markup=consent_keyboard(code, share, t)
        )
        return
    result = await therapists.accept(who.family_id, code, share_notes=share)
    if isinstance(result, InviteProblem):
        await query.answer(invite_problem(t, result), show_alert=True)
        return
    await query.answer(t("toast-consent-linked"))
    await msg.edit_reply_markup(reply_markup=None)
    notes = t("consent-notes-shared") if result.share_notes else t("consent-notes-private")
    await msg.answer(t("consent-linked", name=h(result.therapist_name), notes=notes), parse_mode=HTML)
    theirs = await _therapist_translator(therapists, locales, result.therapist_telegram_id)
    label = h(family_name(theirs, result.label, result.id))
    await notify(bot, result.therapist_telegram_id, theirs("therapist-accepted", label=label))


async def _therapist_translator(therapists: TherapistService, locales: Locales, telegram_id: int) -> Translator:
    tv = await therapists.get(telegram_id)
    return locales.for_person(tv.language if tv else None, None)


def links_keyboard(links: list[LinkView], t: Translator) -> InlineKeyboardMarkup | None:
    rows = []
    for link in links:
        name = link.therapist_name[:24]
        notes = (
            t("btn-mytherapist-keep-private", name=name) if link.share_notes else t("btn-mytherapist-share", name=name)
        )
        rows.append([K.b(notes, LinkCb(action="notes", link_id=link.id).pack())])
        rows.append([K.b(t("btn-mytherapist-stop", name=name), LinkCb(action="rv", link_id=link.id).pack())])
    return K.kb(*rows) if rows else None


async def show_links(
    msg: Message, who: Who, therapists: TherapistService, families: FamilyService, t: Translator
) -> None:
    links = await therapists.family_links(who.family_id)
    view = await families.view(who.family_id)
    await msg.answer(links_text(links, view.timezone, t), parse_mode=HTML, reply_markup=links_keyboard(links, t))


async def mytherapist_cmd(
    message: Message, who: Who, therapists: TherapistService, families: FamilyService, t: Translator
) -> None:
    await show_links(message, who, therapists, families, t)


async def link_button(
    query: CallbackQuery,
    callback_data: LinkCb,
    who: Who,
    therapists: TherapistService,
    families: FamilyService,
    bot: Bot,
    t: Translator,
    locales: Locales,
) -> None:
    msg = cb_message(query)
    mine = {link.id: link for link in await therapists.family_links(who.family_id)}
    link = mine.get(callback_data.link_id)
    if msg is None or link is None:
        await query.answer(t("toast-mytherapist-not-yours"), show_alert=True)
        return
    action = callback_data.action
    if action == "notes":
        changed = await therapists.set_share_notes(who.family_id, link.id, not link.share_notes)
        assert changed is not None
        await query.answer(t("toast-mytherapist-shared") if changed.share_notes else t("toast-mytherapist-private"))
        await show_links(msg, who, therapists, families, t)
    elif action == "rv":
        await query.answer()
        await msg.answer(
            t("mytherapist-stop-ask", name=h(link.therapist_name)),
            parse_mode=HTML,
            reply_markup=K.kb(
                [K.b(t("btn-mytherapist-stop-yes"), LinkCb(action="rvy", link_id=link.id).pack())],
                [K.b(t("btn-mytherapist-keep"), LinkCb(action="rvn", link_id=link.id).pack())],
            ),
        )
    elif action == "rvn":
        await msg.edit_reply_markup(reply_markup=None)
        await query.answer(t("toast-mytherapist-nothing-changed"))
    elif action == "rvy":
        ended = await therapists.revoke_link(who.family_id, link.id)
        if ended is None:
            await query.answer(t("toast-mytherapist-not-yours"), show_alert=True)
            return
        # The therapist hears it in their language; the family reads the rest in its own.
        theirs = await _therapist_translator(therapists, locales, link.therapist_telegram_id)
        label = h(family_name(theirs, ended.link.label, ended.link.id))
        await notify(
            bot, link.therapist_telegram_id, theirs("therapist-family-stopped", label=label, n=ended.cancelled)
        )
        await query.answer(t("toast-mytherapist-stopped"))
        await msg.edit_reply_markup(reply_markup=None)
        done = t("mytherapist-stopped", name=h(link.therapist_name), n=ended.cancelled)
        await msg.answer(done, parse_mode=HTML)
    else:
        await query.answer(t("toast-mytherapist-expired"))


def setup() -> Router:
    router = Router(name="therapist.consent")
    router.message.register(invite_cmd, Command("invite"), ApprovedTherapist())
    router.message.register(not_approved, Command("invite"))
    router.callback_query.register(consent_button, ConsentCb.filter(), Ready())
    router.callback_query.register(need_ready, ConsentCb.filter())
    router.message.register(mytherapist_cmd, Command("mytherapist"), Ready())
    router.message.register(need_ready, Command("mytherapist"))
    router.callback_query.register(link_button, LinkCb.filter(), Ready())
    router.callback_query.register(need_ready, LinkCb.filter())
    return router
