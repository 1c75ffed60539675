"""The sandbox end to end over HTTP: the real bot, the embedded Bot API, and the page's JSON API and events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest

from bot.content import Library
from bot.sandbox.page import ADMIN_ID
from bot.sandbox.run import Running
from tests.e2e.sandbox_fixtures import PageClient, start_sandbox

PARENT, CO_PARENT = 1002, 1003


@pytest.fixture
async def running(sqlite_url: str, library: Library) -> AsyncIterator[Running]:
    async for r in start_sandbox(sqlite_url, library):
        yield r


@pytest.fixture
async def page(running: Running) -> AsyncIterator[PageClient]:
    async with aiohttp.ClientSession() as http:
        yield PageClient(http, running)


async def test_page_and_assets_are_served_on_loopback(running: Running, page: PageClient) -> None:
    assert running.address.startswith("http://127.0.0.1:")
    async with page.http.get(running.address + "/") as r:
        html = await r.text()
        assert r.status == 200 and "nothing leaves this machine" in html.lower()
    for name, kind in (("app.js", "javascript"), ("style.css", "css")):
        async with page.http.get(f"{running.address}/sandbox/static/{name}") as r:
            assert r.status == 200 and kind in r.content_type
    async with page.http.get(f"{running.address}/sandbox/static/../run.py") as r:
        assert r.status == 404
    state = await page.get("state")
    assert {p["role"] for p in state["people"]} == {"parent", "co-parent", "therapist", "admin"}
    # The menu comes from the bot's own setMyCommands; the admin's chat has its own, longer list.
    parent_menu = {c["command"] for c in state["commands"][str(PARENT)]}
    admin_menu = {c["command"] for c in state["commands"][str(ADMIN_ID)]}
    assert {"prompt", "progress", "export"} <= parent_menu
    assert admin_menu - parent_menu  # e.g. the admin's approvals


async def test_set_up_next_prompt_tried_it_progress_and_export(running: Running, page: PageClient) -> None:
    await page.set_up_parent(PARENT)
    before = running.clock.now()
    waiter = await page._expect(PARENT, "Try saying", 30)
    moved = await page.post("clock", {"action": "next_prompt"})
    assert moved["note"] == ""
    prompt = (await waiter)[0]
    assert running.clock.now() > before
    chat = await page.get(f"chat/{PARENT}")
    shown = next(m for m in chat["messages"] if m["id"] == prompt.message_id)
    assert "<b>" in shown["html"] or "<i>" in shown["html"]  # the bot's formatting survives
    await page.tap(PARENT, "We tried it", "Went well")

    photo = await page.say(PARENT, "/progress", "Your last 8 weeks", timeout=40)
    assert photo.document is not None
    chat = await page.get(f"chat/{PARENT}")
    item = next(m for m in chat["messages"] if m["id"] == photo.message_id)
    assert item["file"]["photo"] is True
    async with page.http.get(f"{running.address}/sandbox/api/files/{item['file']['id']}?download=1") as r:
        assert r.status == 200 and r.content_type == "image/png"
        assert "attachment" in r.headers["Content-Disposition"]
        assert (await r.read()).startswith(b"\x89PNG")

    export = await page.say(PARENT, "/export", "", timeout=30)
    waited = 0
    while export.document is None and waited < 3:  # /export may say a line before the file
        export = (await running.tg.wait_for(PARENT, lambda m: m.document is not None, timeout=30))[0]
        waited += 1
    assert export.document is not None and export.document.filename.endswith(".json")
    running.tg.assert_no_errors()


async def test_clock_without_a_family_says_what_to_do_and_hour_moves_time(running: Running, page: PageClient) -> None:
    before = running.clock.now()
    nothing = await page.post("clock", {"action": "next_prompt"})
    assert "finish a parent's set-up" in nothing["note"]
    await page.post("clock", {"action": "hour"})
    assert running.clock.now() - before >= timedelta(minutes=59)
    await page.post("clock", {"action": "day"})
    assert running.clock.now() - before >= timedelta(hours=24, minutes=59)
    await page.post("clock", {"action": "back"}, status=400)


async def test_people_are_added_and_bad_requests_get_clear_answers(page: PageClient) -> None:
    added = await page.post("people", {"name": "Jo", "role": "co-parent"})
    assert added["role"] == "co-parent" and added["id"] > 1004
    state = await page.get("state")
    assert any(p["name"] == "Jo" for p in state["people"])
    assert "name" in (await page.post("people", {"name": " ", "role": "parent"}, status=400))["error"]
    assert "parent" in (await page.post("people", {"name": "X", "role": "king"}, status=400))["error"]
    assert (await page.post(f"chat/{PARENT}/send", {"text": ""}, status=400))["error"]
    assert (await page.post(f"chat/{PARENT}/send", {"text": "x" * 4097}, status=400))["error"]
    await page.post(f"chat/{PARENT}/press", {"message_id": 999, "data": "ob:agree::0"}, status=404)
    await page.post(f"chat/{PARENT}/press", {"data": "x"}, status=400)
    async with page.http.get(f"{page.base}/sandbox/api/chat/424242") as r:
        assert r.status == 404
    async with page.http.get(f"{page.base}/sandbox/api/files/nope") as r:
        assert r.status == 404


async def test_invite_deep_link_opens_as_another_person(running: Running, page: PageClient) -> None:
    await page.set_up_parent(PARENT)
    await page.say(PARENT, "/settings", "Your settings")
    await page.tap(PARENT, "Co-parents", "Co-parents")
    invite = await page.tap(PARENT, "Invite a co-parent", "start=p_")
    chat = await page.get(f"chat/{PARENT}")
    html = next(m["html"] for m in chat["messages"] if m["id"] == invite.message_id)
    assert f'href="https://t.me/{running.tg.bot_user.username}?start=' in html  # a link the page can open
    payload = html.split("?start=", 1)[1].split('"', 1)[0]
    # The page sends "/start <payload>" as the person picked to open it.
    await page.say(CO_PARENT, f"/start {payload}", "invited to join a family", timeout=20)
    await page.tap(CO_PARENT, "I agree", "You've joined your family")


async def test_events_stream_announces_changes(page: PageClient) -> None:
    async with page.http.get(f"{page.base}/sandbox/api/events") as r:
        assert r.content_type == "text/event-stream"
        first = await asyncio.wait_for(r.content.readuntil(b"\n\n"), 10)
        assert first.startswith(b"event: change")
        await page.post(f"chat/{PARENT}/send", {"text": "/help"})
        nxt = await asyncio.wait_for(r.content.readuntil(b"\n\n"), 10)
        assert nxt.startswith(b"event: change")
