"""Therapists and admins: requests and approval, invites and consent, /assign, /clients, /report, revocation.

Every button names an id; each handler re-checks on the server that the caller may act on it.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
)

from bot import keyboards as K
from bot.clock import Clock
from bot.config import Settings
from bot.content import SKILL_LABELS, Library, Skill
from bot.domain.parsing import parse_timezone
from bot.handlers.states import AssignFlow, TherapistRequest
from bot.handlers.util import Fresh, ask, cb_message, parse_int, when_local
from bot.render import fit, h, outcome_label
from bot.services.families import FamilyService, Who
from bot.services.therapists import CUSTOM_MAX, NOTE_MAX, InviteProblem, TherapistService, TherapistView, When

log = logging.getLogger(__name__)
router = Router(name="therapist")
HTML = ParseMode.HTML

PARENT_COMMANDS = [
    ("prompt", "An idea to try now"),
    ("history", "What you've tried so far"),
    ("help_now", "Help with a hard moment"),
    ("settings", "Time, days, timezone, children, reminders"),
    ("mytherapist", "Your therapist links"),
    ("help", "What I can do"),
]
THERAPIST_COMMANDS = [
    ("clients", "Your linked families"),
    ("assign", "Push a prompt for the week"),
    ("invite", "Invite a client family"),
    ("report", "CSV of your caseload's outcomes"),
]
ADMIN_COMMANDS = [("therapists", "Therapist requests and approvals")]

INVITE_PROBLEMS = {
    InviteProblem.unknown: "I don't recognise that invite link. Please ask your therapist for a new one.",
    InviteProblem.expired: "That invite link has expired (links last 7 days). Please ask your therapist for a new one.",
    InviteProblem.used: "That invite link has already been used. Each link works once — ask for a new one if needed.",
    InviteProblem.therapist_inactive: "That therapist can't link families on this bot right now.",
    InviteProblem.own_family_already: "You're already linked with this therapist.",
}


def _commands(*groups: list[tuple[str, str]]) -> list[BotCommand]:
    seen: dict[str, str] = {}
    for group in groups:
        for cmd, desc in group:
            seen.setdefault(cmd, desc)
    return [BotCommand(command=c, description=d) for c, d in seen.items()]


async def sync_commands(bot: Bot, chat_id: int, *, therapist: bool, admin: bool) -> None:
    """Per-chat command lists: only approved therapists (and admins) see their commands."""
    scope = BotCommandScopeChat(chat_id=chat_id)
    try:
        if not therapist and not admin:
            await bot.delete_my_commands(scope=scope)
            return
        groups = [PARENT_COMMANDS]
        if therapist:
            groups.append(THERAPIST_COMMANDS)
        if admin:
            groups.append(ADMIN_COMMANDS)
        await bot.set_my_commands(_commands(*groups), scope=scope)
    except TelegramAPIError as exc:  # an admin who never opened the chat can't get per-chat commands yet
        log.info("could not set commands for a chat: %s", type(exc).__name__)


async def notify(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    try:
        await bot.send_message(chat_id, text, parse_mode=HTML, reply_markup=markup)
    except TelegramAPIError as exc:
        log.info("notification not delivered: %s", type(exc).__name__)


async def _approved(message: Message, therapists: TherapistService) -> TherapistView | None:
    user = message.from_user
    t = await therapists.approved(user.id) if user else None
    if t is None:
        await message.answer("That command is for therapists approved on this bot. Ask to join with /therapist.")
    return t


# ---- becoming a therapist ------------------------------------------------------------------------------


@router.message(Command("therapist"))
async def therapist_cmd(message: Message, state: FSMContext, therapists: TherapistService, settings: Settings) -> None:
    user = message.from_user
    if user is None:
        return
    current = await therapists.get(user.id)
    if current and current.status == "approved":
        await message.answer(
            f"You're an approved therapist as <b>{h(current.display_name)}</b>.\n\n"
            "/invite — a link for a client family\n/clients — your caseload\n/assign — a prompt for the week\n"
            "/report — a CSV of outcomes",
            parse_mode=HTML,
        )
        return
    if current and current.status == "pending":
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


@router.message(StateFilter(TherapistRequest.name), F.text, ~F.text.startswith("/"))
async def therapist_name(message: Message, state: FSMContext, settings: Settings) -> None:
    name = " ".join((message.text or "").split())
    if not name or len(name) > 64:
        await message.answer("Please send a name of up to 64 characters.")
        return
    await state.update_data(name=name)
    await state.set_state(TherapistRequest.timezone)
    await message.answer(
        "Which timezone are you in? Your weekly digest comes on Monday at 08:00 there. Type a zone or a city, or tap:",
        reply_markup=K.kb([K.b(settings.default_timezone, f"tr:tz:{settings.default_timezone}")]),
    )


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
    await msg.answer("Thank you! Your request has gone to the admins. I'll let you know when they decide.")
    markup = K.kb([K.b("✅ Approve", f"adm:ok:{t.id}"), K.b("✖ Decline", f"adm:no:{t.id}")])
    for admin in therapists.admin_ids:
        await notify(
            bot,
            admin,
            f"🧑‍⚕️ <b>Therapist request</b>\nName: {h(t.display_name)}\nTelegram id: <code>{t.telegram_id}</code>\n"
            f"Timezone: {t.timezone}",
            markup,
        )


@router.message(StateFilter(TherapistRequest.timezone), F.text, ~F.text.startswith("/"))
async def therapist_tz_typed(message: Message, state: FSMContext, therapists: TherapistService, bot: Bot) -> None:
    zone = parse_timezone((message.text or "")[:100])
    if zone is None or message.from_user is None:
        await message.answer("I don't know that timezone. Try a zone like Europe/Berlin or a big city near you.")
        return
    await _send_request(message, state, message.from_user.id, zone, therapists, bot)


@router.callback_query(F.data.startswith("tr:tz:"), StateFilter(TherapistRequest.timezone))
async def therapist_tz_button(query: CallbackQuery, state: FSMContext, therapists: TherapistService, bot: Bot) -> None:
    zone = parse_timezone((query.data or "")[6:])
    msg = cb_message(query)
    if zone is None or msg is None:
        await query.answer("This button has expired.")
        return
    await query.answer()
    await _send_request(msg, state, query.from_user.id, zone, therapists, bot)


# ---- admins ------------------------------------------------------------------------------------------


@router.callback_query(F.data.startswith("adm:"))
async def admin_button(query: CallbackQuery, therapists: TherapistService, bot: Bot) -> None:
    parts = (query.data or "").split(":")
    therapist_id = parse_int(parts[2]) if len(parts) == 3 else None
    if query.from_user.id not in therapists.admin_ids:
        await query.answer("Only an admin of this bot can do that.", show_alert=True)
        return
    if therapist_id is None or parts[1] not in ("ok", "no", "rv"):
        await query.answer("This button has expired.")
        return
    if parts[1] == "rv":
        t = await therapists.revoke(query.from_user.id, therapist_id)
        if t is None:
            await query.answer("Nothing to revoke: that therapist isn't approved.", show_alert=True)
            return
        await query.answer(f"Revoked {t.display_name}.")
        await sync_commands(bot, t.telegram_id, therapist=False, admin=t.telegram_id in therapists.admin_ids)
        await notify(bot, t.telegram_id, "Your therapist access on this bot has been withdrawn by an admin.")
    else:
        t = await therapists.decide(query.from_user.id, therapist_id, parts[1] == "ok")
        if t is None:
            await query.answer("That request was already decided.", show_alert=True)
            return
        await query.answer("Approved." if t.status == "approved" else "Declined.")
        if t.status == "approved":
            await sync_commands(bot, t.telegram_id, therapist=True, admin=t.telegram_id in therapists.admin_ids)
            await notify(
                bot,
                t.telegram_id,
                "✅ <b>You're approved as a therapist.</b>\n\n/invite — a link for a client family\n"
                "/clients — your caseload\n/assign — a prompt for the week\n/report — a CSV of outcomes",
            )
        else:
            await notify(bot, t.telegram_id, "Your request to join as a therapist was not approved this time.")
    if msg := cb_message(query):
        await msg.edit_reply_markup(reply_markup=None)


@router.message(Command("therapists"))
async def therapists_cmd(message: Message, therapists: TherapistService) -> None:
    if message.from_user is None or message.from_user.id not in therapists.admin_ids:
        await message.answer("That command is for the bot's admins.")
        return
    rows = await therapists.all()
    if not rows:
        await message.answer("No therapist requests yet.")
        return
    lines = ["🧑‍⚕️ <b>Therapists</b>", ""]
    buttons = []
    for t in rows:
        lines.append(f"• {h(t.display_name)} — {t.status}")
        if t.status == "approved":
            buttons.append([K.b(f"Revoke {t.display_name[:40]}", f"adm:rv:{t.id}")])
        elif t.status == "pending":
            buttons.append([K.b(f"✅ {t.display_name[:30]}", f"adm:ok:{t.id}"), K.b("✖ Decline", f"adm:no:{t.id}")])
    await message.answer(fit("\n".join(lines)), parse_mode=HTML, reply_markup=K.kb(*buttons) if buttons else None)


# ---- invites and consent ------------------------------------------------------------------------------


@router.message(Command("invite"))
async def invite_cmd(message: Message, command: CommandObject, therapists: TherapistService, bot: Bot) -> None:
    t = await _approved(message, therapists)
    if t is None:
        return
    label = (command.args or "").strip() or None
    if label and len(label) > 64:
        await message.answer("Please keep the family's label under 64 characters.")
        return
    made = await therapists.create_invite(t.telegram_id, label)
    assert made is not None
    code, expires = made
    me = await bot.me()
    link = f"https://t.me/{me.username}?start=c_{code}"
    await message.answer(
        "🔗 <b>Client invite</b>" + (f" for {h(label)}" if label else "") + "\n\n"
        f"{link}\n\nSend this link to the family. It works once and expires on "
        f"{when_local(expires, t.timezone)}. They'll see exactly what you'll see, and choose.\n"
        "Tip: <code>/invite Rivera family</code> labels the family in your caseload.",
        parse_mode=HTML,
    )


def consent_text(name: str) -> str:
    n = h(name)
    return (
        f"🤝 <b>{n}</b> would like to follow how your family is doing between sessions.\n\n"
        f"<b>If you accept, {n} will see:</b>\n"
        "• which prompts were sent to you\n"
        "• whether you tried or skipped each one\n"
        "• how it went (your 3-point answer)\n\n"
        f"{n} will <b>not</b> see your notes unless you turn on note sharing in /mytherapist. "
        f"{n} can also send you a prompt for the week. Nothing from before today is shared.\n\n"
        "You can stop sharing at any time with /mytherapist, and it stops at once."
    )


async def show_consent(msg: Message, code: str, therapists: TherapistService) -> None:
    found = await therapists.invite(code)
    if isinstance(found, InviteProblem):
        await msg.answer(INVITE_PROBLEMS[found])
        return
    await msg.answer(
        consent_text(found.therapist_name),
        parse_mode=HTML,
        reply_markup=K.kb([K.b("✅ Accept", f"lk:ok:{code}"), K.b("✖ Decline", f"lk:no:{code}")]),
    )


@router.callback_query(F.data.startswith("lk:ok:") | F.data.startswith("lk:no:"))
async def consent_button(query: CallbackQuery, who: Who | None, therapists: TherapistService, bot: Bot) -> None:
    msg = cb_message(query)
    code = (query.data or "")[6:]
    if msg is None or who is None or not who.onboarded:
        await query.answer("Please finish setting up first: /start", show_alert=True)
        return
    if (query.data or "").startswith("lk:no:"):
        await query.answer()
        await msg.edit_reply_markup(reply_markup=None)
        await msg.answer("No problem — nothing is shared. You can carry on just as before.")
        return
    result = await therapists.accept(who.family_id, code)
    if isinstance(result, InviteProblem):
        await query.answer(INVITE_PROBLEMS[result], show_alert=True)
        return
    await query.answer("Linked.")
    await msg.edit_reply_markup(reply_markup=None)
    await msg.answer(
        f"✅ You're now sharing with <b>{h(result.therapist_name)}</b>. Stop any time with /mytherapist.",
        parse_mode=HTML,
    )
    await notify(bot, result.therapist_telegram_id, f"🤝 {h(result.label)} accepted your invite. See /clients.")


# ---- the family's view of its links --------------------------------------------------------------------


async def show_links(msg: Message, who: Who, therapists: TherapistService, share_notes: bool) -> None:
    links = await therapists.family_links(who.family_id)
    if not links:
        await msg.answer("You're not sharing with any therapist. If yours sends you an invite link, open it here.")
        return
    lines = ["🤝 <b>Sharing with</b>", ""]
    lines += [f"• {h(link.therapist_name)} — since {link.accepted_at.strftime('%d %b %Y')}" for link in links]
    lines += ["", f"Notes shared: <b>{'yes' if share_notes else 'no'}</b>"]
    buttons = [[K.b(f"Stop sharing with {link.therapist_name[:30]}", f"lk:rv:{link.id}")] for link in links]
    buttons.append([K.b("Don't share notes" if share_notes else "Share my notes too", "lk:notes")])
    await msg.answer("\n".join(lines), parse_mode=HTML, reply_markup=K.kb(*buttons))


@router.message(Command("mytherapist"))
async def mytherapist_cmd(
    message: Message, who: Who | None, therapists: TherapistService, families: FamilyService
) -> None:
    if who is None or not who.onboarded:
        await message.answer("Let's get you set up first: tap /start.")
        return
    await show_links(message, who, therapists, await families.share_notes(who.family_id))


@router.callback_query(F.data.startswith("lk:rv:") | (F.data == "lk:notes"))
async def link_button(
    query: CallbackQuery, who: Who | None, therapists: TherapistService, families: FamilyService, bot: Bot
) -> None:
    msg = cb_message(query)
    if msg is None or who is None or not who.onboarded:
        await query.answer("That button isn't one of yours.", show_alert=True)
        return
    if query.data == "lk:notes":
        share = not await families.share_notes(who.family_id)
        await therapists.set_share_notes(who.family_id, share)
        await query.answer("Notes are shared now." if share else "Notes are private now.")
        await show_links(msg, who, therapists, share)
        return
    link_id = parse_int((query.data or "")[6:])
    revoked = await therapists.revoke_link(who.family_id, link_id) if link_id is not None else None
    if revoked is None:
        await query.answer("That button isn't one of yours.", show_alert=True)
        return
    await query.answer("Stopped.")
    await msg.answer(f"Done — {h(revoked.therapist_name)} no longer sees anything from your family.", parse_mode=HTML)
    await notify(bot, revoked.therapist_telegram_id, f"{h(revoked.label)} has stopped sharing with you.")


# ---- caseload -------------------------------------------------------------------------------------------


@router.message(Command("clients"))
async def clients_cmd(message: Message, therapists: TherapistService) -> None:
    t = await _approved(message, therapists)
    if t is None:
        return
    rows = await therapists.caseload(t.id)
    if not rows:
        await message.answer("No linked families yet. Create an invite with /invite.")
        return
    lines = ["👥 <b>Your families</b> — last 4 weeks", ""]
    for c in rows:
        last = when_local(c.last_activity, t.timezone) if c.last_activity else "no activity yet"
        lines.append(f"• <b>{h(c.label)}</b>: sent {c.sent}, tried {c.tried}, skipped {c.skipped} · last: {last}")
    buttons = [[K.b(c.label[:40], f"cl:{c.link_id}")] for c in rows]
    await message.answer(fit("\n".join(lines)), parse_mode=HTML, reply_markup=K.kb(*buttons))


@router.callback_query(F.data.startswith("cl:"))
async def client_button(query: CallbackQuery, therapists: TherapistService) -> None:
    msg = cb_message(query)
    t = await therapists.approved(query.from_user.id)
    link_id = parse_int((query.data or "")[3:])
    detail = await therapists.client(t.id, link_id) if (t and link_id is not None) else None
    if msg is None or t is None or detail is None:
        await query.answer("That family isn't in your caseload.", show_alert=True)
        return
    await query.answer()
    s = detail.summary
    lines = [f"👪 <b>{h(s.label)}</b> — sent {s.sent}, tried {s.tried}, skipped {s.skipped}", ""]
    for item in detail.items:
        when = when_local(item.sent_at, t.timezone).split(" at ")[0]
        mark = "🧑‍⚕️ " if item.from_therapist else ""
        result = outcome_label(item.outcome, item.rating, "· no answer")
        lines.append(f"• {when} — {mark}{h(item.title)} — {result}")
        if item.note:
            lines.append(f"   📝 <i>{h(item.note)}</i>")
    if not detail.items:
        lines.append("Nothing sent since they linked.")
    if not detail.notes_shared:
        lines += ["", "<i>This family keeps its notes private.</i>"]
    await msg.answer(fit("\n".join(lines)), parse_mode=HTML)


@router.message(Command("report"))
async def report_cmd(message: Message, therapists: TherapistService, clock: Clock) -> None:
    t = await _approved(message, therapists)
    if t is None:
        return
    data = await therapists.report_csv(t.id)
    name = f"caseload-{clock.now().astimezone(ZoneInfo(t.timezone)).date().isoformat()}.csv"
    await message.answer_document(BufferedInputFile(data, filename=name), caption="Your caseload's outcomes.")


# ---- /assign --------------------------------------------------------------------------------------------


@router.message(Command("assign"))
async def assign_cmd(message: Message, state: FSMContext, therapists: TherapistService) -> None:
    t = await _approved(message, therapists)
    if t is None:
        return
    links = await therapists.links(t.id)
    if not links:
        await message.answer("No linked families yet. Create an invite with /invite.")
        return
    await state.clear()
    await state.set_state(AssignFlow.target)
    rows = [[K.b(label[:40], f"as:f:{link_id}")] for link_id, label in links]
    rows.append([K.b(f"👥 Whole caseload ({len(links)})", "as:f:all")])
    await message.answer("📌 <b>Assign a prompt.</b> Who is it for?", parse_mode=HTML, reply_markup=K.kb(*rows))


SOURCE_KB = K.kb(
    [K.b("📚 Browse the library", "as:src:lib")],
    [K.b("🔎 Search by words", "as:src:find")],
    [K.b("✍️ Write my own", "as:src:own")],
)
WHEN_KB = K.kb(
    [K.b("This week", "as:w:this"), K.b("Next week", "as:w:next")],
    [K.b("Send now", "as:w:now")],
)


def _prompt_buttons(prompts: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    return K.kb(*[[K.b(title[:60], f"as:p:{i}")] for i, title in prompts])


@router.callback_query(F.data.startswith("as:"))
async def assign_button(
    query: CallbackQuery, state: FSMContext, therapists: TherapistService, library: Library, clock: Clock
) -> None:
    msg = cb_message(query)
    t = await therapists.approved(query.from_user.id)
    if msg is None or t is None:
        await query.answer("That's for approved therapists only.", show_alert=True)
        return
    current = await state.get_state()
    parts = (query.data or "").split(":")
    step = parts[1] if len(parts) > 1 else ""
    expected = {
        "f": AssignFlow.target.state,
        "src": AssignFlow.source.state,
        "b": AssignFlow.source.state,
        "s": AssignFlow.source.state,
        "p": AssignFlow.source.state,
        "nonote": AssignFlow.note.state,
        "w": AssignFlow.when.state,
    }.get(step)
    if expected is None or (current != expected and not (step == "p" and current == AssignFlow.search.state)):
        await query.answer("That step has passed. Start again with /assign.", show_alert=True)
        return
    await query.answer()
    arg = parts[2] if len(parts) > 2 else ""
    if step == "f":
        links = dict(await therapists.links(t.id))
        target_id = parse_int(arg)
        if arg != "all" and (target_id is None or target_id not in links):
            await msg.answer("That family isn't in your caseload.")
            return
        await state.update_data(targets="all" if arg == "all" else [target_id])
        await state.set_state(AssignFlow.source)
        await msg.answer("What would you like to send?", reply_markup=SOURCE_KB)
    elif step == "src" and arg == "lib":
        await msg.answer(
            "Which age band?",
            reply_markup=K.kb([K.b(b.name, f"as:b:{b.id}") for b in library.bands]),
        )
    elif step == "src" and arg == "find":
        await ask(state, clock, AssignFlow.search)
        await msg.answer("Type a few words, like <i>sibling fight</i> or <i>bedtime fears</i>.", parse_mode=HTML)
    elif step == "src" and arg == "own":
        await ask(state, clock, AssignFlow.own)
        await msg.answer(f"Type the prompt as the family should read it (up to {CUSTOM_MAX} characters).")
    elif step == "b" and arg in library.by_band:
        skills = sorted({p.skill for p in library.by_band[arg]}, key=list(Skill).index)
        rows = [[K.b(SKILL_LABELS[s], f"as:s:{arg}:{s.value}")] for s in skills]
        await msg.answer("Which skill?", reply_markup=K.kb(*rows))
    elif step == "s" and len(parts) == 4 and parts[2] in library.by_band:
        chosen = [p for p in library.by_band[parts[2]] if p.skill.value == parts[3]][:12]
        if not chosen:
            await msg.answer("No prompts there. Try another skill.")
            return
        await state.update_data(shown=[p.id for p in chosen])
        await msg.answer("Pick a prompt:", reply_markup=_prompt_buttons([(i, p.title) for i, p in enumerate(chosen)]))
    elif step == "p":
        shown = (await state.get_data()).get("shown") or []
        index = parse_int(arg)
        if index is None or index >= len(shown) or shown[index] not in library.prompts:
            await msg.answer("That choice has expired. Start again with /assign.")
            return
        prompt = library.prompts[shown[index]]
        await state.update_data(prompt_id=prompt.id, custom=None)
        await _ask_note(msg, state, clock, f"📚 {h(prompt.title)} ({library.band(prompt.band).name})")
    elif step == "nonote":
        await state.update_data(note=None)
        await state.set_state(AssignFlow.when)
        await msg.answer("When should it go out?", reply_markup=WHEN_KB)
    elif step == "w" and arg in {w.value for w in When}:
        await _finish_assign(msg, state, t, therapists, When(arg))
    else:
        await msg.answer("That button has expired. Start again with /assign.")


async def _ask_note(msg: Message, state: FSMContext, clock: Clock, chosen: str) -> None:
    await ask(state, clock, AssignFlow.note)
    await msg.answer(
        f"Chosen: {chosen}\n\nAdd a short note for the family? Type it (up to {NOTE_MAX} characters), or tap Skip.",
        parse_mode=HTML,
        reply_markup=K.kb([K.b("Skip", "as:nonote")]),
    )


@router.message(StateFilter(AssignFlow.search), F.text, ~F.text.startswith("/"), Fresh())
async def assign_search(message: Message, state: FSMContext, therapists: TherapistService, library: Library) -> None:
    found = therapists.search((message.text or "")[:200])
    if not found:
        await message.answer("Nothing matched those words. Try others, or /assign to browse.")
        return
    await state.update_data(shown=[p.id for p in found])
    await message.answer(
        "Pick a prompt:",
        reply_markup=_prompt_buttons([(i, f"{p.title} · {library.band(p.band).name}") for i, p in enumerate(found)]),
    )


@router.message(StateFilter(AssignFlow.own), F.text, ~F.text.startswith("/"), Fresh())
async def assign_own(message: Message, state: FSMContext, clock: Clock) -> None:
    text = (message.text or "").strip()
    if len(text) > CUSTOM_MAX:
        await message.answer(f"That's {len(text)} characters; please keep it to {CUSTOM_MAX}.")
        return
    if len(text) < 10:
        await message.answer("Could you write a little more, so the family knows what to try?")
        return
    await state.update_data(custom=text, prompt_id=None)
    await _ask_note(message, state, clock, "✍️ your own prompt")


@router.message(StateFilter(AssignFlow.note), F.text, ~F.text.startswith("/"), Fresh())
async def assign_note(message: Message, state: FSMContext) -> None:
    note = (message.text or "").strip()
    if len(note) > NOTE_MAX:
        await message.answer(f"Please keep the note to {NOTE_MAX} characters.")
        return
    await state.update_data(note=note or None)
    await state.set_state(AssignFlow.when)
    await message.answer("When should it go out?", reply_markup=WHEN_KB)


async def _finish_assign(
    msg: Message, state: FSMContext, t: TherapistView, therapists: TherapistService, when: When
) -> None:
    data = await state.get_data()
    await state.clear()
    targets = data.get("targets")
    link_ids = None if targets == "all" else [i for i in (targets or []) if isinstance(i, int)]
    try:
        families = await therapists.assign(
            t.telegram_id,
            link_ids,
            prompt_id=data.get("prompt_id"),
            custom_text=data.get("custom"),
            note=data.get("note"),
            when=when,
        )
    except ValueError:
        await msg.answer("Something in that prompt didn't fit. Please start again with /assign.")
        return
    if not families:
        await msg.answer("That family is no longer linked with you, so nothing was sent.")
        return
    plural = "family" if len(families) == 1 else "families"
    timing = {
        When.now: "It goes out within a minute.",
        When.this_week: "It arrives at each family's next prompt time this week, in place of the usual one.",
        When.next_week: "It arrives at each family's first prompt time next week, in place of the usual one.",
    }[when]
    await msg.answer(f"✅ Assigned to {len(families)} {plural}. {timing}")
