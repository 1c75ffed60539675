"""Fake Telegram Bot API server for end-to-end tests (see ``server.py``)."""

from tests.fakebot.network import Chaos, Network
from tests.fakebot.server import (
    DEFAULT_TOKEN,
    ApiCall,
    CallbackAnswer,
    FakeTelegram,
    FakeUser,
    HtmlParseError,
    ParsedHtml,
    SentDocument,
    SentMessage,
    TelegramError,
    UploadedFile,
    parse_html,
    utf16_len,
)

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "CallbackAnswer",
    "Chaos",
    "FakeTelegram",
    "FakeUser",
    "HtmlParseError",
    "Network",
    "ParsedHtml",
    "SentDocument",
    "SentMessage",
    "TelegramError",
    "UploadedFile",
    "parse_html",
    "utf16_len",
]
