"""Telegram's HTML parse mode: the tags it accepts and the errors it gives, measured in UTF-16."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from bot.sandbox.errors import utf16_len
from bot.sandbox.rules import _URL_SCHEMES


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
