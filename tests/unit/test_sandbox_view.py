"""The sandbox page's formatting: HTML rebuilt from Telegram's entities, so only Telegram's tags reach a browser."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.sandbox.clock import MovableClock
from bot.sandbox.html import parse_html
from bot.sandbox.models import SentDocument, SentMessage
from bot.sandbox.view import entities_to_html, message_view


def _round_trip(source: str) -> str:
    parsed = parse_html(source)
    return entities_to_html(parsed.text, parsed.entities)


def test_telegram_tags_survive_and_nest() -> None:
    assert _round_trip("<b>Hi <i>there</i></b> you") == "<b>Hi <i>there</i></b> you"
    assert _round_trip("<code>a&lt;b</code>") == "<code>a&lt;b</code>"
    assert _round_trip("<blockquote>calm</blockquote>") == "<blockquote>calm</blockquote>"
    assert _round_trip("<tg-spoiler>s</tg-spoiler>") == '<span class="spoiler">s</span>'


def test_offsets_are_utf16_so_emoji_before_a_tag_keep_it_in_place() -> None:
    assert _round_trip("🌱 <b>Why</b> 💬 <i>say</i>") == "🌱 <b>Why</b> 💬 <i>say</i>"


def test_text_is_escaped_and_unsafe_links_dropped() -> None:
    text = '<script>alert(1)</script> & "x"'
    assert entities_to_html(text, []) == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"
    js = entities_to_html("tap", [{"type": "text_link", "offset": 0, "length": 3, "url": "javascript:alert(1)"}])
    assert js == "tap"
    ok = entities_to_html("tap", [{"type": "text_link", "offset": 0, "length": 3, "url": 'https://e.org/?a=1&b="'}])
    assert ok.startswith('<a href="https://e.org/?a=1&amp;b=&quot;"') and ok.endswith(">tap</a>")
    unknown = entities_to_html("x", [{"type": "made_up", "offset": 0, "length": 1}])
    assert unknown == "x"


def test_bare_urls_become_links_as_telegram_shows_them() -> None:
    out = entities_to_html("Join: https://t.me/coach_bot?start=p_abc.", [])
    assert out == (
        'Join: <a href="https://t.me/coach_bot?start=p_abc" target="_blank" rel="noopener noreferrer">'
        "https://t.me/coach_bot?start=p_abc</a>."
    )


def test_message_view_has_keyboards_and_files() -> None:
    doc = SentDocument("progress.png", b"\x89PNG", "image/png", "f1", "u1")
    sm = SentMessage(
        message_id=7,
        chat_id=1,
        date=0,
        method="sendPhoto",
        document=doc,
        caption="Your weeks",
        reply_markup={
            "inline_keyboard": [[{"text": "Go", "callback_data": "d:t:1"}, {"text": "Web", "url": "https://e.org"}]]
        },
    )
    view = message_view(sm)
    assert view["file"] == {"id": "f1", "name": "progress.png", "mime": "image/png", "size": 4, "photo": True}
    assert view["html"] == "Your weeks"
    assert view["buttons"] == [[{"text": "Go", "data": "d:t:1"}, {"text": "Web", "url": "https://e.org"}]]
    reply = SentMessage(1, 1, 0, "sendMessage", text="Pick", reply_markup={"keyboard": [["A", {"text": "B"}]]})
    assert message_view(reply)["reply_keyboard"] == [["A", "B"]]


def test_movable_clock_runs_with_real_time_and_only_jumps_forward() -> None:
    clock = MovableClock()
    start = clock.now()
    moved = clock.advance(timedelta(hours=1))
    assert moved - start >= timedelta(minutes=59)
    assert clock.jump_to(start) >= moved  # the past does not move it back
    later = clock.jump_to(moved + timedelta(days=2))
    assert later >= moved + timedelta(days=2)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(timedelta(seconds=-1))
