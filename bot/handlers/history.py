"""/history: what was sent and what happened, who answered, the notes; /progress: the same as a picture."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, Message

from bot.content import Library
from bot.handlers.util import Ready, day_local, need_ready, next_text
from bot.i18n import Translator
from bot.render import fill, fit, h, outcome_label, skill_label
from bot.services.answers import HistoryItem
from bot.services.deliveries import DeliveryService
from bot.services.families import FamilyService, Who
from bot.services.household import HouseholdService

HTML = ParseMode.HTML


def _who_answered(item: HistoryItem, who: Who, several: bool, t: Translator) -> str:
    if not several or item.answered_by is None:
        return ""
    return t("history-by-you") if item.answered_by == who.caregiver_id else t("history-by-coparent")


def history_lines(items: list[HistoryItem], who: Who, tz: str, several: bool, t: Translator) -> list[str]:
    lines = []
    for item in items:
        result = (
            t("history-later")
            if item.later_today
            else outcome_label(item.outcome, item.rating, t("history-no-answer"), t=t)
        )
        lines.append(
            t(
                "history-line",
                day=day_local(item.sent_at or item.slot_at, tz, t),
                title=h(item.title),
                child=t("history-child", name=h(item.child_nickname)) if item.child_nickname else "",
                result=result,
                by=_who_answered(item, who, several, t),
            )
        )
        if item.note:
            lines.append(f"   📝 <i>{h(item.note)}</i>")
    return lines


async def history(
    message: Message,
    state: FSMContext,
    who: Who,
    deliveries: DeliveryService,
    families: FamilyService,
    household: HouseholdService,
    t: Translator,
    library: Library,
) -> None:
    await state.clear()
    view = await families.view(who.family_id)
    hist = await deliveries.history(who.family_id)
    if not hist.recent:
        await message.answer(t("history-empty", next=next_text(view, t)), parse_mode=HTML)
        return
    several = len(await household.members(who.family_id)) > 1
    # Titles in the reader's language: the same prompt id in their locale's library.
    recent = [_titled(item, library, t) for item in hist.recent]
    lines = [t("history-title"), ""]
    lines += history_lines(recent, who, view.timezone, several, t)
    lines.append("")
    if hist.tried_by_skill:
        lines.append(t("history-by-skill"))
        lines += [t("history-skill", skill=skill_label(k, t), count=v) for k, v in hist.tried_by_skill.items()]
        lines.append("")
    lines.append(t("history-totals", sent=hist.sent, tried=hist.tried, skipped=hist.skipped))
    lines.append(t("history-streak", weeks=hist.streak_weeks) if hist.streak_weeks else t("history-no-streak"))
    lines.append(t("history-picture"))
    await message.answer(fit("\n".join(lines)), parse_mode=HTML)


def _titled(item: HistoryItem, library: Library, t: Translator) -> HistoryItem:
    prompt = library.prompts.get(item.prompt_id or "")
    if prompt is not None:
        return replace(item, title=fill(prompt.title, item.child_nickname, prompt.band, t))
    return replace(item, title=t("history-therapist-prompt") if item.assigned else t("history-a-prompt"))


async def progress_cmd(message: Message, who: Who, families: FamilyService, t: Translator) -> None:
    data = await families.progress(who.family_id)
    # Drawing is CPU work: keep it off the event loop so other families' updates aren't held up.
    from bot.chart import progress_png  # matplotlib costs ~20 MiB: loaded on the first /progress, not at start

    png = await asyncio.to_thread(progress_png, data, t)
    caption = t("progress-caption", total=data.total)
    await message.answer_photo(BufferedInputFile(png, filename="progress.png"), caption=caption, parse_mode=HTML)


def setup() -> Router:
    router = Router(name="history")
    router.message.register(history, Command("history"), Ready())
    router.message.register(progress_cmd, Command("progress"), Ready())
    router.message.register(need_ready, Command("history", "progress"))
    return router
