"""Telegram's limits and the descriptions it answers with, shared by the fake Bot API's modules."""

from __future__ import annotations

import logging
import re
from typing import Final

logger = logging.getLogger("bot.sandbox")

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
