"""A fake Telegram Bot API HTTP server for end-to-end tests.

The production bot talks to it through aiogram's real ``AiohttpSession`` and real long polling::

    async with FakeTelegram() as tg:
        session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
        bot = Bot(tg.token, session=session)
        ...
        tg.add_user(42, first_name="Ann")
        await tg.send_text(42, "/start")
        (reply,) = await tg.wait_for(42)

Everything runs on the test's own event loop, so the driver API (``send_text``, ``press``,
``wait_for`` ...) and the HTTP handlers share state without locks; waiting is done on an
``asyncio.Condition`` that every state change notifies, never by sleeping through fixed delays.

Scope: private chats only (chat id == user id), the subset of methods a polling bot needs, and
Telegram-like validation with the descriptions real Telegram returns.  Deliberate differences
from real Telegram are listed in ``FakeTelegram``'s docstring.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import logging
import mimetypes
import re
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from types import TracebackType
from typing import Any, Final, Literal, Self
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.web_request import FileField

from tests.fakebot.network import Network

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "CallbackAnswer",
    "FakeTelegram",
    "FakeUser",
    "HtmlParseError",
    "ParsedHtml",
    "SentDocument",
    "SentMessage",
    "TelegramError",
    "UploadedFile",
    "parse_html",
    "utf16_len",
]

logger = logging.getLogger("tests.fakebot")

DEFAULT_TOKEN: Final = "4242424242:AAFakeTelegramTokenForEndToEndTests00"

MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MAX_CALLBACK_DATA_BYTES: Final = 64
MAX_FILE_SIZE: Final = 50 * 1024 * 1024

NOT_MODIFIED: Final = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
QUERY_TOO_OLD: Final = "query is too old and response timeout expired or query ID is invalid"
WEBHOOK_ACTIVE: Final = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT: Final = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)

CHAT_ACTIONS: Final = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

# Form fields that aiogram sends JSON-encoded.
_JSON_FIELDS: Final = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "allowed_updates",
        "media",
        "results",
    }
)
_INT_FIELDS: Final = frozenset(
    {"offset", "limit", "timeout", "message_id", "cache_time", "message_thread_id", "max_connections"}
)
_BOOL_FIELDS: Final = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "disable_content_type_detection",
        "allow_sending_without_reply",
        "disable_web_page_preview",
    }
)
_INLINE_ACTIONS: Final = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_SCHEMES: Final = frozenset({"http", "https", "tg", "ton"})
_COMMAND_RE: Final = re.compile(r"^[a-z0-9_]{1,32}$")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (how Telegram measures texts and entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class TelegramError(Exception):
    """An error answer of the fake API: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body

    def response(self) -> web.Response:
        return web.json_response(self.body(), status=self.status)


def _bad(description: str) -> TelegramError:
    return TelegramError(400, f"Bad Request: {description}")


# --------------------------------------------------------------------------------------------
# HTML parse mode (a port of the relevant part of tdlib's parse_html)
# --------------------------------------------------------------------------------------------


class HtmlParseError(ValueError):
    """Raised by :func:`parse_html`; the message is what follows "can't parse entities: "."""


@dataclass(frozen=True)
class ParsedHtml:
    text: str
    entities: list[dict[str, Any]]


_SUPPORTED_TAGS: Final = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
_SIMPLE_TAG_ENTITIES: Final = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_SPACE_BYTES: Final = frozenset(b" \t\r\n\v\0")
_NAMED_ENTITIES: Final = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}


