"""/prompt and the buttons under a prompt: tried, skip, later, rating, and the optional note."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot import keyboards as K
from bot.callbacks import DeliveryCb
from bot.clock import Clock
from bot.handlers.states import Notes
from bot.handlers.util import Fresh, Ready, ask, cb_message, local, need_ready, when_local
from bot.handlers.views import send_prompt_now
from bot.i18n import Locales, Translator
from bot.render import delivery_text, h, prompt_keyboard, status_line
from bot.sender import Sender
from bot.services.answers import NOTE_MAX, DeliveryContent
from bot.services.deliveries import DeliveryService
from bot.services.families import FamilyService, Who
from bot.services.therapists import TherapistService
from bot.tips import Tips, tip_for

log = logging.getLogger(__name__)
HTML = ParseMode.HTML


async def prompt_cmd(
    message: Message, state: FSMContext, who: Who, deliveries: DeliveryService, sender: Sender, t: Translator
) -> None:
    await state.clear()
    await send_prompt_now(message, who, deliveries, sender, t)


async def _refresh(
    query: CallbackQuery,
    content: DeliveryContent | None,
    delivery_id: int,
    outcome: str | None,
    rating: int | None,
    t: Translator,
) -> None:
    """Show the answer on the prompt itself. Telegram refuses an edit that changes nothing; that's fine."""
    msg = cb_message(query)
    if msg is None or content is None:
        return
    try:
        await msg.edit_text(
            delivery_text(content, t, status=status_line(outcome, rating, t)),
            parse_mode=HTML,
            reply_markup=prompt_keyboard(delivery_id, outcome, t=t),
        )
    except TelegramBadRequest as exc:
        # "not modified" is normal on a repeated press; "not found" means the parent deleted the message.
        # The answer is saved either way.
        if "message is not modified" not in exc.message:
            log.info("could not update a prompt message: %s", exc.message)


async def prompt_button(
    query: CallbackQuery,
    callback_data: DeliveryCb,
    state: FSMContext,
    who: Who | None,
    deliveries: DeliveryService,
    families: FamilyService,
    therapists: TherapistService,
    tips: Tips,
    clock: Clock,
    t: Translator,
    locales: Locales,
) -> None:
    action, delivery_id, arg = callback_data.action, callback_data.delivery_id, callback_data.arg
    if action not in {"t", "s", "l", "r", "n"} or (arg is not None) != (action == "r"):
        await query.answer(t("button-expired"))
        return
    d = await deliveries.owned(who.family_id, delivery_id) if who else None
    if who is None or d is None:
        await query.answer(t("button-not-yours"), show_alert=True)
        return
    # "sending": the message has reached the chat but the engine's batched writer hasn't marked it yet.
    if d.status not in ("sent", "sending"):
        await query.answer(t("not-sent-yet"))
        return
    content = await deliveries.content_for(delivery_id)
    # The prompt in the words of whoever pressed: co-parents may read different languages.
    content = locales.localize(content, t.locale) if content is not None else None
    msg = cb_message(query)

    if action == "l":
        when = await deliveries.later(who.family_id, delivery_id)
        if when is None:
            await query.answer(t("not-sent-yet"))
            return
        view = await families.view(who.family_id)
        await query.answer(t("toast-later-ok", when=t.time(local(when, view.timezone))))
        if msg:
            await msg.answer(t("later-ok", when=when_local(when, view.timezone, t)), parse_mode=HTML)
        return

    if action == "n":
        await query.answer()
        await state.clear()
        if msg:
            await msg.edit_reply_markup(reply_markup=None)
            await msg.answer(t("note-skipped"), parse_mode=HTML)
        return

    if action == "r" and arg not in (1, 2, 3):
        await query.answer(t("button-expired"))
        return
    outcome = {"t": "tried", "s": "skipped"}.get(action)
    ans = await deliveries.answer(
        who.family_id, who.caregiver_id, delivery_id, outcome=outcome, rating=arg if action == "r" else None
    )
    if ans is None:
        await query.answer(t("not-sent-yet"))
        return
    # Answer the press first: whatever happens to the edit, the button must not keep spinning.
    thanks = {"t": "toast-thanks-tried", "s": "toast-thanks-skipped"}.get(action, "toast-thanks")
    await query.answer(t(thanks))
    await _refresh(query, content, delivery_id, ans.outcome, ans.rating, t)
    if action == "s":
        await state.clear()
    elif action == "r" and arg is not None:
        # Follow up once: after the first rating, while there is no note yet. The question fits the answer.
        first_rating = d.response is None or d.response.rating is None
        if msg and ans.note is None and first_rating:
            await ask(state, clock, Notes.awaiting, delivery_id=delivery_id)
            await msg.answer(
                await follow_up(arg, d.skill, delivery_id, who, therapists, tips, t),
                parse_mode=HTML,
                reply_markup=K.note_skip(delivery_id, t),
            )


async def follow_up(
    rating: int, skill: str | None, delivery_id: int, who: Who, therapists: TherapistService, tips: Tips, t: Translator
) -> str:
    """Went well asks what helped; mixed asks what to keep; hard gives one tip for the skill, then asks.
    The privacy line says who will read the note, from each link's real setting."""
    tip = tip_for(tips, skill, delivery_id) or t("tip-default")
    question = t(f"follow-up-{rating}", tip=h(tip))
    sharing = await therapists.sharing_notes_with(who.family_id)
    privacy = t("note-shared", names=t.join([h(n) for n in sharing])) if sharing else t("note-private")
    return f"{question}\n\n{t('note-invite', privacy=privacy)}"


async def note_typed(
    message: Message, state: FSMContext, who: Who | None, deliveries: DeliveryService, t: Translator
) -> None:
    data = await state.get_data()
    delivery_id = data.get("delivery_id")
    if who is None or not isinstance(delivery_id, int):
        await state.clear()
        return
    text = message.text or ""
    if len(text) > NOTE_MAX:
        await message.answer(t("note-too-long"), parse_mode=HTML)
        return
    ans = await deliveries.answer(who.family_id, who.caregiver_id, delivery_id, note=text)
    await state.clear()
    await message.answer(t("note-saved") if ans else t("not-sent-yet"), parse_mode=HTML)


def setup() -> Router:
    router = Router(name="prompts")
    router.message.register(prompt_cmd, Command("prompt"), Ready())
    router.message.register(need_ready, Command("prompt"))
    router.callback_query.register(prompt_button, DeliveryCb.filter())
    router.message.register(note_typed, StateFilter(Notes.awaiting), F.text, ~F.text.startswith("/"), Fresh())
    return router
