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
from bot.content import SKILL_LABELS, Library, Skill
from bot.handlers.states import AssignFlow
from bot.handlers.therapist.common import HTML, NOT_APPROVED, ApprovedTherapist
from bot.handlers.util import Fresh, ask, cb_message, parse_int
from bot.render import h, prompt_text
from bot.services.therapists import CUSTOM_MAX, NOTE_MAX, TherapistService, TherapistView, When


def _cb(step: str, arg: str = "", extra: str = "") -> str:
    return AssignCb(step=step, arg=arg, extra=extra).pack()


SOURCE_KB = K.kb(
    [K.b("📚 Browse the library", _cb("src", "lib"))],
    [K.b("🔎 Search by words", _cb("src", "find"))],
    [K.b("✍️ Write my own", _cb("src", "own"))],
)
WHEN_KB = K.kb(
    [K.b("This week", _cb("w", When.this_week.value)), K.b("Next week", _cb("w", When.next_week.value))],
    [K.b("Send now", _cb("w", When.now.value))],
)
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
    message: Message, state: FSMContext, therapist: TherapistView, therapists: TherapistService
) -> None:
    links = await therapists.links(therapist.id)
    if not links:
        await message.answer("No linked families yet. Create an invite with /invite.")
        return
    await state.clear()
    await state.set_state(AssignFlow.target)
    rows = [[K.b(label[:40], _cb("f", str(link_id)))] for link_id, label in links]
    rows.append([K.b(f"👥 Whole caseload ({len(links)})", _cb("f", "all"))])
    await message.answer("📌 <b>Assign a prompt.</b> Who is it for?", parse_mode=HTML, reply_markup=K.kb(*rows))


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
) -> None:
    msg = cb_message(query)
    step, arg = callback_data.step, callback_data.arg
    if msg is None or await state.get_state() not in EXPECTED.get(step, set()):
        await query.answer("That step has passed. Start again with /assign.", show_alert=True)
        return
    await query.answer()
    if step == "f":
        links = dict(await therapists.links(therapist.id))
        target_id = parse_int(arg)
        if arg != "all" and (target_id is None or target_id not in links):
            await msg.answer("That family isn't in your caseload.")
            return
        await state.update_data(targets="all" if arg == "all" else [target_id])
        await state.set_state(AssignFlow.source)
        await msg.answer("What would you like to send?", reply_markup=SOURCE_KB)
    elif step == "src" and arg == "lib":
        await msg.answer("Which age band?", reply_markup=K.kb([K.b(b.name, _cb("b", b.id)) for b in library.bands]))
    elif step == "src" and arg == "find":
        await ask(state, clock, AssignFlow.search)
        await msg.answer("Type a few words, like <i>sibling fight</i> or <i>bedtime fears</i>.", parse_mode=HTML)
    elif step == "src" and arg == "own":
        await ask(state, clock, AssignFlow.own)
        await msg.answer(f"Type the prompt as the family should read it (up to {CUSTOM_MAX} characters).")
    elif step == "b" and arg in library.by_band:
        skills = sorted({p.skill for p in library.by_band[arg]}, key=list(Skill).index)
        rows = [[K.b(SKILL_LABELS[s], _cb("s", arg, s.value))] for s in skills]
        await msg.answer("Which skill?", reply_markup=K.kb(*rows))
    elif step == "s" and arg in library.by_band:
        chosen = [p for p in library.by_band[arg] if p.skill.value == callback_data.extra][:12]
        if not chosen:
            await msg.answer("No prompts there. Try another skill.")
            return
        await state.update_data(shown=[p.id for p in chosen])
        await msg.answer(
            "Tap a prompt to read it first:", reply_markup=_prompt_buttons([(i, p.title) for i, p in enumerate(chosen)])
        )
    elif step in ("p", "use"):
        shown = (await state.get_data()).get("shown") or []
        index = parse_int(arg)
        if index is None or index >= len(shown) or shown[index] not in library.prompts:
            await msg.answer("That choice has expired. Start again with /assign.")
            return
        prompt = library.prompts[shown[index]]
        if step == "p":
            # A preview exactly as the family will read it (with "your child" for the name).
            header = f"👀 <i>Preview · {library.band(prompt.band).name}</i>\n"
            await msg.answer(
                prompt_text(prompt, None, header=header),
                parse_mode=HTML,
                reply_markup=K.kb([K.b("✅ Use this one", _cb("use", arg))]),
            )
            return
        await state.update_data(prompt_id=prompt.id, custom=None)
        await _ask_note(msg, state, clock, f"📚 {h(prompt.title)} ({library.band(prompt.band).name})")
    elif step == "nonote":
        await state.update_data(note=None)
        await state.set_state(AssignFlow.when)
        await msg.answer("When should it go out?", reply_markup=WHEN_KB)
    elif step == "w" and arg in {w.value for w in When}:
        await _finish_assign(msg, state, therapist, therapists, When(arg))
    else:
        await msg.answer("That button has expired. Start again with /assign.")


async def _ask_note(msg: Message, state: FSMContext, clock: Clock, chosen: str) -> None:
    await ask(state, clock, AssignFlow.note)
    await msg.answer(
        f"Chosen: {chosen}\n\nAdd a short note for the family? Type it (up to {NOTE_MAX} characters), or tap Skip.",
        parse_mode=HTML,
        reply_markup=K.kb([K.b("Skip", _cb("nonote"))]),
    )


async def assign_search(message: Message, state: FSMContext, therapists: TherapistService, library: Library) -> None:
    found = therapists.search((message.text or "")[:200])
    if not found:
        await message.answer("Nothing matched those words. Try others, or /assign to browse.")
        return
    await state.update_data(shown=[p.id for p in found])
    await message.answer(
        "Tap a prompt to read it first:",
        reply_markup=_prompt_buttons([(i, f"{p.title} · {library.band(p.band).name}") for i, p in enumerate(found)]),
    )


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
    await msg.answer(f"✅ Assigned to {len(families)} {plural}. {timing} See or cancel it in /pending.")


async def not_approved(event: Message | CallbackQuery) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer("That's for approved therapists only.", show_alert=True)
    else:
        await event.answer(NOT_APPROVED)


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
