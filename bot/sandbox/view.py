"""What the chat page shows: messages as JSON, their formatting rebuilt from Telegram's entities.

The page never sees the bot's raw HTML. It gets HTML rebuilt here from the plain text and the entities the
server parsed, so only Telegram's tags reach the browser, every text is escaped, and links are http(s) or t.me.
"""

from __future__ import annotations

import html
import re
from typing import Any, Final

from bot.sandbox.models import SentMessage

_TAGS: Final = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ('<span class="spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "pre": ("<pre>", "</pre>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ("<blockquote>", "</blockquote>"),
}
_URL_RE: Final = re.compile(r"https?://[^\s<>\"']+")


def _link(url: str, inner: str) -> str:
    if not url.startswith(("http://", "https://", "tg://")):
        return inner
    return f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">{inner}</a>'


def _plain(text: str) -> str:
    """Escape a run of text; bare URLs become links, as Telegram shows them."""
    out, at = [], 0
    for m in _URL_RE.finditer(text):
        out.append(html.escape(text[at : m.start()]))
        url = m.group(0).rstrip(".,;:!?)")
        out.append(_link(url, html.escape(url)))
        at = m.start() + len(url)
    out.append(html.escape(text[at:]))
    return "".join(out)


def _open_close(entity: dict[str, Any]) -> tuple[str, str]:
    kind = entity.get("type")
    if kind == "text_link":
        url = str(entity.get("url", ""))
        if url.startswith(("http://", "https://", "tg://")):
            return (f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">', "</a>")
        return ("", "")
    return _TAGS.get(str(kind), ("", ""))


def entities_to_html(text: str, entities: list[dict[str, Any]]) -> str:
    """Rebuild HTML from ``text`` and its entities (offsets in UTF-16 units, properly nested as Telegram's are)."""
    units = text.encode("utf-16-le")
    bounds = {0, len(units) // 2}
    for e in entities:
        bounds.update((int(e["offset"]), int(e["offset"]) + int(e["length"])))
    ordered = sorted(entities, key=lambda e: (int(e["offset"]), -int(e["length"])))
    out: list[str] = []
    stack: list[tuple[int, str]] = []  # (end, closing tag)
    points = sorted(bounds)
    for i, pos in enumerate(points):
        while stack and stack[-1][0] <= pos:
            out.append(stack.pop()[1])
        for e in ordered:
            if int(e["offset"]) == pos and int(e["length"]) > 0:
                opening, closing = _open_close(e)
                out.append(opening)
                stack.append((pos + int(e["length"]), closing))
        if i + 1 < len(points):
            chunk = units[pos * 2 : points[i + 1] * 2].decode("utf-16-le")
            inside_link = any(c == "</a>" for _, c in stack)
            out.append(html.escape(chunk) if inside_link else _plain(chunk))
    while stack:
        out.append(stack.pop()[1])
    return "".join(out)


def _keyboard(sm: SentMessage) -> tuple[list[list[dict[str, str]]], list[list[str]] | None]:
    markup = sm.reply_markup or {}
    inline = [
        [
            {"text": str(b.get("text", "")), "data": str(b["callback_data"])}
            if "callback_data" in b
            else {"text": str(b.get("text", "")), "url": str(b.get("url", ""))}
            for b in row
        ]
        for row in markup.get("inline_keyboard", [])
    ]
    reply = None
    if "keyboard" in markup:
        reply = [[b if isinstance(b, str) else str(b.get("text", "")) for b in row] for row in markup["keyboard"]]
    return inline, reply


def message_view(sm: SentMessage) -> dict[str, Any]:
    inline, reply = _keyboard(sm)
    view: dict[str, Any] = {
        "id": sm.message_id,
        "from": "bot",
        "date": sm.date,
        "edited": sm.edited,
        "html": entities_to_html(sm.text, sm.entities) if sm.text is not None else "",
        "buttons": inline,
        "reply_keyboard": reply,
        "remove_keyboard": bool((sm.reply_markup or {}).get("remove_keyboard")),
    }
    if sm.document is not None:
        view["file"] = {
            "id": sm.document.file_id,
            "name": sm.document.filename,
            "mime": sm.document.mime_type,
            "size": len(sm.document.data),
            "photo": sm.method == "sendPhoto",
        }
        view["html"] = entities_to_html(sm.caption or "", sm.caption_entities)
    return view


def user_view(message_id: int, update_message: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": message_id,
        "from": "user",
        "date": update_message.get("date", 0),
        "html": _plain(str(update_message.get("text", ""))),
    }