def _decode_html_entity(data: bytes, pos: int) -> tuple[str, int] | None:
    """Decode the character reference starting at ``data[pos] == '&'`` like tdlib does.

    Returns ``(character, next_position)`` or ``None`` when it is not a valid reference.
    """
    n = len(data)
    end = pos + 1
    if end < n and data[end] == ord("#"):
        end += 1
        code = 0
        if end < n and data[end] == ord("x"):
            end += 1
            while end < n and chr(data[end]) in "0123456789abcdefABCDEF":
                code = code * 16 + int(chr(data[end]), 16)
                end += 1
                if code >= 0x10FFFF:
                    return None
        else:
            while end < n and ord("0") <= data[end] <= ord("9"):
                code = code * 10 + data[end] - ord("0")
                end += 1
                if code >= 0x10FFFF:
                    return None
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while end < n and (ord("a") <= data[end] <= ord("z") or ord("A") <= data[end] <= ord("Z")):
            end += 1
        named = _NAMED_ENTITIES.get(data[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < n and data[end] == ord(";"):
        end += 1
    return char, end


@dataclass
class _OpenTag:
    name: str
    argument: str
    start: int  # byte position in the output buffer


def parse_html(source: str, *, strict_ampersand: bool = True) -> ParsedHtml:
    """Parse Telegram-flavoured HTML into visible text plus entities (offsets in UTF-16 units).

    Mirrors tdlib's parser and its error texts ("Unsupported start tag ...", "Can't find end tag
    corresponding to start tag ...", "Unexpected end of name token at byte offset N", ...).
    With ``strict_ampersand`` (default) a bare ``&`` that does not start a character reference is
    rejected; real Telegram keeps it literally, but the Bot API docs require it to be escaped and
    being strict catches forgotten ``html.escape`` calls.
    """
    data = source.encode("utf-8")
    n = len(data)
    out = bytearray()
    stack: list[_OpenTag] = []
    # (type, start byte, end byte, extra fields) in order of closing
    raw: list[tuple[str, int, int, dict[str, Any]]] = []

    def at(i: int) -> int:
        return data[i] if i < n else 0

    def is_space(i: int) -> bool:
        return i >= n or data[i] in _SPACE_BYTES

    i = 0
    while i < n:
        c = data[i]
        if c == ord("&"):
            decoded = _decode_html_entity(data, i)
            if decoded is not None:
                out += decoded[0].encode("utf-8")
                i = decoded[1]
                continue
            if strict_ampersand:
                raise HtmlParseError(f'Unescaped "&" at byte offset {i}: use "&amp;"')
        if c != ord("<"):
            out.append(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != ord("/"):
            # start tag
            while not is_space(i) and at(i) != ord(">"):
                i += 1
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
            tag = data[begin + 1 : i].decode("utf-8", "replace").lower()
            if tag not in _SUPPORTED_TAGS:
                raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            while at(i) != ord(">"):
                while i < n and is_space(i):
                    i += 1
                if at(i) == ord(">"):
                    break
                attr_begin = i
                while not is_space(i) and at(i) not in (ord("="), ord(">")):
                    i += 1
                attr_name = data[attr_begin:i].decode("utf-8", "replace").lower()
                if not attr_name:
                    raise HtmlParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
                while i < n and is_space(i):
                    i += 1
                if at(i) != ord("=") and tag == "blockquote" and attr_name == "expandable" and i < n:
                    argument = "1"  # boolean attribute
                    continue
                if at(i) != ord("="):
                    raise HtmlParseError(
                        f'Expected equal sign in declaration of an attribute of the tag "{tag}" at byte offset {begin}'
                    )
                i += 1
                while i < n and is_space(i):
                    i += 1
                if i >= n:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
                if at(i) not in (ord("'"), ord('"')):
                    token_begin = i
                    while i < n and (chr(data[i]).isascii() and (chr(data[i]).isalnum() or data[i] in b".-")):
                        i += 1
                    value = data[token_begin:i].decode("ascii").lower()
                    if not is_space(i) and at(i) != ord(">"):
                        raise HtmlParseError(f"Unexpected end of name token at byte offset {token_begin}")
                else:
                    quote = data[i]
                    i += 1
                    buf = bytearray()
                    while i < n and data[i] != quote:
                        if data[i] == ord("&"):
                            decoded = _decode_html_entity(data, i)
                            if decoded is not None:
                                buf += decoded[0].encode("utf-8")
                                i = decoded[1]
                                continue
                        buf.append(data[i])
                        i += 1
                    if i < n:
                        i += 1  # closing quote
                    value = buf.decode("utf-8", "replace")
                if i >= n:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
                if tag == "a" and attr_name == "href":
                    argument = value
                elif tag == "code" and attr_name == "class" and value.startswith("language-"):
                    argument = value[len("language-") :]
                elif tag == "span" and attr_name == "class" and value.startswith("tg-"):
                    argument = value[len("tg-") :]
                elif tag == "tg-emoji" and attr_name == "emoji-id":
                    argument = value
                elif tag == "blockquote" and attr_name == "expandable":
                    argument = "1"
            if tag == "span" and argument != "spoiler":
                raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
            stack.append(_OpenTag(tag, argument, len(out)))
            i += 1  # '>'
            continue

        # end tag
        if not stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
        i += 1  # '/'
        while not is_space(i) and at(i) != ord(">"):
            i += 1
        end_name = data[begin + 2 : i].decode("utf-8", "replace").lower()
        while i < n and is_space(i):
            i += 1
        if at(i) != ord(">"):
            raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
        open_tag = stack.pop()
        if end_name and end_name != open_tag.name:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{open_tag.name}>", found "</{end_name}>"'
            )
        i += 1  # '>'
        start, end = open_tag.start, len(out)
        name, arg = open_tag.name, open_tag.argument
        if name == "tg-emoji" and (not arg.isdigit() or int(arg) == 0 or int(arg) >= 2**63):
            raise HtmlParseError("Invalid custom emoji identifier specified")
        if start == end:
            continue
        if name in _SIMPLE_TAG_ENTITIES:
            raw.append((_SIMPLE_TAG_ENTITIES[name], start, end, {}))
        elif name == "a":
            url = arg or out[start:end].decode("utf-8", "replace")
            if _url_error(url) is None:
                raw.append(("text_link", start, end, {"url": url}))
        elif name == "code":
            raw.append(("code", start, end, {"language": arg} if arg else {}))
        elif name == "pre":
            last = raw[-1] if raw else None
            if last and last[0] == "code" and last[1] == start and last[2] == end and last[3].get("language"):
                raw[-1] = ("pre", start, end, {"language": last[3]["language"]})
            else:
                raw.append(("pre", start, end, {}))
        elif name == "blockquote":
            raw.append(("expandable_blockquote" if arg else "blockquote", start, end, {}))
        elif name == "tg-emoji":
            raw.append(("custom_emoji", start, end, {"custom_emoji_id": arg}))

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')

    text = out.decode("utf-8")

    def u16(pos: int) -> int:
        return utf16_len(out[:pos].decode("utf-8"))

    entities: list[dict[str, Any]] = []
    for etype, start, end, extra in raw:
        offset = u16(start)
        entity: dict[str, Any] = {"type": etype, "offset": offset, "length": u16(end) - offset}
        if etype == "code":
            extra = {}  # language only survives on <pre><code class="language-x">
        entity.update(extra)
        entities.append(entity)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedHtml(text=text, entities=entities)


def _url_error(url: str) -> str | None:
    """``None`` when Telegram would accept ``url`` for a button/link, else the reason."""
    candidate = url.strip()
    if not candidate:
        return "URL host is empty"
    if "://" not in candidate and not candidate.startswith("tg:"):
        candidate = "http://" + candidate
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return "Wrong HTTP URL"
    scheme = parts.scheme.lower()
    if scheme not in _URL_SCHEMES:
        return "Unsupported URL protocol"
    if scheme in ("http", "https"):
        host = parts.hostname or ""
        if not host:
            return "URL host is empty"
        if "." not in host and host != "localhost":
            return "Wrong HTTP URL"
    return None


# --------------------------------------------------------------------------------------------
# Public data classes
# --------------------------------------------------------------------------------------------


@dataclass
class FakeUser:
    id: int
    first_name: str = "Ann"
    username: str | None = None
    language_code: str | None = "en"
    last_name: str | None = None
    is_bot: bool = False
    blocked: bool = False
    """The user blocked the bot: sends to them fail with 403."""

    def to_api(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def chat_api(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request (as it appears in ``ApiCall.params``)."""

    filename: str
    data: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class SentDocument:
    filename: str
    data: bytes
    mime_type: str
    file_id: str
    file_unique_id: str

    @property
    def content(self) -> bytes:
        """Alias of ``data``."""
        return self.data


@dataclass
class SentMessage:
    """A message the bot sent, as currently stored (edits update it in place)."""

    message_id: int
    chat_id: int
    date: int
    method: str
    text: str | None = None
    """Visible plain text (after HTML parsing); ``None`` for documents."""
    html: str | None = None
    """The raw text as sent when parse_mode was HTML, else ``None``."""
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    document: SentDocument | None = None
    caption: str | None = None
    caption_html: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    history: list[SentMessage] = field(default_factory=list, repr=False)
    """Previous versions, oldest first."""

    @property
    def edited(self) -> bool:
        return bool(self.history)

    @property
    def inline_markup(self) -> dict[str, Any] | None:
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            return self.reply_markup
        return None

    @property
    def button_rows(self) -> list[list[tuple[str, str | None]]]:
        """Keyboard rows as ``(text, callback_data or url)``; reply-keyboard buttons give ``None``."""
        markup = self.reply_markup or {}
        rows: list[list[tuple[str, str | None]]] = []
        if "inline_keyboard" in markup:
            for row in markup["inline_keyboard"]:
                rows.append([(str(b.get("text", "")), b.get("callback_data") or b.get("url") or None) for b in row])
        elif "keyboard" in markup:
            for row in markup["keyboard"]:
                rows.append([(b if isinstance(b, str) else str(b.get("text", "")), None) for b in row])
        return rows

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """All buttons flattened: ``(text, callback_data or url)``."""
        return [button for row in self.button_rows for button in row]

    def button(self, text_substring: str) -> dict[str, Any]:
        """The raw inline button whose text contains ``text_substring`` (AssertionError if none)."""
        for row in (self.inline_markup or {}).get("inline_keyboard", []):
            for b in row:
                if text_substring in str(b.get("text", "")):
                    return dict(b)
        raise AssertionError(f"no button containing {text_substring!r} in message #{self.message_id}: {self.buttons}")

    def callback_data(self, text_substring: str) -> str:
        data = self.button(text_substring).get("callback_data")
        if not isinstance(data, str):
            raise AssertionError(f"button containing {text_substring!r} has no callback_data")
        return data

    def snapshot(self) -> SentMessage:
        return replace(
            self,
            entities=copy.deepcopy(self.entities),
            reply_markup=copy.deepcopy(self.reply_markup),
            caption_entities=copy.deepcopy(self.caption_entities),
            history=list(self.history),
        )


@dataclass(frozen=True)
class CallbackAnswer:
    callback_query_id: str
    user_id: int
    message_id: int | None
    data: str | None
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None


@dataclass
class ApiCall:
    """One request the bot made (successful getUpdates polls are not recorded).

    Unpacks as ``method, params``.
    """

    method: str
    params: dict[str, Any]
    status: int = 200
    description: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    def __iter__(self) -> Iterator[Any]:
        yield self.method
        yield self.params


@dataclass
class _Fault:
    method: str  # lower-case, or "*"
    status: int
    description: str
    retry_after: int | None
    remaining: int
    chat_id: int | str | None


@dataclass
class _CallbackQuery:
    id: str
    user_id: int
    message_id: int | None
    data: str | None


@dataclass
class _Chat:
    user: FakeUser
    instance: str
    next_message_id: int = 1
    user_messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    sent: list[SentMessage] = field(default_factory=list)
    sent_by_id: dict[int, SentMessage] = field(default_factory=dict)
    events: list[SentMessage] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    send_times: deque[float] = field(default_factory=deque)
    member_status: str = "member"

    def take_message_id(self) -> int:
        mid = self.next_message_id
        self.next_message_id += 1
        return mid


def _short(text: str | None, limit: int = 400) -> str:
    if text is None:
        return ""
    text = text.replace("\n", "\n        ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _render_buttons(sm: SentMessage) -> str:
    rows = sm.button_rows
    if not rows:
        if sm.reply_markup:
            return f"  {{{', '.join(sm.reply_markup)}}}"
        return ""
    rendered = " / ".join(" ".join(f"[{t} → {v}]" if v else f"[{t}]" for t, v in row) for row in rows)
    return f"\n        buttons: {rendered}"


def _render_message(sm: SentMessage) -> str:
    if sm.document is not None:
        body = f"[document {sm.document.filename!r}, {len(sm.document.data)} bytes] {_short(sm.caption)}"
    else:
        body = _short(sm.text)
    return body + _render_buttons(sm)


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

_Handler = Callable[[dict[str, Any]], Awaitable[Any]]
Predicate = Callable[[SentMessage], bool]


class FakeTelegram:
    """In-process fake of the Telegram Bot API (private chats only).

    Deliberate differences from real Telegram:
      * with ``strict_html`` (default) a bare ``&`` in HTML is a parse error (Telegram keeps it);
      * ``parse_mode`` Markdown/MarkdownV2 is accepted but not parsed (text stored verbatim);
      * texts are not trimmed; message ids are per chat and shared by user and bot messages;
      * ``chat_member_update(uid, "kicked"|"member")`` also blocks/unblocks the user.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "coach_test_bot",
        bot_first_name: str = "Coach Test Bot",
        host: str = "127.0.0.1",
        strict_html: bool = True,
        per_chat_limit: float | None = None,
        network: Network | None = None,
    ) -> None:
        left, sep, right = token.partition(":")
        if not sep or not left.isdigit() or not right:
            raise ValueError("token must look like '<digits>:<secret>' (aiogram validates it)")
        self.token = token
        self.host = host
        self.strict_html = strict_html
        self.network = network or Network()
        """Latency, Telegram's flood limits and injected faults (see ``tests/fakebot/network.py``)."""
        self.per_chat_limit: float | None = per_chat_limit
        """Max messages per second to one chat; exceeding it answers 429 with retry_after=1."""
        self.bot_user = FakeUser(
            id=int(left), first_name=bot_first_name, username=bot_username, language_code=None, is_bot=True
        )
        self.calls: list[ApiCall] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.webhook_url = ""
        from tests.fakebot.webhook import WebhookPusher  # local: keeps the webhook side a separate add-on

        self.webhook = WebhookPusher(self)
        """Delivers updates while a webhook is set; tests point it at the bot with ``route_webhook``."""

        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, _Chat] = {}
        self._pending: list[dict[str, Any]] = []
        self._update_ids = itertools.count(100_000_001)
        self._query_ids = itertools.count(7_000_000_001)
        self._file_ids = itertools.count(1)
        self._files: dict[str, SentDocument] = {}
        self._queries: dict[str, _CallbackQuery] = {}
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._faults: list[_Fault] = []
        self._cond: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing = False
        self._polls_waiting = 0
        self._poll_generation = 0
        self._poll_count = 0
        self._inflight = 0
        self._activity = 0
        self._handlers: dict[str, _Handler] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._send_message,
            "senddocument": self._send_document,
            "sendphoto": self._send_photo,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "sendchataction": self._send_chat_action,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
        }

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("FakeTelegram is already running")
        self._cond = asyncio.Condition()
        self._closing = False
        app = web.Application(client_max_size=MAX_FILE_SIZE + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind((self.host, 0))
            site = web.SockSite(runner, sock)
            await site.start()
        except BaseException:
            sock.close()
            await runner.cleanup()
            raise
        self._port = int(sock.getsockname()[1])
        self._runner = runner

    async def stop(self) -> None:
        if self._runner is None:
            return
        self._closing = True
        await self._notify()
        await self.webhook.stop()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` — pass to ``TelegramAPIServer.from_base``."""
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://{self.host}:{self._port}"

    def make_bot(self, **kwargs: Any) -> Any:
        """A real ``aiogram.Bot`` wired to this server (caller closes ``bot.session``)."""
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        session = AiohttpSession(api=TelegramAPIServer.from_base(self.base_url))
        return Bot(self.token, session=session, **kwargs)

    # ---------------------------------------------------------------- test driver: users & updates

    def add_user(
        self,
        user_id: int,
        first_name: str = "Ann",
        username: str | None = None,
        language_code: str | None = "en",
        *,
        last_name: str | None = None,
    ) -> FakeUser:
        """Register a user (and their private chat).  Re-adding updates the profile."""
        user = self._users.get(user_id)
        if user is None:
            user = FakeUser(user_id, first_name, username, language_code, last_name)
            self._users[user_id] = user
            self._chats[user_id] = _Chat(user=user, instance=str(8_000_000_000_000 + user_id * 7919))
        else:
            user.first_name, user.username = first_name, username
            user.language_code, user.last_name = language_code, last_name
        return user

    def user(self, user_id: int) -> FakeUser:
        if user_id not in self._users:
            raise AssertionError(f"unknown fake user {user_id}; call tg.add_user() first")
        return self._users[user_id]

    def block(self, user_id: int) -> None:
        """The user blocks the bot (no update is sent; see ``chat_member_update``)."""
        self.user(user_id).blocked = True

    def unblock(self, user_id: int) -> None:
        self.user(user_id).blocked = False

    async def send_text(self, user_id: int, text: str) -> int:
        """Enqueue a ``message`` update from the user in their private chat; returns message_id.

        Unknown users are added with default profile fields.
        """
        if user_id not in self._users:
            self.add_user(user_id)
        chat = self._chats[user_id]
        user = chat.user
        mid = chat.take_message_id()
        message: dict[str, Any] = {
            "message_id": mid,
            "from": user.to_api(),
            "chat": user.chat_api(),
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0] if text.strip() else text
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        chat.user_messages[mid] = message
        self._log(chat, f"user > #{mid} {_short(text)}")
        await self._enqueue({"message": message})
        return mid

    async def press(self, user_id: int, message_id: int, data: str) -> str:
        """Enqueue a ``callback_query`` with ``data`` (any string) on bot message ``message_id``.

        Returns the callback query id.
        """
        chat = self._chat_for_driver(user_id)
        sm = chat.sent_by_id.get(message_id)
        if sm is None or sm.deleted:
            raise AssertionError(
                f"chat {user_id} has no (undeleted) bot message #{message_id} to press\n{self.transcript(user_id)}"
            )
        qid = str(next(self._query_ids))
        self._queries[qid] = _CallbackQuery(qid, user_id, message_id, data)
        query = {
            "id": qid,
            "from": chat.user.to_api(),
            "message": self._message_api(chat, sm),
            "chat_instance": chat.instance,
            "data": data,
        }
        self._log(chat, f"user * pressed #{message_id} data={data!r} (query {qid})")
        await self._enqueue({"callback_query": query})
        return qid

    async def press_button(self, user_id: int, text_substring: str) -> str:
        """Press the inline callback button whose text contains ``text_substring`` on the most
        recent bot message in the chat that has one.  Returns the callback query id."""
        chat = self._chat_for_driver(user_id)
        available: list[str] = []
        for sm in reversed(chat.sent):
            if sm.deleted or sm.inline_markup is None:
                continue
            for row in sm.inline_markup["inline_keyboard"]:
                for b in row:
                    label = str(b.get("text", ""))
                    data = b.get("callback_data")
                    if text_substring in label and isinstance(data, str):
                        return await self.press(user_id, sm.message_id, data)
                    available.append(f"#{sm.message_id} {label!r} → {data or b.get('url')!r}")
        listing = "\n  ".join(available) or "(no inline buttons at all)"
        raise AssertionError(
            f"no callback button containing {text_substring!r} in chat {user_id}. Available:\n  {listing}\n"
            f"{self.transcript(user_id)}"
        )

    async def chat_member_update(self, user_id: int, status: Literal["kicked", "member"]) -> None:
        """Enqueue a ``my_chat_member`` update (user blocked / unblocked the bot) and set the
        user's blocked flag accordingly."""
        if status not in ("kicked", "member"):
            raise ValueError("status must be 'kicked' or 'member'")
        chat = self._chat_for_driver(user_id)
        old = self._member_api(chat.member_status)
        chat.member_status = status
        chat.user.blocked = status == "kicked"
        update = {
            "chat": chat.user.chat_api(),
            "from": chat.user.to_api(),
            "date": int(time.time()),
            "old_chat_member": old,
            "new_chat_member": self._member_api(status),
        }
        self._log(chat, f"user ! {'blocked' if status == 'kicked' else 'unblocked'} the bot (my_chat_member)")
        await self._enqueue({"my_chat_member": update})

    # ---------------------------------------------------------------- test driver: faults

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
        count: int = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` (case-insensitive, ``"*"`` = any method except
        getUpdates) fail with ``status``; ``chat_id`` restricts it to calls for that chat.

        429 answers "Too Many Requests: retry after N" with ``parameters.retry_after`` (N defaults to 1);
        other statuses default to the HTTP phrase ("Internal Server Error", "Bad Gateway", ...).
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                try:
                    description = HTTPStatus(status).phrase
                except ValueError:
                    description = f"Error {status}"
        self._faults.append(_Fault(method.lower(), status, description, retry_after, count, chat_id))

    def clear_faults(self) -> None:
        self._faults.clear()

    def route_webhook(self, *base_urls: str) -> None:
        """Where webhook updates really go (``http://127.0.0.1:<port>``), round-robin, as a balancer would."""
        self.webhook.route(*base_urls)

    # ---------------------------------------------------------------- test driver: inspection

    def sent(self, chat_id: int) -> list[SentMessage]:
        """Messages the bot sent to the chat, oldest first (deleted ones included, flagged)."""
        chat = self._chats.get(chat_id)
        return list(chat.sent) if chat else []

    def last(self, chat_id: int) -> SentMessage:
        """The most recent undeleted bot message in the chat (AssertionError if none)."""
        for sm in reversed(self.sent(chat_id)):
            if not sm.deleted:
                return sm
        raise AssertionError(f"the bot sent nothing to chat {chat_id}\n{self.transcript(chat_id)}")

    def chat_actions(self, chat_id: int) -> list[str]:
        chat = self._chats.get(chat_id)
        return list(chat.actions) if chat else []

    def commands(self, scope_key: str = "default", language_code: str = "") -> list[dict[str, str]]:
        """Commands set via setMyCommands for a scope key (see ``scope_key``) and language."""
        return [dict(c) for c in self._commands.get((scope_key, language_code), [])]

    @property
    def all_commands(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        return {k: [dict(c) for c in v] for k, v in self._commands.items()}

    @staticmethod
    def scope_key(scope: dict[str, Any] | None) -> str:
        """``default``, ``all_private_chats``, ``all_group_chats``, ``all_chat_administrators``,
        ``chat:<id>``, ``chat_administrators:<id>`` or ``chat_member:<chat_id>:<user_id>``."""
        if not scope:
            return "default"
        kind = scope.get("type")
        if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
            return str(kind)
        if kind in ("chat", "chat_administrators"):
            return f"{kind}:{scope.get('chat_id')}"
        if kind == "chat_member":
            return f"chat_member:{scope.get('chat_id')}:{scope.get('user_id')}"
        raise _bad("unsupported bot command scope type")

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Params of every call of ``method`` (case-insensitive), failed ones included."""
        key = method.lower()
        return [c.params for c in self.calls if c.method.lower() == key]

    @property
    def errors(self) -> list[ApiCall]:
        """Calls that got an error answer (injected faults included)."""
        return [c for c in self.calls if not c.ok]

    def assert_no_errors(self) -> None:
        if self.errors:
            lines = "\n  ".join(f"{c.method} → {c.status} {c.description}  {c.params}" for c in self.errors)
            raise AssertionError(f"the bot got API errors:\n  {lines}")

    @property
    def pending_updates(self) -> int:
        """Updates enqueued but not yet confirmed by a getUpdates offset."""
        return len(self._pending)

    @property
    def poll_count(self) -> int:
        """Number of getUpdates requests served so far."""
        return self._poll_count

    def transcript(self, chat_id: int, *, last: int | None = 60) -> str:
        """Human-readable dump of what happened in the chat (for assertion messages)."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return f"--- chat {chat_id}: unknown ---"
        lines = chat.log if last is None else chat.log[-last:]
        skipped = len(chat.log) - len(lines)
        head = f"--- chat {chat_id} ({chat.user.first_name}) transcript"
        head += f", {skipped} earlier lines omitted ---" if skipped else " ---"
        return "\n".join([head, *lines, "--- end ---"])

    # ---------------------------------------------------------------- test driver: waiting

    async def wait_for(
        self,
        chat_id: int,
        predicate: Predicate | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
        include_edits: bool = True,
    ) -> list[SentMessage]:
        """Wait until the bot has sent (or edited) ``count`` messages in the chat matching
        ``predicate`` *after this call started*; returns snapshots of them (edits have ``edited``).

        Raises AssertionError with the chat transcript on timeout.
        """
        events = self._chat_events(chat_id)
        start = len(events)
        matched: list[SentMessage] = []

        def ready() -> bool:
            matched.clear()
            for ev in self._chat_events(chat_id)[start:]:
                if not include_edits and ev.edited:
                    continue
                if predicate is None or predicate(ev):
                    matched.append(ev)
            return len(matched) >= count

        if not await self._wait_until(ready, timeout):
            raise AssertionError(
                f"timed out after {timeout}s waiting for {count} matching bot message(s) in chat {chat_id} "
                f"(got {len(matched)})\n{self.transcript(chat_id)}"
            )
        return matched[:count]

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[ApiCall]:
        """Wait until ``count`` calls of ``method`` matching ``predicate(params)`` completed after
        this call started (successful or not)."""
        key = method.lower()
        start = len(self.calls)
        matched: list[ApiCall] = []

        def ready() -> bool:
            matched.clear()
            for call in self.calls[start:]:
                if call.method.lower() == key and (predicate is None or predicate(call.params)):
                    matched.append(call)
            return len(matched) >= count

        if not await self._wait_until(ready, timeout):
            recent = "\n  ".join(f"{c.method} {c.status} {c.params}" for c in self.calls[-15:])
            raise AssertionError(
                f"timed out after {timeout}s waiting for {count} {method} call(s) (got {len(matched)}). "
                f"Recent calls:\n  {recent}"
            )
        return matched[:count]

    async def wait_idle(self, timeout: float = 5.0, *, settle: float = 0.05) -> None:  # noqa: ASYNC109
        """Wait until the bot has caught up: every enqueued update was fetched and confirmed, a
        getUpdates long poll is waiting, no other request is in flight — and that stayed so for
        ``settle`` seconds (handlers run as tasks, so one may still be between API calls)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0 or not await self._wait_until(self._is_idle, remaining):
                raise AssertionError(
                    f"bot not idle after {timeout}s: pending updates={len(self._pending)}, "
                    f"waiting polls={self._polls_waiting}, requests in flight={self._inflight} "
                    "(is the dispatcher polling?)"
                )
            mark = self._activity
            await asyncio.sleep(settle)
            if self._is_idle() and self._activity == mark:
                return

    # ---------------------------------------------------------------- internals: state helpers

    def _is_idle(self) -> bool:
        listening = self._polls_waiting > 0 or (bool(self.webhook_url) and not self.webhook.busy)
        return listening and not self._pending and self._inflight == 0

    def _chat_events(self, chat_id: int) -> list[SentMessage]:
        chat = self._chats.get(chat_id)
        return chat.events if chat else []

    def _chat_for_driver(self, user_id: int) -> _Chat:
        chat = self._chats.get(user_id)
        if chat is None:
            raise AssertionError(f"unknown fake user {user_id}; call tg.add_user() or tg.send_text() first")
        return chat

    def _log(self, chat: _Chat, line: str) -> None:
        chat.log.append(line)

    def _member_api(self, status: str) -> dict[str, Any]:
        member: dict[str, Any] = {"status": status, "user": self.bot_user.to_api()}
        if status == "kicked":
            member["until_date"] = 0
        return member

    async def _notify(self) -> None:
        if self._cond is None:
            return
        async with self._cond:
            self._cond.notify_all()

    async def _wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:  # noqa: ASYNC109
        if self._cond is None:
            raise RuntimeError("FakeTelegram is not started")
        try:
            async with self._cond:
                async with asyncio.timeout(timeout):
                    await self._cond.wait_for(predicate)
        except TimeoutError:
            return predicate()
        return True

    async def _enqueue(self, body: dict[str, Any]) -> None:
        update = {"update_id": next(self._update_ids), **body}
        self._pending.append(update)
        self._activity += 1
        await self._notify()

    def _message_api(self, chat: _Chat, sm: SentMessage) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "message_id": sm.message_id,
            "from": self.bot_user.to_api(),
            "chat": chat.user.chat_api(),
            "date": sm.date,
        }
        if sm.edit_date is not None:
            msg["edit_date"] = sm.edit_date
        if sm.reply_to_message_id is not None:
            replied = chat.user_messages.get(sm.reply_to_message_id)
            if replied is None and sm.reply_to_message_id in chat.sent_by_id:
                replied = self._message_api(chat, chat.sent_by_id[sm.reply_to_message_id])
            if replied is not None:
                msg["reply_to_message"] = replied
        if sm.text is not None:
            msg["text"] = sm.text
            if sm.entities:
                msg["entities"] = copy.deepcopy(sm.entities)
        if sm.document is not None:
            doc = sm.document
            msg["document"] = {
                "file_id": doc.file_id,
                "file_unique_id": doc.file_unique_id,
                "file_name": doc.filename,
                "mime_type": doc.mime_type,
                "file_size": len(doc.data),
            }
            if sm.caption:
                msg["caption"] = sm.caption
                if sm.caption_entities:
                    msg["caption_entities"] = copy.deepcopy(sm.caption_entities)
        if sm.inline_markup is not None:
            msg["reply_markup"] = copy.deepcopy(sm.inline_markup)
        return msg

    # ---------------------------------------------------------------- internals: HTTP

    async def _handle_unknown_path(self, request: web.Request) -> web.Response:
        return TelegramError(404, "Not Found").response()

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise _bad("can't parse JSON encoded request") from exc
            if not isinstance(body, dict):
                raise _bad("can't parse JSON encoded request")
            raw.update(body)
        elif request.method == "POST" and request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, FileField):
                    raw[key] = UploadedFile(value.filename, value.file.read(), value.content_type)
                else:
                    raw[key] = value
        params: dict[str, Any] = {}
        attached: set[str] = set()
        for key, value in raw.items():
            if isinstance(value, str) and value.startswith("attach://"):
                name = value[len("attach://") :]
                part = raw.get(name)
                if isinstance(part, UploadedFile):
                    params[key] = part
                    attached.add(name)
                    continue
            params[key] = self._coerce(key, value)
        for name in attached:  # file parts only referenced through attach://
            params.pop(name, None)
        return params

    @staticmethod
    def _coerce(key: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if key in _JSON_FIELDS:
            try:
                return json.loads(value)
            except ValueError as exc:
                if key == "reply_markup":
                    raise _bad("can't parse reply keyboard markup JSON object") from exc
                raise _bad(f"can't parse {key} JSON object") from exc
        if key in _INT_FIELDS or key == "chat_id":
            try:
                return int(value)
            except ValueError:
                return value
        if key in _BOOL_FIELDS:
            return value.strip().lower() in ("true", "1")
        return value

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return TelegramError(401, "Unauthorized").response()
        method = request.match_info["method"]
        key = method.lower()
        is_poll = key == "getupdates"
        try:
            params = await self._read_params(request)
        except TelegramError as exc:
            return exc.response()
        if not is_poll:
            self._inflight += 1
            self._activity += 1
        call = ApiCall(method, params)
        try:
            try:
                fault = None if is_poll else await self.network.before(key)
                if fault == "drop":
                    call.status, call.description = 0, "connection dropped (injected)"
                    if request.transport is not None:
                        request.transport.close()
                    return web.Response(status=502)
                if fault is not None:
                    raise TelegramError(502, "Bad Gateway")
                self._apply_faults(key, params)
                if not is_poll and (wait := self.network.check_flood(key, params.get("chat_id"))) is not None:
                    raise TelegramError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
                handler = self._handlers.get(key)
                if handler is None:
                    raise TelegramError(404, "Not Found: method not found")
                result = await handler(params)
            except TelegramError as exc:
                call.status, call.description = exc.status, exc.description
                self._log_failure(method, params, exc)
                if is_poll:  # failed polls are rare and interesting: record them
                    self.calls.append(call)
                    await self._notify()
                else:
                    await self.network.after()
                return exc.response()
            if not is_poll:
                await self.network.after()
            return web.json_response({"ok": True, "result": result})
        finally:
            if not is_poll:
                self._inflight -= 1
                self._activity += 1
                self.calls.append(call)
                await self._notify()

    def _apply_faults(self, key: str, params: dict[str, Any]) -> None:
        for fault in self._faults:
            if fault.method not in (key, "*") or (fault.method == "*" and key == "getupdates"):
                continue
            if fault.chat_id is not None and str(params.get("chat_id")) != str(fault.chat_id):
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            raise TelegramError(fault.status, fault.description, retry_after=fault.retry_after)

    def _log_failure(self, method: str, params: dict[str, Any], exc: TelegramError) -> None:
        chat_id = params.get("chat_id")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None and method.lower() == "answercallbackquery":
            query_user = next(
                (c.user_id for c in self._queries.values() if c.id == params.get("callback_query_id")), None
            )
            chat = self._chats.get(query_user) if query_user is not None else None
        if chat is not None:
            self._log(chat, f"bot  ! {method} failed: {exc.status} {exc.description}")
        logger.info("fake telegram: %s -> %s %s", method, exc.status, exc.description)

    # ---------------------------------------------------------------- internals: validation

    def _target_chat(self, params: dict[str, Any], *, check_blocked: bool = True) -> _Chat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        chat = self._chats.get(raw) if isinstance(raw, int) else None
        if chat is None:
            raise _bad("chat not found")
        if check_blocked and chat.user.blocked:
            raise TelegramError(403, "Forbidden: bot was blocked by the user")
        return chat

    @staticmethod
    def _message_id(params: dict[str, Any]) -> int:
        value = params.get("message_id")
        if not isinstance(value, int):
            raise _bad("message identifier is not specified")
        return value

    def _format(
        self, text: str, parse_mode: Any, entities: Any
    ) -> tuple[str, str | None, list[dict[str, Any]], str | None]:
        """-> (plain text, raw html or None, entities, parse_mode)."""
        mode = parse_mode if isinstance(parse_mode, str) and parse_mode.strip() else None
        if mode is None:
            if entities is not None and not isinstance(entities, list):
                raise _bad("can't parse entities JSON object")
            return text, None, list(entities or []), None
        lowered = mode.strip().lower()
        if lowered == "html":
            try:
                parsed = parse_html(text, strict_ampersand=self.strict_html)
            except HtmlParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from exc
            return parsed.text, text, parsed.entities, mode
        if lowered in ("markdown", "markdownv2"):
            return text, None, [], mode
        raise _bad("unsupported parse_mode")

    def _check_text(self, plain: str) -> None:
        if plain == "":
            raise _bad("message text is empty")
        if not plain.strip():
            raise _bad("text must be non-empty")
        if utf16_len(plain) > MAX_TEXT_LENGTH:
            raise _bad("message is too long")

    def _parse_markup(self, value: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
        if value is None or value == "":
            return None
        if not isinstance(value, dict):
            raise _bad("object expected as reply markup")
        if "inline_keyboard" in value:
            rows = value["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "inline_keyboard" must be of type Array')
            total = 0
            for row in rows:
                for button in row:
                    self._check_inline_button(button)
                    total += 1
            if total > 100:
                raise _bad("BUTTONS_TOO_MUCH")
            return copy.deepcopy(value)
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in value:
            rows = value["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" must be of type Array')
            for row in rows:
                for button in row:
                    if isinstance(button, str):
                        continue
                    if not isinstance(button, dict) or "text" not in button:
                        raise _bad("can't parse keyboard button: Can't find field \"text\"")
                    if not isinstance(button["text"], str):
                        raise _bad('can\'t parse keyboard button: Field "text" must be of type String')
        elif "remove_keyboard" in value:
            if not isinstance(value["remove_keyboard"], bool):
                raise _bad('field "remove_keyboard" must be of type Boolean')
        elif "force_reply" in value:
            if not isinstance(value["force_reply"], bool):
                raise _bad('field "force_reply" must be of type Boolean')
        else:
            raise _bad("can't parse reply keyboard markup JSON object")
        return copy.deepcopy(value)

    @staticmethod
    def _check_inline_button(button: Any) -> None:
        prefix = "can't parse inline keyboard button: "
        if not isinstance(button, dict):
            raise _bad(prefix + "Object expected")
        if "text" not in button:
            raise _bad(prefix + 'Can\'t find field "text"')
        if not isinstance(button["text"], str):
            raise _bad(prefix + 'Field "text" must be of type String')
        actions = [k for k in _INLINE_ACTIONS if button.get(k) not in (None, "", False)]
        if not actions:
            raise _bad(prefix + "Text buttons are unallowed in the inline keyboard")
        data = button.get("callback_data")
        if data not in (None, ""):
            if not isinstance(data, str):
                raise _bad(prefix + 'Field "callback_data" must be of type String')
            if len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
                raise _bad("BUTTON_DATA_INVALID")
        url = button.get("url")
        if url not in (None, ""):
            if not isinstance(url, str):
                raise _bad(prefix + 'Field "url" must be of type String')
            reason = _url_error(url)
            if reason is not None:
                raise _bad(f"inline keyboard button URL '{url}' is invalid: {reason}")

    def _check_rate(self, chat: _Chat) -> None:
        limit = self.per_chat_limit
        if limit is None:
            return
        now = time.monotonic()
        while chat.send_times and chat.send_times[0] <= now - 1.0:
            chat.send_times.popleft()
        if len(chat.send_times) >= limit:
            raise TelegramError(429, "Too Many Requests: retry after 1", retry_after=1)
        chat.send_times.append(now)

    def _reply_to(self, chat: _Chat, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters")
        if reply is None and isinstance(params.get("reply_to_message_id"), str):
            reply = {"message_id": int(params["reply_to_message_id"])}
        if not reply:
            return None
        if not isinstance(reply, dict) or "message_id" not in reply:
            raise _bad('can\'t find field "message_id"')
        mid = reply["message_id"]
        exists = mid in chat.user_messages or (mid in chat.sent_by_id and not chat.sent_by_id[mid].deleted)
        if not exists:
            if reply.get("allow_sending_without_reply"):
                return None
            raise _bad("message to be replied not found")
        return int(mid)

    def _store_sent(self, chat: _Chat, sm: SentMessage) -> dict[str, Any]:
        chat.sent.append(sm)
        chat.sent_by_id[sm.message_id] = sm
        chat.events.append(sm.snapshot())
        self._log(chat, f"bot  < #{sm.message_id} {_render_message(sm)}")
        return self._message_api(chat, sm)

    def _find_editable(self, chat: _Chat, mid: int) -> SentMessage:
        sm = chat.sent_by_id.get(mid)
        if sm is None or sm.deleted:
            if mid in chat.user_messages:
                raise _bad("message can't be edited")
            raise _bad("message to edit not found")
        return sm

    def _record_edit(self, chat: _Chat, sm: SentMessage, previous: SentMessage, what: str) -> dict[str, Any]:
        sm.history.append(previous)
        sm.edit_date = int(time.time())
        chat.events.append(sm.snapshot())
        self._log(chat, f"bot  ~ #{sm.message_id} edited {what}: {_render_message(sm)}")
        return self._message_api(chat, sm)

    # ---------------------------------------------------------------- API methods

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self._poll_count += 1
        if self.webhook_url:
            raise TelegramError(409, WEBHOOK_ACTIVE)
        offset = params.get("offset")
        limit = params.get("limit")
        timeout = params.get("timeout")
        offset = offset if isinstance(offset, int) else 0
        limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
        timeout = max(timeout, 0) if isinstance(timeout, int) else 0
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]
        if not self._pending and timeout > 0 and not self._closing:
            self._poll_generation += 1
            generation = self._poll_generation
            self._polls_waiting += 1
            try:
                await self._notify()  # wakes the superseded poll (if any) and wait_idle
                await self._wait_until(
                    lambda: bool(self._pending) or self._closing or self._poll_generation != generation,
                    timeout,
                )
            finally:
                self._polls_waiting -= 1
            if self._poll_generation != generation and not self._closing:
                raise TelegramError(409, POLL_CONFLICT)
        return copy.deepcopy(self._pending[:limit])

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url") or ""
        if not isinstance(url, str):
            raise _bad("bad webhook: Failed to resolve host: Name or service not known")
        if url and not url.lower().startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token") or ""
        if not isinstance(secret, str) or (secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret)):
            raise _bad("bad webhook: secret token contains unallowed characters")
        self.webhook_url = url
        self.webhook.secret = secret
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook.kick()
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        text = params.get("text")
        if not isinstance(text, str) or text == "":
            raise _bad("message text is empty")
        chat = self._target_chat(params)
        plain, html, entities, mode = self._format(text, params.get("parse_mode"), params.get("entities"))
        self._check_text(plain)
        markup = self._parse_markup(params.get("reply_markup"))
        reply_to = self._reply_to(chat, params)
        self._check_rate(chat)
        sm = SentMessage(
            message_id=chat.take_message_id(),
            chat_id=chat.user.id,
            date=int(time.time()),
            method="sendMessage",
            text=plain,
            html=html,
            parse_mode=mode,
            entities=entities,
            reply_markup=markup,
            reply_to_message_id=reply_to,
        )
        return self._store_sent(chat, sm)

    async def _send_document(self, params: dict[str, Any], method: str = "sendDocument") -> dict[str, Any]:
        document = params.get("document")
        if document is None or document == "":
            raise _bad("there is no document in the request")
        chat = self._target_chat(params)
        if isinstance(document, UploadedFile):
            if not document.data:
                raise _bad("file must be non-empty")
            n = next(self._file_ids)
            filename = document.filename or "document"
            mime = (
                document.content_type
                if document.content_type and document.content_type != "application/octet-stream"
                else mimetypes.guess_type(filename)[0] or "application/octet-stream"
            )
            doc = SentDocument(filename, document.data, mime, f"BQACAgFake{n:06d}", f"AgADFake{n:06d}")
            self._files[doc.file_id] = doc
        elif isinstance(document, str) and document in self._files:
            doc = self._files[document]
        else:
            raise _bad("wrong file identifier/HTTP URL specified")
        caption_raw = params.get("caption")
        caption: str | None = None
        caption_html: str | None = None
        caption_entities: list[dict[str, Any]] = []
        mode: str | None = None
        if isinstance(caption_raw, str) and caption_raw:
            caption, caption_html, caption_entities, mode = self._format(
                caption_raw, params.get("parse_mode"), params.get("caption_entities")
            )
            if utf16_len(caption) > MAX_CAPTION_LENGTH:
                raise _bad("message caption is too long")
        markup = self._parse_markup(params.get("reply_markup"))
        reply_to = self._reply_to(chat, params)
        self._check_rate(chat)
        sm = SentMessage(
            message_id=chat.take_message_id(),
            chat_id=chat.user.id,
            date=int(time.time()),
            method=method,
            parse_mode=mode,
            reply_markup=markup,
            document=doc,
            caption=caption,
            caption_html=caption_html,
            caption_entities=caption_entities,
            reply_to_message_id=reply_to,
        )
        return self._store_sent(chat, sm)

    async def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        """A photo upload, kept like a document so tests can read its bytes. Telegram refuses what isn't
        an image (PNG, JPEG, WebP here); the stored message is marked as a sendPhoto."""
        photo = params.get("photo")
        if isinstance(photo, UploadedFile) and not photo.data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8", b"RIFF")):
            raise _bad("IMAGE_PROCESS_FAILED")
        if photo is None or photo == "":
            raise _bad("there is no photo in the request")
        return await self._send_document({**params, "document": photo}, method="sendPhoto")

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        text = params.get("text")
        if not isinstance(text, str) or text == "":
            raise _bad("message text is empty")
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._target_chat(params)
        sm = self._find_editable(chat, self._message_id(params))
        if sm.text is None:
            raise _bad("there is no text in the message to edit")
        plain, html, entities, mode = self._format(text, params.get("parse_mode"), params.get("entities"))
        self._check_text(plain)
        markup = self._parse_markup(params.get("reply_markup"), inline_only=True)
        if plain == sm.text and entities == sm.entities and markup == sm.inline_markup:
            raise _bad(NOT_MODIFIED)
        previous = sm.snapshot()
        previous.history = []
        sm.text, sm.html, sm.entities, sm.parse_mode, sm.reply_markup = plain, html, entities, mode, markup
        return self._record_edit(chat, sm, previous, "text")

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._target_chat(params)
        sm = self._find_editable(chat, self._message_id(params))
        markup = self._parse_markup(params.get("reply_markup"), inline_only=True)
        if markup == sm.inline_markup:
            raise _bad(NOT_MODIFIED)
        previous = sm.snapshot()
        previous.history = []
        sm.reply_markup = markup
        return self._record_edit(chat, sm, previous, "reply_markup")

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        chat = self._target_chat(params, check_blocked=False)
        mid = self._message_id(params)
        sm = chat.sent_by_id.get(mid)
        if sm is not None and not sm.deleted:
            sm.deleted = True
            self._log(chat, f"bot  x #{mid} deleted")
            return True
        if mid in chat.user_messages:
            del chat.user_messages[mid]
            self._log(chat, f"bot  x user message #{mid} deleted")
            return True
        raise _bad("message to delete not found")

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        qid = params.get("callback_query_id")
        query = self._queries.pop(qid, None) if isinstance(qid, str) else None
        if query is None:
            raise _bad(QUERY_TOO_OLD)
        text = params.get("text")
        cache_time = params.get("cache_time")
        answer = CallbackAnswer(
            callback_query_id=query.id,
            user_id=query.user_id,
            message_id=query.message_id,
            data=query.data,
            text=text if isinstance(text, str) and text else None,
            show_alert=bool(params.get("show_alert")),
            url=params.get("url") or None,
            cache_time=cache_time if isinstance(cache_time, int) else None,
        )
        self.callback_answers.append(answer)
        chat = self._chats.get(query.user_id)
        if chat is not None:
            shown = f" {'alert' if answer.show_alert else 'toast'}={answer.text!r}" if answer.text else ""
            self._log(chat, f"bot  ✓ answered query {query.id}{shown}")
        return True

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        chat = self._target_chat(params)
        action = params.get("action")
        if action not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        chat.actions.append(str(action))
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope")
        if scope is not None and not isinstance(scope, dict):
            raise _bad("can't parse BotCommandScope JSON object")
        key = self.scope_key(scope)
        if scope and scope.get("type") in ("chat", "chat_administrators", "chat_member"):
            chat_id = scope.get("chat_id")
            if not isinstance(chat_id, int) or chat_id not in self._chats:
                raise _bad("chat not found")
        language = params.get("language_code") or ""
        if not isinstance(language, str) or (language and not re.fullmatch(r"[a-z]{2}", language)):
            raise _bad("invalid language code specified")
        return key, language

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("too many commands specified")
        stored: list[dict[str, str]] = []
        for item in commands:
            if not isinstance(item, dict):
                raise _bad("can't parse BotCommand JSON object")
            command = str(item.get("command", "")).lower()
            description = item.get("description")
            if not _COMMAND_RE.match(command):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not description.strip() or len(description) > 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            stored.append({"command": command, "description": description})
        key = self._commands_key(params)
        if stored:
            self._commands[key] = stored
        else:
            self._commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return [dict(c) for c in self._commands.get(self._commands_key(params), [])]

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True
