"""What the fake Bot API stores: users, chats, sent messages, files, callback answers."""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any


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
