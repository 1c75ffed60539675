"""Co-parents, from /settings → Co-parents: the owner invites and removes; anyone can leave; the last one
leaving erases the family after a confirmation."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.enums import ParseMode
from aiogram.types import CallbackQuery, Message

from bot import keyboards as K
from bot.callbacks import MemberCb
from bot.domain.status import Role
from bot.handlers.account import erase_family
from bot.handlers.therapist import notify
from bot.handlers.util import Ready, cb_message, need_ready, when_local
from bot.i18n import Locales, Translator
from bot.services.families import FamilyService, Who
from bot.services.household import HouseholdService
from bot.services.therapists import TherapistService

HTML = ParseMode.HTML


def _cb(action: str, caregiver_id: int = 0) -> str:
    return MemberCb(action=action, caregiver_id=caregiver_id).pack()


async def show_members(msg: Message, who: Who, household: HouseholdService, t: Translator, edit: bool = False) -> None:
    members = await household.members(who.family_id)
    lines = [t("members-title"), ""]
    rows = []
    for i, m in enumerate(members, start=1):
        me = t("members-you") if m.caregiver_id == who.caregiver_id else ""
        role = "owner" if m.role is Role.owner else "caregiver"
        lines.append(t("members-line", n=i, you=me, role=role))
        if who.role is Role.owner and m.caregiver_id != who.caregiver_id:
            rows.append([K.b(t("btn-remove-caregiver", n=i), _cb("rm", m.caregiver_id))])
    lines += ["", t("members-footer")]
    if who.role is Role.owner:
        rows.insert(0, [K.b(t("btn-invite-coparent"), _cb("invite"))])
    rows.append([K.b(t("btn-leave-family"), _cb("leave"))])
    if edit:
        await msg.edit_text("\n".join(lines), parse_mode=HTML, reply_markup=K.kb(*rows))
    else:
        await msg.answer("\n".join(lines), parse_mode=HTML, reply_markup=K.kb(*rows))


async def member_button(
    query: CallbackQuery,
    callback_data: MemberCb,
    who: Who,
    household: HouseholdService,
    families: FamilyService,
    therapists: TherapistService,
    bot: Bot,
    t: Translator,
    locales: Locales,
) -> None:
    msg = cb_message(query)
    if msg is None:
        await query.answer()
        return
    action, target = callback_data.action, callback_data.caregiver_id
    members = {m.caregiver_id: m for m in await household.members(who.family_id)}
    if action in ("rm", "rmy") and (who.role is not Role.owner or target not in members or target == who.caregiver_id):
        await query.answer(t("button-not-yours"), show_alert=True)
        return
    if action == "menu":
        await query.answer()
        await show_members(msg, who, household, t)
    elif action == "invite":
        made = await household.create_invite(who.family_id, who.caregiver_id)
        if made is None:
            await query.answer(t("toast-only-owner-invites"), show_alert=True)
            return
        await query.answer()
        code, expires = made
        me = await bot.me()
        view = await families.view(who.family_id)
        link = f"https://t.me/{me.username}?start=p_{code}"
        await msg.answer(
            t("invite-coparent", expires=when_local(expires, view.timezone, t), link=link), parse_mode=HTML
        )
    elif action == "rm":
        await query.answer()
        await msg.answer(
            t("remove-ask"),
            parse_mode=HTML,
            reply_markup=K.kb([K.b(t("btn-remove-yes"), _cb("rmy", target))], [K.b(t("btn-keep"), _cb("keep"))]),
        )
    elif action == "rmy":
        removed = await household.remove(who.family_id, who.caregiver_id, target)
        if removed is None:
            await query.answer(t("button-not-yours"), show_alert=True)
            return
        await query.answer(t("toast-removed"))
        await msg.edit_reply_markup(reply_markup=None)
        theirs = locales.for_person(members[target].language, None)
        await notify(bot, removed, theirs("removed-you"))
        await show_members(msg, who, household, t)
    elif action == "leave":
        await query.answer()
        last = await household.is_last(who.family_id)
        await msg.answer(
            t("leave-ask-last") if last else t("leave-ask"),
            parse_mode=HTML,
            reply_markup=K.kb([K.b(t("btn-leave-yes"), _cb("leavey"))], [K.b(t("btn-stay"), _cb("keep"))]),
        )
    elif action == "leavey":
        await query.answer()
        await msg.edit_reply_markup(reply_markup=None)
        if await household.is_last(who.family_id):
            await erase_family(who, families, therapists, household, bot, locales)
            await msg.answer(t("deleted"), parse_mode=HTML)
            return
        left = await household.leave(who.family_id, who.caregiver_id)
        if left is None:
            await msg.answer(t("step-gone"), parse_mode=HTML)
            return
        await msg.answer(t("left-family"), parse_mode=HTML)
        language = {m.telegram_id: m.language for m in members.values()}
        for chat in left.others:
            await notify(bot, chat, locales.for_person(language.get(chat), None)("coparent-left"))
    elif action == "keep":
        await query.answer(t("toast-nothing-changed"))
        await msg.edit_reply_markup(reply_markup=None)
    else:
        await query.answer(t("button-expired"))


def setup() -> Router:
    router = Router(name="family")
    router.callback_query.register(member_button, MemberCb.filter(), Ready())
    router.callback_query.register(need_ready, MemberCb.filter())
    return router
