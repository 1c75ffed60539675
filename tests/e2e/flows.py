"""Reusable conversation steps, played as a parent would."""

from __future__ import annotations

from tests.fakebot import CallbackAnswer, FakeTelegram, SentMessage


def has(text: str):
    return lambda m: text in (m.text or "")


async def say(tg: FakeTelegram, user: int, text: str, expect: str, wait: float = 5.0) -> SentMessage:
    await tg.send_text(user, text)
    return (await tg.wait_for(user, has(expect), timeout=wait))[0]


async def tap(tg: FakeTelegram, user: int, button: str, expect: str | None = None) -> SentMessage | None:
    qid = await tg.press_button(user, button)
    if expect is None:
        # Handlers answer the press once their work is done; wait for that, not for a quiet moment.
        await tg.wait_for_call("answerCallbackQuery", lambda p: str(p.get("callback_query_id")) == qid)
        return None
    return (await tg.wait_for(user, has(expect)))[0]


async def onboard(
    tg: FakeTelegram,
    user: int,
    *,
    nickname: str | None = "Mia",
    birth: str = "2023-05",
    tz: str = "berlin",
    at: str = "7pm",
    days: str = "Every day",
    first_now: bool = False,
    start: str = "/start",
) -> None:
    tg.add_user(user, first_name="Ann")
    await say(tg, user, start, "Is that OK with you?")
    await tap(tg, user, "I agree", "Let's add your child")
    if nickname:
        await say(tg, user, nickname, "When was")
    else:
        await tap(tg, user, "Skip", "When was your child born")
    await say(tg, user, birth, "Is there another child")
    await tap(tg, user, "That's everyone", "Which timezone")
    await say(tg, user, tz, "What time suits you")
    await say(tg, user, at, "How often")
    await tap(tg, user, days, "You're all set")
    if start != "/start":
        return  # an invite's consent screen follows set-up; the caller handles it
    if first_now:
        await tap(tg, user, "Yes, send one now", "Try saying")
    else:
        await tap(tg, user, "I'll wait", "first one will arrive")


async def press_raw(tg: FakeTelegram, user: int, message_id: int, data: str) -> CallbackAnswer:
    """Press with any callback data (a forged or stale button) and return how the bot answered it."""
    qid = await tg.press(user, message_id, data)
    await tg.wait_for_call("answerCallbackQuery", lambda p: str(p.get("callback_query_id")) == qid)
    return next(a for a in tg.callback_answers if a.callback_query_id == qid)
