"""/assign: who it is for, a library prompt (browse with a preview, or search) or the therapist's own words,
an optional note, and when."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot import keyboards as K
from bot.callbacks import AssignCb
from bot.clock import Clock
from bot.content import Library, Skill
from bot.handlers.states import AssignFlow
from bot.handlers.therapist.common import HTML, ApprovedTherapist, not_approved
from bot.handlers.util import Fresh, ask, cb_message, parse_int
from bot.i18n import Translator
from bot.render import h, prompt_text, skill_label
from bot.render_therapist import family_name
from bot.services.therapists import CUSTOM_MAX, NOTE_MAX, TherapistService, TherapistView, When


def _cb(step: str, arg: str = "", extra: str = "") -> str:
    return AssignCb(step=step, arg=arg, extra=extra).pack()


def source_kb(t: Translator) -> InlineKeyboardMarkup:
    return K.kb(
        [K.b(t("btn-assign-library"), _cb("src", "lib"))],
        [K.b(t("btn-assign-search"), _cb("src", "find"))],
        [K.b(t("btn-assign-own"), _cb("src", "own"))],
    )


def when_kb(t: Translator) -> InlineKeyboardMarkup:
    return K.kb(
        [
            K.b(t("btn-assign-this-week"), _cb("w", When.this_week.value)),
            K.b(t("btn-assign-next-week"), _cb("w", When.next_week.value)),
        ],
        [K.b(t("btn-assign-now"), _cb("w", When.now.value))],
    )


TIMING = {When.now: "assign-timing-now", When.this_week: "assign-timing-this", When.next_week: "assign-timing-next"}
# Which step each button belongs to; a button from a step that has passed is refused kindly.
EXPECTED = {
    "f": {AssignFlow.target.state},
    "src": {AssignFlow.source.state},
    "b": {AssignFlow.source.state},
    "s": {AssignFlow.source.state},
    "p": {AssignFlow.source.state, AssignFlow.search.state},
    "use": {AssignFlow.source.state, AssignFlow.search.state},
    "nonote": {AssignFlow.note.state},
    "w": {AssignFlow.when.state},
}


async def assign_cmd(
    message: Message, state: FSMContext, therapist: TherapistView, therapists: TherapistService, t: Translator
) -> None:
    links = await therapists.links(therapist.id)
    if not links:
        await message.answer(t("therapist-no-families"), parse_mode=HTML)
        return
    await state.clear()
    await state.set_state(AssignFlow.target)
    rows = [[K.b(family_name(t, label, link_id)[:40], _cb("f", str(link_id)))] for link_id, label in links]
    rows.append([K.b(t("btn-assign-everyone", n=len(links)), _cb("f", "all"))])
    await message.answer(t("assign-who"), parse_mode=HTML, reply_markup=K.kb(*rows))


def _prompt_buttons(prompts: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    return K.kb(*[[K.b(title[:60], _cb("p", str(i)))] for i, title in prompts])


async def assign_button(
    query: CallbackQuery,
    callback_data: AssignCb,
    state: FSMContext,
    therapist: TherapistView,
    therapists: TherapistService,
    library: Library,
    clock: Clock,
    t: Translator,
) -> None:
    msg = cb_message(query)
    step, arg = callback_data.step, callback_data.arg
    if msg is None or await state.get_state() not in EXPECTED.get(step, set()):
        await query.answer(t("toast-assign-step-passed"), show_alert=True)
        return
    await query.answer()
    if step == "f":
        links = dict(await therapists.links(therapist.id))
        target_id = parse_int(arg)
        if arg != "all" and (target_id is None or target_id not in links):
            await msg.answer(t("toast-caseload-not-yours"), parse_mode=HTML)
            return
        await state.update_data(targets="all" if arg == "all" else [target_id])
        await state.set_state(AssignFlow.source)
        await msg.answer(t("assign-what"), parse_mode=HTML, reply_markup=source_kb(t))
    elif step == "src" and arg == "lib":
        bands = K.kb([K.b(t(f"band-{b.id}"), _cb("b", b.id)) for b in library.bands])
        await msg.answer(t("assign-which-band"), parse_mode=HTML, reply_markup=bands)
    elif step == "src" and arg == "find":
        await ask(state, clock, AssignFlow.search)
        await msg.answer(t("assign-search-ask"), parse_mode=HTML)
    elif step == "src" and arg == "own":
        await ask(state, clock, AssignFlow.own)
        await msg.answer(t("assign-own-ask", max=CUSTOM_MAX), parse_mode=HTML)
    elif step == "b" and arg in library.by_band:
        skills = sorted({p.skill for p in library.by_band[arg]}, key=list(Skill).index)
        rows = [[K.b(skill_label(s, t), _cb("s", arg, s.value))] for s in skills]
        await msg.answer(t("assign-which-skill"), parse_mode=HTML, reply_markup=K.kb(*rows))
    elif step == "s" and arg in library.by_band:
        chosen = [p for p in library.by_band[arg] if p.skill.value == callback_data.extra][:12]
        if not chosen:
            await msg.answer(t("assign-no-prompts"), parse_mode=HTML)
            return
        await state.update_data(shown=[p.id for p in chosen])
        buttons = _prompt_buttons([(i, p.title) for i, p in enumerate(chosen)])
        await msg.answer(t("assign-tap-prompt"), parse_mode=HTML, reply_markup=buttons)
    elif step in ("p", "use"):
        await _picked(msg, state, clock, library, t, step, arg)
    elif step == "nonote":
        await state.update_data(note=None)
        await state.set_state(AssignFlow.when)
        await msg.answer(t("assign-when"), parse_mode=HTML, reply_markup=when_kb(t))
    elif step == "w" and arg in {w.value for w in When}:
        await _finish_assign(msg, state, therapist, therapists, When(arg), t)
    else:
        await msg.answer(t("assign-button-expired"), parse_mode=HTML)


async def _picked(
    msg: Message, state: FSMContext, clock: Clock, library: Library, t: Translator, step: str, arg: str
) -> None:
    """A prompt tapped in a list: a preview first ("p"), then chosen ("use")."""
    shown = (await state.get_data()).get("shown") or []
    index = parse_int(arg)
    if index is None or index >= len(shown) or shown[index] not in library.prompts:
        await msg.answer(t("assign-choice-expired"), parse_mode=HTML)
        return
    prompt = library.prompts[shown[index]]
    band = t(f"band-{prompt.band}")
    if step == "p":
        # A preview as the family will read it (with "your child" for the name), in the therapist's language;
        # each family gets the same prompt in its own.
        await msg.answer(
            prompt_text(prompt, None, t, header=t("assign-preview", band=band) + "\n"),
            parse_mode=HTML,
            reply_markup=K.kb([K.b(t("btn-assign-use"), _cb("use", arg))]),
        )
        return
    await state.update_data(prompt_id=prompt.id, custom=None)
    await _ask_note(msg, state, clock, t, t("assign-chosen-library", title=h(prompt.title), band=band))


async def _ask_note(msg: Message, state: FSMContext, clock: Clock, t: Translator, chosen: str) -> None:
    await ask(state, clock, AssignFlow.note)
    await msg.answer(
        t("assign-note-ask", chosen=chosen, max=NOTE_MAX),
        parse_mode=HTML,
        reply_markup=K.kb([K.b(t("btn-assign-skip-note"), _cb("nonote"))]),
    )


async def assign_search(
    message: Message, state: FSMContext, therapists: TherapistService, library: Library, t: Translator
) -> None:
    found = therapists.search((message.text or "")[:200], library=library)
    if not found:
        await message.answer(t("assign-no-match"), parse_mode=HTML)
        return
    await state.update_data(shown=[p.id for p in found])
    titles = [(i, t("btn-assign-found", title=p.title, band=t(f"band-{p.band}"))) for i, p in enumerate(found)]
    await message.answer(t("assign-tap-prompt"), parse_mode=HTML, reply_markup=_prompt_buttons(titles))


async def assign_own(message: Message, state: FSMContext, clock: Clock, t: Translator) -> None:
    text = (message.text or "").strip()
    if len(text) > CUSTOM_MAX:
        await message.answer(t("assign-too-long", n=len(text), max=CUSTOM_MAX), parse_mode=HTML)
        return
    if len(text) < 10:
        await message.answer(t("assign-too-short"), parse_mode=HTML)
        return
    # The therapist's own words go to every family exactly as written, whatever the family's language.
    await state.update_data(custom=text, prompt_id=None)
    await _ask_note(message, state, clock, t, t("assign-chosen-own"))


async def assign_note(message: Message, state: FSMContext, t: Translator) -> None:
    note = (message.text or "").strip()
    if len(note) > NOTE_MAX:
        await message.answer(t("assign-note-too-long", max=NOTE_MAX), parse_mode=HTML)
        return
    await state.update_data(note=note or None)
    await state.set_state(AssignFlow.when)
    await message.answer(t("assign-when"), parse_mode=HTML, reply_markup=when_kb(t))


async def _finish_assign(
    msg: Message, state: FSMContext, tv: TherapistView, therapists: TherapistService, when: When, t: Translator
) -> None:
    data = await state.get_data()
    await state.clear()
    targets = data.get("targets")
    link_ids = None if targets == "all" else [i for i in (targets or []) if isinstance(i, int)]
    try:
        families = await therapists.assign(
            tv.telegram_id,
            link_ids,
            prompt_id=data.get("prompt_id"),
            custom_text=data.get("custom"),
            note=data.get("note"),
            when=when,
        )
    except ValueError:
        await msg.answer(t("assign-did-not-fit"), parse_mode=HTML)
        return
    if not families:
        await msg.answer(t("assign-not-linked"), parse_mode=HTML)
        return
    await msg.answer(t("assign-done", n=len(families), timing=t(TIMING[when])), parse_mode=HTML)


def setup() -> Router:
    router = Router(name="therapist.assign")
    approved = ApprovedTherapist()
    text = (F.text, ~F.text.startswith("/"), Fresh())
    router.message.register(assign_cmd, Command("assign"), approved)
    router.message.register(not_approved, Command("assign"))
    router.callback_query.register(assign_button, AssignCb.filter(), approved)
    router.callback_query.register(not_approved, AssignCb.filter())
    router.message.register(assign_search, StateFilter(AssignFlow.search), *text)
    router.message.register(assign_own, StateFilter(AssignFlow.own), *text)
    router.message.register(assign_note, StateFilter(AssignFlow.note), *text)
    return router
