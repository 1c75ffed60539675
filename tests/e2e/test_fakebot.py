"""Tests of the fake Telegram Bot API server, driven by a real aiogram Bot over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.backoff import BackoffConfig

from tests.fakebot import FakeTelegram, HtmlParseError, parse_html, utf16_len

ANN = 1001


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        fake.add_user(ANN, first_name="Ann", username="ann")
        yield fake


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    bot = Bot(tg.token, session=session)
    try:
        yield bot
    finally:
        await bot.session.close()


def dump(objects: list[BotCommand]) -> list[dict[str, Any]]:
    # aiogram objects returned by the API carry the bot as private state, so compare plain data
    return [o.model_dump(exclude_none=True) for o in objects]


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=text, callback_data=data)] for text, data in buttons]
    )


# ------------------------------------------------------------------------------------ basics


async def test_get_me(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == bot.id == tg.bot_user.id
    assert me.is_bot
    assert me.username == "coach_test_bot"
    assert me.first_name == tg.bot_user.first_name


async def test_unknown_token_is_unauthorized(tg: FakeTelegram) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    intruder = Bot("1:not-the-token", session=session)
    try:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await intruder.get_me()
    finally:
        await intruder.session.close()


async def test_unknown_method_is_404(tg: FakeTelegram, bot: Bot) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{tg.base_url}/bot{tg.token}/sendTelepathy", data={"chat_id": "1"}) as resp,
    ):
        assert resp.status == 404
        assert await resp.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }
    assert tg.calls[-1].method == "sendTelepathy"
    assert tg.calls[-1].status == 404


async def test_methods_are_case_insensitive_and_accept_json(tg: FakeTelegram) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{tg.base_url}/bot{tg.token}/SENDMESSAGE", json={"chat_id": ANN, "text": "hi"}) as resp,
    ):
        body = await resp.json()
    assert body["ok"] is True
    assert body["result"]["text"] == "hi"


# ------------------------------------------------------------------------------------ sending


async def test_send_message_with_inline_keyboard_round_trip(tg: FakeTelegram, bot: Bot) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="Yes 👍", callback_data="answer:yes"),
                InlineKeyboardButton(text="No", callback_data="answer:no"),
            ],
            [InlineKeyboardButton(text="Read more", url="https://example.org/more")],
        ]
    )
    message = await bot.send_message(ANN, "<b>Hello</b>, Ann &amp; co!", parse_mode="HTML", reply_markup=markup)

    # aiogram deserialized the result into its own types
    assert isinstance(message, Message)
    assert message.chat.id == ANN and message.chat.type == "private"
    assert message.from_user is not None and message.from_user.id == bot.id
    assert message.text == "Hello, Ann & co!"
    assert message.entities is not None and message.entities[0].type == "bold"
    assert message.reply_markup is not None
    assert message.reply_markup.model_dump(exclude_none=True) == markup.model_dump(exclude_none=True)

    sent = tg.last(ANN)
    assert sent.message_id == message.message_id
    assert sent.text == "Hello, Ann & co!"
    assert sent.html == "<b>Hello</b>, Ann &amp; co!"
    assert sent.parse_mode == "HTML"
    assert sent.buttons == [
        ("Yes 👍", "answer:yes"),
        ("No", "answer:no"),
        ("Read more", "https://example.org/more"),
    ]
    assert sent.callback_data("Yes") == "answer:yes"
    assert not sent.edited
    assert tg.sent(ANN) == [sent]
    method, params = tg.calls[-1]
    assert method == "sendMessage"
    assert params["chat_id"] == ANN
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "answer:yes"


async def test_reply_keyboard_and_remove_are_stored(tg: FakeTelegram, bot: Bot) -> None:
    reply_kb = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Morning"), KeyboardButton(text="Evening")]])
    message = await bot.send_message(ANN, "When?", reply_markup=reply_kb)
    assert message.reply_markup is None  # Telegram only echoes inline keyboards
    assert tg.last(ANN).reply_markup is not None
    assert tg.last(ANN).buttons == [("Morning", None), ("Evening", None)]

    await bot.send_message(ANN, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert tg.last(ANN).reply_markup == {"remove_keyboard": True}


async def test_chat_not_found(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(999_999, "hello?")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(ANN, "")
    with pytest.raises(TelegramBadRequest, match="text must be non-empty"):
        await bot.send_message(ANN, "   ")


async def test_blocked_user_is_forbidden(tg: FakeTelegram, bot: Bot) -> None:
    tg.block(ANN)
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(ANN, "still there?")
    assert tg.sent(ANN) == []
    assert "bot was blocked by the user" in tg.transcript(ANN)
    tg.unblock(ANN)
    await bot.send_message(ANN, "welcome back")
    assert tg.last(ANN).text == "welcome back"


# ------------------------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("Hello <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 6'),
        ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("2 < 3", 'Unsupported start tag "" at byte offset 2'),
        ("a<b", "Unclosed start tag at byte offset 1"),
        ("Tom & Jerry", 'Unescaped "&"'),
        ("<a href=http://x.org>y</a>", "Unexpected end of name token at byte offset 8"),
        ("<b><i>test</b></i>", 'Unmatched end tag at byte offset 10, expected "</i>", found "</b>"'),
        ("oops</b>", "Unexpected end tag at byte offset 4"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_bad_html_is_rejected(tg: FakeTelegram, bot: Bot, html: str, detail: str) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities") as info:
        await bot.send_message(ANN, html, parse_mode="HTML")
    assert detail in info.value.message
    assert tg.sent(ANN) == []


async def test_html_tags_and_entities_are_parsed(tg: FakeTelegram, bot: Bot) -> None:
    html = (
        "<b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>n</ins> <s>s</s> <strike>k</strike> "
        '<del>d</del> <a href="https://example.org">link</a> <code>c</code> '
        '<pre><code class="language-python">p</code></pre> <tg-spoiler>x</tg-spoiler> '
        '<span class="tg-spoiler">y</span> <blockquote expandable>q</blockquote> '
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> &lt;&gt;&quot;&#33;&#x3F;'
    )
    message = await bot.send_message(ANN, html, parse_mode="HTML")
    assert message.text == 'b s i e u n s k d link c p x y q 👍 <>"!?'
    kinds = [e.type for e in message.entities or []]
    assert kinds == [
        "bold",
        "bold",
        "italic",
        "italic",
        "underline",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "text_link",
        "code",
        "pre",
        "spoiler",
        "spoiler",
        "expandable_blockquote",
        "custom_emoji",
    ]
    assert tg.last(ANN).html == html


def test_parse_html_offsets_are_utf16() -> None:
    parsed = parse_html("😀 <b>hé 😀</b>")
    assert parsed.text == "😀 hé 😀"
    assert parsed.entities == [{"type": "bold", "offset": 3, "length": 5}]
    assert utf16_len(parsed.text) == 8
    with pytest.raises(HtmlParseError, match="byte offset 5"):
        parse_html("😀 <x>")  # the emoji is 4 UTF-8 bytes
    assert parse_html("Tom & Jerry", strict_ampersand=False).text == "Tom & Jerry"


async def test_message_length_limit(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(ANN, "x" * 4096)
    # markup does not count, only the visible text
    await bot.send_message(ANN, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await bot.send_message(ANN, "x" * 4097)
    # astral characters are two UTF-16 code units
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(ANN, "😀" * 2049)
    assert len(tg.sent(ANN)) == 2


async def test_caption_length_limit(tg: FakeTelegram, bot: Bot) -> None:
    file = BufferedInputFile(b"data", filename="a.txt")
    with pytest.raises(TelegramBadRequest, match="Bad Request: message caption is too long"):
        await bot.send_document(ANN, file, caption="c" * 1025)
    await bot.send_document(ANN, file, caption="c" * 1024)


async def test_callback_data_limit_is_64_bytes(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(ANN, "ok", reply_markup=keyboard(("A", "a" * 64)))
    with pytest.raises(TelegramBadRequest, match="Bad Request: BUTTON_DATA_INVALID"):
        await bot.send_message(ANN, "too long", reply_markup=keyboard(("A", "a" * 65)))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(ANN, "bytes, not chars", reply_markup=keyboard(("A", "é" * 33)))
    with pytest.raises(TelegramBadRequest, match="Text buttons are unallowed in the inline keyboard"):
        await bot.send_message(ANN, "empty data", reply_markup=keyboard(("A", "")))
    bad_url = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="x", url="ftp://example.org")]])
    with pytest.raises(TelegramBadRequest, match="Unsupported URL protocol"):
        await bot.send_message(ANN, "bad url", reply_markup=bad_url)
    assert len(tg.sent(ANN)) == 1


# ------------------------------------------------------------------------------------ edits & deletes


async def test_edit_and_not_modified(tg: FakeTelegram, bot: Bot) -> None:
    original = await bot.send_message(ANN, "Pick one", reply_markup=keyboard(("A", "a"), ("B", "b")))
    mid = original.message_id

    edited = await bot.edit_message_text(
        text="<i>Picked</i> A", chat_id=ANN, message_id=mid, parse_mode="HTML", reply_markup=keyboard(("Undo", "u"))
    )
    assert isinstance(edited, Message)
    assert edited.text == "Picked A"
    assert edited.edit_date is not None

    with pytest.raises(TelegramBadRequest, match="message is not modified") as info:
        await bot.edit_message_text(
            text="<i>Picked</i> A",
            chat_id=ANN,
            message_id=mid,
            parse_mode="HTML",
            reply_markup=keyboard(("Undo", "u")),
        )
    assert info.value.message == (
        "Bad Request: message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )

    # same text without reply_markup removes the keyboard, so it *is* a modification
    await bot.edit_message_text(text="<i>Picked</i> A", chat_id=ANN, message_id=mid, parse_mode="HTML")
    assert tg.last(ANN).buttons == []

    await bot.edit_message_reply_markup(chat_id=ANN, message_id=mid, reply_markup=keyboard(("Again", "g")))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=ANN, message_id=mid, reply_markup=keyboard(("Again", "g")))

    with pytest.raises(TelegramBadRequest, match="Bad Request: message to edit not found"):
        await bot.edit_message_text(text="nope", chat_id=ANN, message_id=mid + 100)

    sent = tg.last(ANN)
    assert sent.edited
    assert [v.text for v in sent.history] == ["Pick one", "Picked A", "Picked A"]
    assert sent.history[0].buttons == [("A", "a"), ("B", "b")]
    assert sent.buttons == [("Again", "g")]


async def test_delete_message(tg: FakeTelegram, bot: Bot) -> None:
    message = await bot.send_message(ANN, "temporary")
    assert await bot.delete_message(ANN, message.message_id) is True
    assert tg.sent(ANN)[0].deleted
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(ANN, message.message_id)
    with pytest.raises(AssertionError, match="sent nothing"):
        tg.last(ANN)


# ------------------------------------------------------------------------------------ faults & limits


async def test_fail_next_429_then_recovers(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", retry_after=7)
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(ANN, "first")
    assert info.value.retry_after == 7
    assert "Too Many Requests: retry after 7" in info.value.message
    await bot.send_message(ANN, "second")
    assert [m.text for m in tg.sent(ANN)] == ["second"]
    assert [(c.method, c.status) for c in tg.errors] == [("sendMessage", 429)]


async def test_fail_next_server_errors_and_chat_filter(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(2002, first_name="Bob")
    tg.fail_next("sendmessage", status=500, count=2, chat_id=2002)
    await bot.send_message(ANN, "unaffected")
    for _ in range(2):
        with pytest.raises(TelegramServerError, match="Internal Server Error"):
            await bot.send_message(2002, "hi Bob")
    await bot.send_message(2002, "hi Bob")

    tg.fail_next("getMe", status=502)
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.get_me()
    tg.fail_next("deleteMessage", status=404, description="Not Found")
    with pytest.raises(TelegramNotFound):
        await bot.delete_message(ANN, 1)


async def test_per_chat_rate_limit(tg: FakeTelegram, bot: Bot) -> None:
    tg.per_chat_limit = 2
    await bot.send_message(ANN, "1")
    await bot.send_message(ANN, "2")
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(ANN, "3")
    assert info.value.retry_after == 1


# ------------------------------------------------------------------------------------ documents & commands


async def test_send_document_round_trip(tg: FakeTelegram, bot: Bot) -> None:
    payload = bytes(range(256)) * 40
    message = await bot.send_document(
        ANN,
        BufferedInputFile(payload, filename="export.csv"),
        caption="<b>Your</b> export",
        parse_mode="HTML",
    )
    assert message.document is not None
    assert message.document.file_name == "export.csv"
    assert message.document.file_size == len(payload)
    assert message.caption == "Your export"

    sent = tg.last(ANN)
    assert sent.document is not None
    assert sent.document.filename == "export.csv"
    assert sent.document.data == sent.document.content == payload
    assert sent.document.mime_type == "text/csv"
    assert sent.caption == "Your export"
    assert sent.caption_html == "<b>Your</b> export"
    assert sent.text is None

    # resending by file_id works too
    again = await bot.send_document(ANN, message.document.file_id)
    assert again.document is not None and again.document.file_id == message.document.file_id


async def test_set_my_commands_per_scope_round_trip(tg: FakeTelegram, bot: Bot) -> None:
    general = [BotCommand(command="start", description="Start"), BotCommand(command="help", description="Help")]
    personal = [BotCommand(command="settings", description="Einstellungen")]
    assert await bot.set_my_commands(general)
    assert await bot.set_my_commands(personal, scope=BotCommandScopeChat(chat_id=ANN), language_code="de")

    assert dump(await bot.get_my_commands()) == dump(general)
    assert dump(await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=ANN), language_code="de")) == dump(personal)
    assert await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=ANN)) == []
    assert tg.commands() == [
        {"command": "start", "description": "Start"},
        {"command": "help", "description": "Help"},
    ]
    assert tg.commands(f"chat:{ANN}", "de") == [{"command": "settings", "description": "Einstellungen"}]

    assert await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=ANN), language_code="de")
    assert tg.commands(f"chat:{ANN}", "de") == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="no spaces", description="x")])
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.set_my_commands(personal, scope=BotCommandScopeChat(chat_id=424242))


async def test_chat_action_and_webhook_basics(tg: FakeTelegram, bot: Bot) -> None:
    assert await bot.send_chat_action(ANN, "typing")
    assert tg.chat_actions(ANN) == ["typing"]
    assert await bot.set_webhook("https://example.org/hook")
    info = await bot.get_webhook_info()
    assert info.url == "https://example.org/hook"
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).url == ""


# ------------------------------------------------------------------------------------ updates


async def test_get_updates_offset_and_long_poll(tg: FakeTelegram, bot: Bot) -> None:
    mid = await tg.send_text(ANN, "/start hello")
    updates = await bot.get_updates(timeout=0)
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.message_id == mid
    assert message.text == "/start hello"
    assert message.from_user is not None and message.from_user.id == ANN
    assert message.entities is not None and message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/start")

    # unconfirmed updates are delivered again; offset confirms them
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [updates[0].update_id]
    offset = updates[0].update_id + 1
    assert await bot.get_updates(offset=offset, timeout=0) == []
    assert tg.pending_updates == 0

    # a long poll returns as soon as an update arrives
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(offset=offset, timeout=10))
    await asyncio.sleep(0.05)
    assert not poll.done()
    await tg.send_text(ANN, "ping")
    got = await asyncio.wait_for(poll, 5)
    assert [u.message.text for u in got if u.message] == ["ping"]
    assert loop.time() - started < 2

    # limit
    for i in range(3):
        await tg.send_text(ANN, f"m{i}")
    assert len(await bot.get_updates(offset=got[0].update_id + 1, limit=2, timeout=0)) == 2


async def test_get_updates_times_out_empty(tg: FakeTelegram, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(timeout=1) == []
    assert 0.9 <= loop.time() - started < 3


async def test_answer_callback_query_validation(tg: FakeTelegram, bot: Bot) -> None:
    message = await bot.send_message(ANN, "Q?", reply_markup=keyboard(("Yes", "y")))
    qid = await tg.press(ANN, message.message_id, "forged:data")
    (update,) = await bot.get_updates(timeout=0)
    assert update.callback_query is not None
    assert update.callback_query.id == qid
    assert update.callback_query.data == "forged:data"
    assert isinstance(update.callback_query.message, Message)
    assert update.callback_query.message.message_id == message.message_id

    assert await bot.answer_callback_query(qid, text="Nope", show_alert=True)
    assert tg.callback_answers[-1].text == "Nope"
    assert tg.callback_answers[-1].show_alert is True
    assert tg.callback_answers[-1].data == "forged:data"
    with pytest.raises(TelegramBadRequest, match="query is too old and response timeout expired"):
        await bot.answer_callback_query(qid)
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("12345")


async def test_driver_errors_are_helpful(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(ANN, "Choose", reply_markup=keyboard(("Morning", "t:am"), ("Evening", "t:pm")))
    with pytest.raises(AssertionError, match="Available") as info:
        await tg.press_button(ANN, "Night")
    assert "'Morning'" in str(info.value) and "t:pm" in str(info.value)
    with pytest.raises(AssertionError, match="no \\(undeleted\\) bot message #99"):
        await tg.press(ANN, 99, "x")
    with pytest.raises(AssertionError, match="transcript") as waited:
        await tg.wait_for(ANN, lambda m: m.text == "never", timeout=0.2)
    assert "Choose" in str(waited.value)


# ------------------------------------------------------------------------------------ full polling loop


async def test_dispatcher_polling_end_to_end(tg: FakeTelegram, bot: Bot) -> None:
    router = Router()
    member_events: list[str] = []

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(
            f"Hi <b>{message.from_user.first_name if message.from_user else '?'}</b>! Ready?",
            parse_mode="HTML",
            reply_markup=keyboard(("Let's go", "go"), ("Later", "later")),
        )

    @router.callback_query(F.data == "go")
    async def go(callback: CallbackQuery) -> None:
        assert isinstance(callback.message, Message)
        await callback.message.edit_text("Great, let's go!")
        await callback.answer("Saved")

    @router.callback_query(F.data == "later")
    async def later(callback: CallbackQuery) -> None:
        await callback.answer()  # no message at all

    @router.my_chat_member()
    async def membership(event: ChatMemberUpdated) -> None:
        member_events.append(f"{event.old_chat_member.status}->{event.new_chat_member.status}")

    dp = Dispatcher()
    dp.include_router(router)
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        await tg.send_text(ANN, "/start")
        (greeting,) = await tg.wait_for(ANN)
        assert greeting.text == "Hi Ann! Ready?"
        assert greeting.html == "Hi <b>Ann</b>! Ready?"
        assert greeting.buttons == [("Let's go", "go"), ("Later", "later")]

        await tg.press_button(ANN, "go")
        (edited,) = await tg.wait_for(ANN, lambda m: m.edited)
        assert edited.message_id == greeting.message_id
        assert edited.text == "Great, let's go!"
        assert edited.buttons == []
        (answer_call,) = await tg.wait_for_call("answerCallbackQuery")
        assert answer_call.ok
        assert tg.callback_answers[-1].text == "Saved"

        # a button that produces no message: wait until the bot has caught up
        await tg.send_text(ANN, "/start")
        (second,) = await tg.wait_for(ANN)
        await tg.press(ANN, second.message_id, "later")
        await tg.wait_for_call("answerCallbackQuery")
        await tg.chat_member_update(ANN, "kicked")
        await tg.wait_idle(timeout=5)
        assert member_events == ["member->kicked"]
        assert len(tg.callback_answers) == 2
        assert tg.user(ANN).blocked

        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(ANN, "anyone?")
        await tg.chat_member_update(ANN, "member")
        await tg.wait_idle(timeout=5)
        assert member_events == ["member->kicked", "kicked->member"]
        assert tg.errors[-1].status == 403
        assert tg.pending_updates == 0
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)
    transcript = tg.transcript(ANN)
    assert "user > #1 /start" in transcript
    assert "answered query" in transcript


async def test_polling_survives_injected_failures(tg: FakeTelegram, bot: Bot) -> None:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dp = Dispatcher()
    dp.include_router(router)
    fast_backoff = BackoffConfig(min_delay=0.05, max_delay=0.2, factor=1.5, jitter=0.0)
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, polling_timeout=1, backoff_config=fast_backoff)
    )
    try:
        await tg.send_text(ANN, "one")
        (first,) = await tg.wait_for(ANN)
        assert first.text == "one"

        # the handler's send fails with 429: no message, the error is recorded and in the transcript
        tg.fail_next("sendMessage", status=429, retry_after=1)
        await tg.send_text(ANN, "two")
        (failed,) = await tg.wait_for_call("sendMessage", lambda p: p.get("text") == "two")
        assert failed.status == 429
        assert "sendMessage failed: 429 Too Many Requests: retry after 1" in tg.transcript(ANN)

        # getUpdates itself fails twice: aiogram backs off and keeps polling
        tg.fail_next("getUpdates", status=502, count=2)
        await tg.send_text(ANN, "three")  # served by the poll that is already waiting
        (third,) = await tg.wait_for(ANN)
        assert third.text == "three"
        await tg.send_text(ANN, "four")  # only a poll after both failures can deliver this
        (fourth,) = await tg.wait_for(ANN)
        assert fourth.text == "four"
        assert [c.status for c in tg.calls if c.method == "getUpdates"] == [502, 502]
        assert [m.text for m in tg.sent(ANN)] == ["one", "three", "four"]
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)


async def test_second_poller_terminates_the_first(tg: FakeTelegram, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(bot.get_updates(timeout=5))
    with pytest.raises(Exception, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 3)
    await tg.send_text(ANN, "hi")
    assert len(await asyncio.wait_for(second, 3)) == 1


async def test_make_bot_helper(tg: FakeTelegram) -> None:
    helper_bot: Any = tg.make_bot()
    try:
        assert (await helper_bot.get_me()).username == tg.bot_user.username
    finally:
        await helper_bot.session.close()
