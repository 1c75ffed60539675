"""The screen in front of every handler: whatever a person types is heard before anything stores it.

* Crisis: the helpline text at once (and, for a parent afraid of harming their child, one immediate step).
  The handler never runs, so nothing is stored (no note, nickname, label or FSM data) and the FSM state is
  left as it was: the parent can carry on with what they were doing afterwards.
* Distress: a warm reply with a card for the parent's own calm (or for repair after losing their temper),
  never the menu. Inside a flow that waits for a specific answer (a nickname, a time, a zone) the flow keeps
  waiting. A reflection note is the parent's own words, so it is stored first and then gets the reply. Text
  a therapist is composing for families is passed on untouched. After a command, the command runs and the
  reply follows.
* Anything else reaches the handlers with the result in ``data["screen"]`` (the fallback uses it).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.enums import ParseMode
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject
from simplemma import in_target_language

from bot import keyboards as K
from bot.content import DistressContent, Library
from bot.domain.screen import Screen, Screener
from bot.handlers.states import AssignFlow, Notes
from bot.handlers.util import cb_message
from bot.i18n import Catalog, Translator
from bot.i18n.catalog import english, load_catalog
from bot.render import fit, h

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
HTML = ParseMode.HTML

# States whose typed text is stored as written: a parent's reflection note (stored, then cared for) and a
# therapist's own words for families (passed on as they are).
NOTE_STATES = frozenset({Notes.awaiting.state})
COMPOSING_STATES = frozenset({AssignFlow.own.state, AssignFlow.note.state, AssignFlow.search.state})


class SupportCb(CallbackData, prefix="sup"):
    """Shows the helpline text under a distress reply."""


class SituationCb(CallbackData, prefix="hn"):
    """A help-card situation; the id is checked against the library before use."""

    id: str


def crisis_reply(screen: Screen, resources: str, fear_step: str) -> str:
    return f"{fear_step}\n\n{resources}" if screen.fear_for_child else resources


def distress_reply(
    screen: Screen, distress: DistressContent, library: Library, t: Translator | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    kind = distress.kind(screen.categories[0] if screen.categories else "default")
    card = distress.card(kind.card)
    lines = []
    for line in card.lines:
        step, sep, rest = line.partition(":")
        lines.append(f"<b>{h(step)}:</b>{h(rest)}" if sep and len(step) < 20 else h(line))
    text = f"{h(kind.validation)}\n\n🌿 <b>{h(card.title)}</b>\n" + "\n".join(lines) + f"\n\n{h(distress.support)}"
    rows = [[K.b((t or english())("btn-support-lines"), SupportCb().pack())]]
    for sid in [s for s in screen.situations if s in library.situations][:2]:
        rows.append([K.b(library.situations[sid].title, SituationCb(id=sid).pack())])
    return fit(text), K.kb(*rows)


@dataclass(frozen=True)
class Hearing:
    """One locale's screen, with the texts it answers in (its library's distress reply, its resources)."""

    screener: Screener
    library: Library
    resources: str

    @property
    def language(self) -> str:
        assert self.library.safety is not None
        return self.library.safety.language

    @property
    def fear_step(self) -> str:
        assert self.library.safety is not None
        return self.library.safety.fear_step.strip()


def hear(text: str, hearings: Sequence[Hearing]) -> tuple[Screen, Hearing]:
    """Every shipped locale listens, whatever language the person's Telegram is in: a crisis or distress heard in
    any of them wins, answered in that locale's words. Otherwise the first (the bot's own) locale's reading."""
    screens = [(one.screener.screen(text), one) for one in hearings]
    for level in ("crisis", "distress"):
        found = [(screen, one) for screen, one in screens if screen.level == level]
        if len(found) > 1:
            # Heard in several: answer in the language the message is most written in. simplemma's guess over
            # its low-memory store (the one the screen's lemmatiser reads), so no whole dictionary is decoded.
            found.sort(key=lambda pair: -in_target_language(text, lang=pair[1].language, low_memory=True))
        if found:
            return found[0]
    return next(((screen, one) for screen, one in screens if screen.situations), screens[0])


class ScreenMiddleware(BaseMiddleware):
    def __init__(self, hearings: Sequence[Hearing], catalog: Catalog | None = None) -> None:
        if not hearings:
            raise ValueError("at least one locale must have a safety file")
        self._hearings = tuple(hearings)
        self._catalog = catalog or load_catalog()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Message):
            return await handler(event, data)
        text = event.text or event.caption
        if not text:
            return await handler(event, data)
        screen, heard = hear(text, self._hearings)
        if screen.crisis:
            log.info("crisis resources shown (text not stored; fear step: %s)", screen.fear_for_child)
            await event.answer(crisis_reply(screen, heard.resources, heard.fear_step))
            return None
        data["screen"] = screen
        distress = heard.library.distress
        if screen.level != "distress" or distress is None:
            return await handler(event, data)
        state: FSMContext | None = data.get("state")
        current = await state.get_state() if state is not None else None
        if current in COMPOSING_STATES:
            return await handler(event, data)
        result = None
        if current in NOTE_STATES or text.startswith("/"):
            result = await handler(event, data)
        log.info("distress reply shown")
        # The reply is in the language it was heard in; the button in that language too.
        reply, markup = distress_reply(screen, distress, heard.library, self._catalog.translator(heard.library.locale))
        await event.answer(reply, parse_mode=HTML, reply_markup=markup)
        return result


async def support_lines(query: CallbackQuery, resources: str) -> None:
    msg = cb_message(query)
    await query.answer()
    if msg is not None:
        await msg.answer(resources)


def setup() -> Router:
    router = Router(name="screening")
    router.callback_query.register(support_lines, SupportCb.filter())
    return router
