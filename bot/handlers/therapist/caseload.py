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
from bot.handlers.therapist.common import HTML, ApprovedTherapist, not_approved
from bot.handlers.util import cb_message
from bot.i18n import Translator
from bot.render import h
from bot.render_report import report_csv
from bot.render_therapist import client_text, clients_text, family_name, pending_lines, prompt_title
from bot.services.therapists import TherapistService, TherapistView


async def clients_cmd(
    message: Message, therapist: TherapistView, therapists: TherapistService, library: Library, t: Translator
) -> None:
    rows = await therapists.caseload(therapist.id)
    if not rows:
        await message.answer(t("therapist-no-families"), parse_mode=HTML)
        return
    text = clients_text(rows, therapist.timezone, library, t)
    buttons = [[K.b(family_name(t, c.label, c.link_id)[:40], ClientCb(link_id=c.link_id).pack())] for c in rows]
    await message.answer(text, parse_mode=HTML, reply_markup=K.kb(*buttons))


async def client_button(
    query: CallbackQuery,
    callback_data: ClientCb,
    therapist: TherapistView,
    therapists: TherapistService,
    library: Library,
    t: Translator,
) -> None:
    msg = cb_message(query)
    detail = await therapists.client(therapist.id, callback_data.link_id)
    if msg is None or detail is None:
        await query.answer(t("toast-caseload-not-yours"), show_alert=True)
        return
    await query.answer()
    await msg.answer(client_text(detail, therapist.timezone, library, t), parse_mode=HTML)


async def report_cmd(
    message: Message,
    therapist: TherapistView,
    therapists: TherapistService,
    clock: Clock,
    library: Library,
    t: Translator,
) -> None:
    """The CSV in the therapist's language, with their own library's titles and their own timezone."""
    rows = await therapists.report(therapist.id)
    data = report_csv(rows, therapist.timezone, library, t)
    today = clock.now().astimezone(ZoneInfo(therapist.timezone)).date().isoformat()
    await message.answer_document(
        BufferedInputFile(data, filename=t("report-filename", date=today)),
        caption=t("report-caption", zone=h(therapist.timezone)),
        parse_mode=HTML,
    )


async def _pending_screen(
    msg: Message, therapist: TherapistView, therapists: TherapistService, library: Library, t: Translator, edit: bool
) -> None:
    items = await therapists.pending(therapist.id)
    if not items:
        text, markup = t("pending-none"), None
    else:
        text = pending_lines(items, therapist.timezone, library, t)
        rows = []
        for p in items:
            label, title = family_name(t, p.label, p.link_id)[:20], prompt_title(p.ref, library, t)[:20]
            rows.append([K.b(t("btn-pending-cancel", label=label, title=title), PendingCb(assignment_id=p.id).pack())])
        markup = K.kb(*rows)
    if edit:
        await msg.edit_text(text, parse_mode=HTML, reply_markup=markup)
    else:
        await msg.answer(text, parse_mode=HTML, reply_markup=markup)


async def pending_cmd(
    message: Message, therapist: TherapistView, therapists: TherapistService, library: Library, t: Translator
) -> None:
    await _pending_screen(message, therapist, therapists, library, t, edit=False)


async def pending_cancel(
    query: CallbackQuery,
    callback_data: PendingCb,
    therapist: TherapistView,
    therapists: TherapistService,
    library: Library,
    t: Translator,
) -> None:
    msg = cb_message(query)
    if msg is None or not await therapists.cancel_pending(therapist.id, callback_data.assignment_id):
        await query.answer(t("toast-pending-gone"), show_alert=True)
        return
    await query.answer(t("toast-pending-cancelled"))
    await _pending_screen(msg, therapist, therapists, library, t, edit=True)


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
