"""The therapist's caseload: /clients with each family's detail, /report as CSV, /pending with cancel."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot import keyboards as K
from bot.callbacks import ClientCb, PendingCb
from bot.clock import Clock
from bot.content import Library
from bot.handlers.therapist.common import HTML, NOT_APPROVED, ApprovedTherapist
from bot.handlers.util import cb_message, when_local
from bot.render import fit, h, outcome_label, skill_label
from bot.render_therapist import ages_text, when_short
from bot.services.therapists import TherapistService, TherapistView


async def clients_cmd(
    message: Message, therapist: TherapistView, therapists: TherapistService, library: Library
) -> None:
    rows = await therapists.caseload(therapist.id)
    if not rows:
        await message.answer("No linked families yet. Create an invite with /invite.")
        return
    lines = ["👥 <b>Your families</b> — last 4 weeks", ""]
    for c in rows:
        last = when_local(c.last_activity, therapist.timezone) if c.last_activity else "no activity yet"
        lines += [
            f"• <b>{h(c.label)}</b> — {h(ages_text(c, library))}",
            f"   sent {c.sent}, tried {c.tried}, skipped {c.skipped} · last: {last}",
            f"   this week from you: {h(c.this_week) if c.this_week else 'nothing yet (/assign)'}",
        ]
    buttons = [[K.b(c.label[:40], ClientCb(link_id=c.link_id).pack())] for c in rows]
    await message.answer(fit("\n".join(lines)), parse_mode=HTML, reply_markup=K.kb(*buttons))


async def client_button(
    query: CallbackQuery, callback_data: ClientCb, therapist: TherapistView, therapists: TherapistService
) -> None:
    msg = cb_message(query)
    detail = await therapists.client(therapist.id, callback_data.link_id)
    if msg is None or detail is None:
        await query.answer("That family isn't in your caseload.", show_alert=True)
        return
    await query.answer()
    s = detail.summary
    lines = [f"👪 <b>{h(s.label)}</b> — sent {s.sent}, tried {s.tried}, skipped {s.skipped}", ""]
    for item in detail.items:
        when = when_local(item.sent_at, therapist.timezone).split(" at ")[0]
        mark = "🧑‍⚕️ " if item.from_therapist else ""
        skill = f" ({skill_label(item.skill)})" if item.skill else ""
        result = outcome_label(item.outcome, item.rating, "no answer")
        lines.append(f"• {when} — {mark}{h(item.title)}{skill} — {result}")
        if item.note:
            lines.append(f"   📝 <i>{h(item.note)}</i>")
    if not detail.items:
        lines.append("Nothing sent since they linked.")
    if not detail.notes_shared:
        lines += ["", "<i>This family keeps its notes private.</i>"]
    await msg.answer(fit("\n".join(lines)), parse_mode=HTML)


async def report_cmd(message: Message, therapist: TherapistView, therapists: TherapistService, clock: Clock) -> None:
    data = await therapists.report_csv(therapist.id)
    name = f"caseload-{clock.now().astimezone(ZoneInfo(therapist.timezone)).date().isoformat()}.csv"
    await message.answer_document(
        BufferedInputFile(data, filename=name), caption=f"Your caseload's outcomes (times in {therapist.timezone})."
    )


async def _pending_screen(msg: Message, therapist: TherapistView, therapists: TherapistService, edit: bool) -> None:
    items = await therapists.pending(therapist.id)
    if not items:
        text, markup = "Nothing waiting to go out. Push a prompt with /assign.", None
    else:
        lines = ["⏳ <b>Waiting to go out</b>", ""]
        lines += [f"• {h(p.label)} — {h(p.title)} — {when_short(p.deliver_at, therapist.timezone)}" for p in items]
        text = fit("\n".join(lines))
        markup = K.kb(
            *[[K.b(f"✖ Cancel: {p.label[:20]} · {p.title[:20]}", PendingCb(assignment_id=p.id).pack())] for p in items]
        )
    if edit:
        await msg.edit_text(text, parse_mode=HTML, reply_markup=markup)
    else:
        await msg.answer(text, parse_mode=HTML, reply_markup=markup)


async def pending_cmd(message: Message, therapist: TherapistView, therapists: TherapistService) -> None:
    await _pending_screen(message, therapist, therapists, edit=False)


async def pending_cancel(
    query: CallbackQuery, callback_data: PendingCb, therapist: TherapistView, therapists: TherapistService
) -> None:
    msg = cb_message(query)
    if msg is None or not await therapists.cancel_pending(therapist.id, callback_data.assignment_id):
        await query.answer("That prompt isn't waiting any more.", show_alert=True)
        return
    await query.answer("Cancelled.")
    await _pending_screen(msg, therapist, therapists, edit=True)


async def not_approved(event: Message | CallbackQuery) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer("That's for approved therapists only.", show_alert=True)
    else:
        await event.answer(NOT_APPROVED)


def setup() -> Router:
    router = Router(name="therapist.caseload")
    approved = ApprovedTherapist()
    router.message.register(clients_cmd, Command("clients"), approved)
    router.message.register(report_cmd, Command("report"), approved)
    router.message.register(pending_cmd, Command("pending"), approved)
    router.message.register(not_approved, Command("clients", "report", "pending"))
    router.callback_query.register(client_button, ClientCb.filter(), approved)
    router.callback_query.register(pending_cancel, PendingCb.filter(), approved)
    router.callback_query.register(not_approved, ClientCb.filter())
    router.callback_query.register(not_approved, PendingCb.filter())
    return router
