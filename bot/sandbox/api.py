"""The embedded Bot API server's public names, in one place (``tests.fakebot`` re-exports them)."""

from bot.sandbox.errors import TelegramError, utf16_len
from bot.sandbox.html import HtmlParseError, ParsedHtml, parse_html
from bot.sandbox.models import ApiCall, CallbackAnswer, FakeUser, SentDocument, SentMessage, UploadedFile
from bot.sandbox.network import Chaos, Network
from bot.sandbox.rules import (
    DEFAULT_TOKEN,
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    NOT_MODIFIED,
    POLL_CONFLICT,
    QUERY_TOO_OLD,
    WEBHOOK_ACTIVE,
)
from bot.sandbox.server import FakeTelegram

__all__ = [
    "DEFAULT_TOKEN",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_TEXT_LENGTH",
    "NOT_MODIFIED",
    "POLL_CONFLICT",
    "QUERY_TOO_OLD",
    "WEBHOOK_ACTIVE",
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
