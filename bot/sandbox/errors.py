"""Errors the fake Bot API answers with, as Telegram words them."""

from __future__ import annotations

from typing import Any

from aiohttp import web


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
