"""Co-parents, from /settings → Co-parents: the owner invites and removes; anyone can leave; the last one
leaving erases the family after a confirmation."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.enums import ParseMode
from aiogram.types import CallbackQuery, Message

from bot import keyboards as K
from bot import texts as T
from bot.callbacks import MemberCb
from bot.domain.status import Role
from bot.handlers.account import erase_family
from bot.handlers.therapist import notify
from bot.handlers.util import Ready, cb_message, need_ready, when_local
from bot.services.families import FamilyService, Who
from bot.services.household import HouseholdService
from bot.services.therapists import TherapistService

HTML = ParseMode.HTML


def _cb(action: str, caregiver_id: int = 0) -> str:
    return MemberCb(action=action, caregiver_id=caregiver_id).pack()


async def show_members(msg: Message, who: Who, household: HouseholdService, edit: bool = False) -> None:
    members = await household.members(who.family_id)
    lines = ["👪 <b>Co-parents</b>", ""]
    rows = []
    for i, m in enumerate(members, start=1):
        me = " (you)" if m.caregiver_id == who.caregiver_id else ""
        role = "owner" if m.role is Role.owner else "caregiver"
        lines.append(f"• Caregiver {i}{me} — {role}")
        if who.role is Role.owner and m.caregiver_id != who.caregiver_id:
            rows.append([K.b(f"✖ Remove caregiver {i}", _cb("rm", m.caregiver_id))])
    lines += ["", "Everyone here gets the same ideas and can answer them. /history shows who answered."]
    if who.role is Role.owner:
        rows.insert(0, [K.b("➕ Invite a co-parent", _cb("invite"))])
    rows.append([K.b("🚪 Leave this family", _cb("leave"))])
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
) -> None:
    msg = cb_message(query)
    if msg is None:
        await query.answer()
        return
    action, target = callback_data.action, callback_data.caregiver_id
    members = {m.caregiver_id: m for m in await household.members(who.family_id)}
    if action in ("rm", "rmy") and (who.role is not Role.owner or target not in members or target == who.caregiver_id):
        await query.answer(T.BUTTON_NOT_YOURS, show_alert=True)
        return
    if action == "menu":
        await query.answer()
        await show_members(msg, who, household)
    elif action == "invite":
        made = await household.create_invite(who.family_id, who.caregiver_id)
        if made is None:
            await query.answer("Only the family's owner can invite.", show_alert=True)
            return
        await query.answer()
        code, expires = made
        me = await bot.me()
        view = await families.view(who.family_id)
        await msg.answer(
            "🔗 <b>Invite a co-parent</b>\n\nSend this link to the other parent or caregiver. It works once and "
            f"expires on {when_local(expires, view.timezone)}:\n\nhttps://t.me/{me.username}?start=p_{code}\n\n"
            "They'll see the same ideas and can answer them. They skip set-up.",
            parse_mode=HTML,
        )
    elif action == "rm":
        await query.answer()
        await msg.answer(
            "Remove this caregiver? They stop getting ideas and can no longer see your family's history.",
            reply_markup=K.kb([K.b("Yes, remove", _cb("rmy", target))], [K.b("Keep them", _cb("keep"))]),
        )
    elif action == "rmy":
        removed = await household.remove(who.family_id, who.caregiver_id, target)
        if removed is None:
            await query.answer(T.BUTTON_NOT_YOURS, show_alert=True)
            return
        await query.answer("Removed.")
        await msg.edit_reply_markup(reply_markup=None)
        await notify(bot, removed, "ℹ️ You've been removed from a family on this bot. Tap /start to set up your own.")
        await show_members(msg, who, household)
    elif action == "leave":
        await query.answer()
        last = await household.is_last(who.family_id)
        warning = (
            "You're the only caregiver, so leaving <b>erases your family's data for good</b>: children, schedule, "
            "prompts and answers. (Tip: /export first.)"
            if last
            else "You'll stop getting ideas. Your family carries on with the others."
        )
        await msg.answer(
            f"🚪 <b>Leave this family?</b>\n\n{warning}",
            parse_mode=HTML,
            reply_markup=K.kb([K.b("Yes, leave", _cb("leavey"))], [K.b("Stay", _cb("keep"))]),
        )
    elif action == "leavey":
        await query.answer()
        await msg.edit_reply_markup(reply_markup=None)
        if await household.is_last(who.family_id):
            await erase_family(who, families, therapists, bot)
            await msg.answer(T.DELETED)
            return
        left = await household.leave(who.family_id, who.caregiver_id)
        if left is None:
            await msg.answer(T.STEP_GONE)
            return
        await msg.answer("You've left the family. If you'd like ideas of your own, tap /start.")
        for chat in left.others:
            await notify(bot, chat, "ℹ️ A co-parent has left your family here. Everything else stays as it was.")
    elif action == "keep":
        await query.answer("Nothing changed.")
        await msg.edit_reply_markup(reply_markup=None)
    else:
        await query.answer(T.BUTTON_EXPIRED)


def setup() -> Router:
    router = Router(name="family")
    router.callback_query.register(member_button, MemberCb.filter(), Ready())
    router.callback_query.register(need_ready, MemberCb.filter())
    return router
