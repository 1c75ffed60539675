"""Invites and consent, and the family's own view of its links: note sharing per link, stopping with care."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot import keyboards as K
from bot.callbacks import ConsentCb, LinkCb
from bot.handlers.therapist.common import HTML, INVITE_PROBLEMS, NOT_APPROVED, ApprovedTherapist, notify, plural
from bot.handlers.util import Ready, cb_message, need_ready, when_local
from bot.render import h
from bot.render_therapist import consent_text, links_text
from bot.services.families import FamilyService, Who
from bot.services.therapists import InviteProblem, LinkView, TherapistService, TherapistView


async def invite_cmd(
    message: Message, command: CommandObject, therapist: TherapistView, therapists: TherapistService, bot: Bot
) -> None:
    label = (command.args or "").strip() or None
    if label and len(label) > 64:
        await message.answer("Please keep the family's label under 64 characters.")
        return
    made = await therapists.create_invite(therapist.telegram_id, label)
    assert made is not None
    code, expires = made
    me = await bot.me()
    link = f"https://t.me/{me.username}?start=c_{code}"
    await message.answer(
        "🔗 <b>Client invite</b>" + (f" for {h(label)}" if label else "") + "\n\n"
        f"{link}\n\nSend this link to the family. It works once and expires on "
        f"{when_local(expires, therapist.timezone)}. They'll see exactly what you'll see, and choose.\n"
        "Tip: <code>/invite Rivera family</code> labels the family in your caseload.",
        parse_mode=HTML,
    )


def consent_keyboard(code: str, share: bool) -> InlineKeyboardMarkup:
    toggle = "📝 Keep my notes private" if share else "📝 Share my notes too"
    return K.kb(
        [K.b("✅ Accept", ConsentCb(action="ok", code=code, share=share).pack())],
        [K.b(toggle, ConsentCb(action="share", code=code, share=not share).pack())],
        [K.b("✖ Decline", ConsentCb(action="no", code=code, share=False).pack())],
    )


async def show_consent(msg: Message, code: str, therapists: TherapistService) -> None:
    found = await therapists.invite(code)
    if isinstance(found, InviteProblem):
        await msg.answer(INVITE_PROBLEMS[found])
        return
    await msg.answer(
        consent_text(found.therapist_name, False), parse_mode=HTML, reply_markup=consent_keyboard(code, False)
    )


async def consent_button(
    query: CallbackQuery, callback_data: ConsentCb, who: Who, therapists: TherapistService, bot: Bot
) -> None:
    msg = cb_message(query)
    if msg is None:
        await query.answer()
        return
    code, share = callback_data.code, callback_data.share
    if callback_data.action == "no":
        await query.answer()
        await msg.edit_reply_markup(reply_markup=None)
        await msg.answer("No problem — nothing is shared. You can carry on just as before.")
        return
    if callback_data.action == "share":
        found = await therapists.invite(code)
        if isinstance(found, InviteProblem):
            await query.answer(INVITE_PROBLEMS[found], show_alert=True)
            return
        await query.answer("Notes would be shared." if share else "Notes stay private.")
        # The text is regenerated from the terms the Accept button now carries.
        await msg.edit_text(
            consent_text(found.therapist_name, share), parse_mode=HTML, reply_markup=consent_keyboard(code, share)
        )
        return
    result = await therapists.accept(who.family_id, code, share_notes=share)
    if isinstance(result, InviteProblem):
        await query.answer(INVITE_PROBLEMS[result], show_alert=True)
        return
    await query.answer("Linked.")
    await msg.edit_reply_markup(reply_markup=None)
    notes = "Your notes are shared with them from now on." if result.share_notes else "Your notes stay private."
    await msg.answer(
        f"✅ You're now sharing with <b>{h(result.therapist_name)}</b>. {notes} Change it or stop any time "
        "with /mytherapist.",
        parse_mode=HTML,
    )
    await notify(bot, result.therapist_telegram_id, f"🤝 {h(result.label)} accepted your invite. See /clients.")


def links_keyboard(links: list[LinkView]) -> InlineKeyboardMarkup | None:
    rows = []
    for link in links:
        name = link.therapist_name[:24]
        notes = f"📝 Keep notes from {name} private" if link.share_notes else f"📝 Share notes with {name}"
        rows.append([K.b(notes, LinkCb(action="notes", link_id=link.id).pack())])
        rows.append([K.b(f"Stop sharing with {name}", LinkCb(action="rv", link_id=link.id).pack())])
    return K.kb(*rows) if rows else None


async def show_links(msg: Message, who: Who, therapists: TherapistService, families: FamilyService) -> None:
    links = await therapists.family_links(who.family_id)
    view = await families.view(who.family_id)
    await msg.answer(links_text(links, view.timezone), parse_mode=HTML, reply_markup=links_keyboard(links))


async def mytherapist_cmd(message: Message, who: Who, therapists: TherapistService, families: FamilyService) -> None:
    await show_links(message, who, therapists, families)


async def link_button(
    query: CallbackQuery,
    callback_data: LinkCb,
    who: Who,
    therapists: TherapistService,
    families: FamilyService,
    bot: Bot,
) -> None:
    msg = cb_message(query)
    mine = {link.id: link for link in await therapists.family_links(who.family_id)}
    link = mine.get(callback_data.link_id)
    if msg is None or link is None:
        await query.answer("That button isn't one of yours.", show_alert=True)
        return
    action = callback_data.action
    if action == "notes":
        changed = await therapists.set_share_notes(who.family_id, link.id, not link.share_notes)
        assert changed is not None
        await query.answer("Notes are shared from now on." if changed.share_notes else "Notes are private now.")
        await show_links(msg, who, therapists, families)
    elif action == "rv":
        await query.answer()
        await msg.answer(
            f"Stop sharing with <b>{h(link.therapist_name)}</b>? They will no longer see anything from your "
            "family, and any prompt they have planned for you is cancelled.",
            parse_mode=HTML,
            reply_markup=K.kb(
                [K.b("Yes, stop sharing", LinkCb(action="rvy", link_id=link.id).pack())],
                [K.b("Keep sharing", LinkCb(action="rvn", link_id=link.id).pack())],
            ),
        )
    elif action == "rvn":
        await msg.edit_reply_markup(reply_markup=None)
        await query.answer("Nothing changed.")
    elif action == "rvy":
        ended = await therapists.revoke_link(who.family_id, link.id)
        if ended is None:
            await query.answer("That button isn't one of yours.", show_alert=True)
            return
        their = f" {plural(ended.cancelled, 'pending prompt')} for them was cancelled." if ended.cancelled else ""
        await notify(bot, link.therapist_telegram_id, f"{h(ended.link.label)} has stopped sharing with you.{their}")
        await query.answer("Stopped.")
        await msg.edit_reply_markup(reply_markup=None)
        cancelled = f" {plural(ended.cancelled, 'planned prompt')} from them won't come." if ended.cancelled else ""
        await msg.answer(
            f"Done — {h(link.therapist_name)} no longer sees anything from your family.{cancelled}", parse_mode=HTML
        )
    else:
        await query.answer("This button has expired.")


async def not_approved(message: Message) -> None:
    await message.answer(NOT_APPROVED)


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
