"""/history: what was sent and what happened, who answered, the notes; /progress: the same as a picture."""

from __future__ import annotations

import asyncio

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, Message

from bot.handlers.util import Ready, need_ready, next_text, when_local
from bot.render import fit, h, outcome_label, skill_label
from bot.services.answers import HistoryItem
from bot.services.deliveries import DeliveryService
from bot.services.families import FamilyService, Who
from bot.services.household import HouseholdService

HTML = ParseMode.HTML


def _who_answered(item: HistoryItem, who: Who, several: bool) -> str:
    if not several or item.answered_by is None:
        return ""
    return " · by you" if item.answered_by == who.caregiver_id else " · by your co-parent"


def history_lines(items: list[HistoryItem], who: Who, tz: str, several: bool) -> list[str]:
    lines = []
    for item in items:
        when = when_local(item.sent_at or item.slot_at, tz).split(" at ")[0]
        for_whom = f" ({h(item.child_nickname)})" if item.child_nickname else ""
        result = (
            "⏰ coming back later today"
            if item.later_today
            else outcome_label(item.outcome, item.rating, "no answer yet")
        )
        lines.append(f"• {when} — {h(item.title)}{for_whom} — {result}{_who_answered(item, who, several)}")
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
) -> None:
    await state.clear()
    view = await families.view(who.family_id)
    hist = await deliveries.history(who.family_id)
    if not hist.recent:
        await message.answer("📖 No prompts yet. Your first one comes " + next_text(view) + ", or try /prompt now.")
        return
    several = len(await household.members(who.family_id)) > 1
    lines = ["📖 <b>Your recent prompts</b>", ""]
    lines += history_lines(hist.recent, who, view.timezone, several)
    lines.append("")
    if hist.tried_by_skill:
        lines.append("<b>Tried, by skill:</b>")
        lines += [f"  {skill_label(k)}: {v}" for k, v in hist.tried_by_skill.items()]
        lines.append("")
    lines.append(f"Sent {hist.sent} · tried {hist.tried} · skipped {hist.skipped}")
    if hist.streak_weeks:
        weeks = "week" if hist.streak_weeks == 1 else "weeks in a row"
        lines.append(f"🔥 Streak: {hist.streak_weeks} {weeks} with at least one try.")
    else:
        lines.append("Try one this week to start a streak 🌱")
    lines.append("A picture of it all: /progress")
    await message.answer(fit("\n".join(lines)), parse_mode=HTML)


async def progress_cmd(message: Message, who: Who, families: FamilyService) -> None:
    data = await families.progress(who.family_id)
    # Drawing is CPU work: keep it off the event loop so other families' updates aren't held up.
    from bot.chart import progress_png  # matplotlib costs ~20 MiB: loaded on the first /progress, not at start

    png = await asyncio.to_thread(progress_png, data)
    caption = (
        f"📈 Your last 8 weeks: {data.total} {'try' if data.total == 1 else 'tries'}. Every one counts."
        if data.total
        else "📈 No tries yet in the last 8 weeks. The next prompt is a fine place to start."
    )
    await message.answer_photo(BufferedInputFile(png, filename="progress.png"), caption=caption)


def setup() -> Router:
    router = Router(name="history")
    router.message.register(history, Command("history"), Ready())
    router.message.register(progress_cmd, Command("progress"), Ready())
    router.message.register(need_ready, Command("history", "progress"))
    return router
