"""Help in the moment: /help_now lists the situation cards (or, with words after it, offers the matching card);
free text that describes a hard moment offers its card; text about a child that matches nothing asks which
situation is closest."""

from __future__ import annotations

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot import keyboards as K
from bot.content import Library
from bot.domain.screen import Screen
from bot.handlers.screening import SituationCb
from bot.handlers.util import cb_message
from bot.i18n import Translator
from bot.render import fit, h, prompt_text
from bot.services.deliveries import DeliveryService
from bot.services.families import FamilyService, Who

HTML = ParseMode.HTML


async def _bands(who: Who | None, families: FamilyService, library: Library) -> list[tuple[str, str | None]]:
    """(band, nickname) for each child of the family; every band when we know no children."""
    if who is not None:
        view = await families.view(who.family_id)
        found = [(c.band, c.nickname) for c in view.children if c.band]
        if found:
            return found
    return [(b.id, None) for b in library.bands]


def render_cards(library: Library, situation: str, targets: list[tuple[str, str | None]], t: Translator) -> str:
    title = library.situations[situation].title
    parts: list[str] = []
    seen: set[str] = set()
    for band, _nick in targets:
        card = library.cards.get((situation, band))
        if card is None or band in seen:
            continue
        seen.add(band)
        names = [n for b, n in targets if b == band and n]
        who = t.join([h(n) for n in names]) if names else t(f"band-{band}").lower()
        lines = []
        for line in card.lines:
            step, sep, rest = line.partition(":")
            lines.append(f"<b>{h(step)}:</b>{h(rest)}" if sep and len(step) < 20 else h(line))
        parts.append(t("help-card-title", title=h(title), who=who) + "\n" + "\n".join(lines))
    return fit("\n\n".join(parts) or t("help-no-card"))


def situations_keyboard(library: Library) -> InlineKeyboardMarkup:
    items = list(library.situations.values())
    rows = [[K.b(s.title, SituationCb(id=s.id).pack()) for s in items[i : i + 2]] for i in range(0, len(items), 2)]
    return K.kb(*rows)


async def help_now(
    message: Message,
    who: Who | None,
    families: FamilyService,
    deliveries: DeliveryService,
    library: Library,
    t: Translator,
    screen: Screen | None = None,
) -> None:
    found = [s for s in (screen.situations if screen else ()) if s in library.situations]
    if found:
        await offer_card(message, found, who, families, deliveries, library, t)
        return
    await message.answer(t("help-now"), parse_mode=HTML, reply_markup=situations_keyboard(library))


async def ask_closest(message: Message, library: Library, t: Translator) -> None:
    """Text about a child that names no situation: let the parent pick, never the command menu."""
    await message.answer(t("help-closest"), parse_mode=HTML, reply_markup=situations_keyboard(library))


async def situation_idea(
    who: Who | None,
    families: FamilyService,
    deliveries: DeliveryService,
    situation: str,
    t: Translator,
    library: Library,
) -> str:
    """A situation prompt (never sent on the timer) for the first child it fits: the idea for when things are calm."""
    if who is None:
        return ""
    for child in (await families.view(who.family_id)).children:
        prompt = await deliveries.situation_prompt(who.family_id, child.id, situation)
        if prompt is not None:
            # The same prompt in the reader's language (the library here is theirs).
            prompt = library.prompts.get(prompt.id, prompt)
            return "\n\n" + prompt_text(prompt, child.nickname, t, header=t("help-for-later"))
    return ""


async def help_card(
    query: CallbackQuery,
    callback_data: SituationCb,
    who: Who | None,
    families: FamilyService,
    deliveries: DeliveryService,
    library: Library,
    t: Translator,
) -> None:
    situation = callback_data.id
    msg = cb_message(query)
    if situation not in library.situations or msg is None:
        await query.answer(t("toast-help-expired"))
        return
    await query.answer()
    text = render_cards(library, situation, await _bands(who, families, library), t)
    idea = await situation_idea(who, families, deliveries, situation, t, library)
    await msg.answer(fit(text + idea), parse_mode=HTML)


async def offer_card(
    message: Message,
    found: list[str],
    who: Who | None,
    families: FamilyService,
    deliveries: DeliveryService,
    library: Library,
    t: Translator,
) -> None:
    """Free text outside any flow that names a hard moment gets the matching card for the family's children,
    and the situation prompt that fits it (event-shaped ideas are offered here, never on the timer)."""
    targets = await _bands(who, families, library)
    text = t("help-hard-moment") + "\n\n" + render_cards(library, found[0], targets, t)
    text += await situation_idea(who, families, deliveries, found[0], t, library)
    others = [s for s in found[1:3] if s in library.situations]
    markup = K.kb(*[[K.b(library.situations[s].title, SituationCb(id=s).pack())] for s in others]) if others else None
    await message.answer(fit(text), parse_mode=HTML, reply_markup=markup)


def setup() -> Router:
    router = Router(name="help_now")
    router.message.register(help_now, Command("help_now"))
    router.callback_query.register(help_card, SituationCb.filter())
    return router
