"""The chat page's HTTP side: static files, a small JSON API, and Server-Sent Events for live updates.

It is mounted on the embedded Bot API server's own aiohttp app, so the sandbox is one port on 127.0.0.1.
Everything a visitor does goes through the same driver API the end-to-end tests use (send_text, press).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from importlib import resources
from typing import Any, Final

from aiohttp import web

from bot.sandbox.clock import MovableClock
from bot.sandbox.server import FakeTelegram
from bot.sandbox.view import message_view, user_view

log = logging.getLogger(__name__)

ROLES: Final = ("parent", "co-parent", "therapist", "admin")
ADMIN_ID: Final = 1001
STARTING_PEOPLE: Final = (
    (ADMIN_ID, "Morgan", "admin"),
    (1002, "Sam", "parent"),
    (1003, "Alex", "co-parent"),
    (1004, "Robin", "therapist"),
)
_STATIC: Final = {"index.html": "text/html", "app.js": "text/javascript", "style.css": "text/css"}
_MAX_TEXT: Final = 4096
SSE_KEEPALIVE: Final = 15.0
_STEPS: Final = {"hour": timedelta(hours=1), "day": timedelta(days=1)}


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: str


# Moves the clock to the next due prompt and runs a tick; returns the time it moved to, or None if none is due.
NextPrompt = Callable[[], Awaitable[datetime | None]]
Tick = Callable[[], Awaitable[None]]


class SandboxPage:
    def __init__(self, tg: FakeTelegram, clock: MovableClock, tick: Tick, next_prompt: NextPrompt) -> None:
        self.tg = tg
        self.clock = clock
        self._tick = tick
        self._next_prompt = next_prompt
        self.people: dict[int, Person] = {}
        for uid, name, role in STARTING_PEOPLE:
            self.add_person(name, role, uid)
        tg.extra_routes.append(self.attach)

    def add_person(self, name: str, role: str, uid: int | None = None) -> Person:
        uid = uid if uid is not None else max(self.people, default=ADMIN_ID) + 1
        person = Person(uid, name, role)
        self.people[uid] = person
        self.tg.add_user(uid, first_name=name, language_code="en")
        return person

    def attach(self, app: web.Application) -> None:
        r = app.router
        r.add_get("/", self._index)
        r.add_get("/sandbox/static/{name}", self._static)
        r.add_get("/sandbox/api/state", self._state)
        r.add_post("/sandbox/api/people", self._add_person)
        r.add_get("/sandbox/api/chat/{uid}", self._chat)
        r.add_post("/sandbox/api/chat/{uid}/send", self._send)
        r.add_post("/sandbox/api/chat/{uid}/press", self._press)
        r.add_get("/sandbox/api/files/{file_id}", self._file)
        r.add_post("/sandbox/api/clock", self._clock)
        r.add_get("/sandbox/api/events", self._events)

    # ---- pages ---------------------------------------------------------------------------------------------

    async def _index(self, request: web.Request) -> web.StreamResponse:
        return self._asset("index.html")

    async def _static(self, request: web.Request) -> web.StreamResponse:
        return self._asset(request.match_info["name"])

    def _asset(self, name: str) -> web.Response:
        if name not in _STATIC:
            raise web.HTTPNotFound(text="no such file")
        body = resources.files("bot.sandbox").joinpath("static", name).read_bytes()
        return web.Response(body=body, content_type=_STATIC[name], charset="utf-8", headers=_NO_STORE)

    # ---- API -----------------------------------------------------------------------------------------------

    async def _state(self, request: web.Request) -> web.Response:
        return _json(
            {
                "bot": {"name": self.tg.bot_user.first_name, "username": self.tg.bot_user.username},
                "people": [asdict(p) for p in self.people.values()],
                "roles": list(ROLES),
                "commands": {str(uid): self._commands(uid) for uid in self.people},
                "clock": self.clock.now().isoformat(timespec="minutes"),
                "version": self.tg.version,
            }
        )

    def _commands(self, uid: int) -> list[dict[str, str]]:
        """The menu this person sees: their own chat's commands if the bot set any, else the default ones."""
        for scope in (f"chat:{uid}", "all_private_chats", "default"):
            if commands := self.tg.commands(scope):
                return commands
        return []

    async def _add_person(self, request: web.Request) -> web.Response:
        body = await _body(request)
        name = str(body.get("name", "")).strip()[:40]
        role = str(body.get("role", "parent"))
        if not name:
            return _error("Give the new person a name.")
        if role not in ROLES:
            return _error(f"Pick one of: {', '.join(ROLES)}.")
        person = self.add_person(name, role)
        await self.tg.touch()
        return _json(asdict(person))

    def _person(self, request: web.Request) -> Person:
        try:
            return self.people[int(request.match_info["uid"])]
        except (KeyError, ValueError):
            raise web.HTTPNotFound(text="no such person") from None

    async def _chat(self, request: web.Request) -> web.Response:
        person = self._person(request)
        users, sent = self.tg.history(person.id)
        items = [user_view(mid, m) for mid, m in users.items()] + [message_view(sm) for sm in sent]
        items.sort(key=lambda m: int(m["id"]))
        answers = [
            {"id": a.callback_query_id, "text": a.text, "alert": a.show_alert}
            for a in self.tg.callback_answers
            if a.user_id == person.id and a.text
        ]
        return _json({"person": asdict(person), "messages": items, "answers": answers, "version": self.tg.version})

    async def _send(self, request: web.Request) -> web.Response:
        person = self._person(request)
        text = str((await _body(request)).get("text", "")).strip()
        if not text:
            return _error("Type a message first.")
        if len(text) > _MAX_TEXT:
            return _error(f"Telegram takes at most {_MAX_TEXT} characters in one message.")
        mid = await self.tg.send_text(person.id, text)
        return _json({"message_id": mid})

    async def _press(self, request: web.Request) -> web.Response:
        person = self._person(request)
        body = await _body(request)
        try:
            mid, data = int(body["message_id"]), str(body["data"])
        except (KeyError, TypeError, ValueError):
            return _error("A button press needs message_id and data.")
        _, sent = self.tg.history(person.id)
        if not any(sm.message_id == mid for sm in sent):
            return _error("That message is gone.", status=404)
        query_id = await self.tg.press(person.id, mid, data)
        return _json({"query_id": query_id})

    async def _file(self, request: web.Request) -> web.Response:
        doc = self.tg.file(request.match_info["file_id"])
        if doc is None:
            raise web.HTTPNotFound(text="no such file")
        disposition = "attachment" if request.query.get("download") else "inline"
        safe_name = "".join(c for c in doc.filename if c.isalnum() or c in "._-") or "file"
        headers = {"Content-Disposition": f'{disposition}; filename="{safe_name}"', **_NO_STORE}
        return web.Response(body=doc.data, content_type=doc.mime_type, headers=headers)

    async def _clock(self, request: web.Request) -> web.Response:
        action = str((await _body(request)).get("action", ""))
        note = ""
        if action in _STEPS:
            self.clock.advance(_STEPS[action])
            await self._tick()
        elif action == "next_prompt":
            if await self._next_prompt() is None:
                note = "No prompt is scheduled yet: finish a parent's set-up first (send /start as the parent)."
        else:
            return _error("Unknown clock action.")
        await self.tg.touch()
        return _json({"clock": self.clock.now().isoformat(timespec="minutes"), "note": note})

    async def _events(self, request: web.Request) -> web.StreamResponse:
        """Server-Sent Events: one ``change`` event whenever anything in the sandbox changed."""
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream", **_NO_STORE})
        await resp.prepare(request)
        seen = -1
        try:
            while True:
                version = await self.tg.wait_changed(seen, SSE_KEEPALIVE)
                if version != seen:
                    seen = version
                    await resp.write(f"event: change\ndata: {version}\n\n".encode())
                else:
                    await resp.write(b": keep-alive\n\n")
                if self.tg.closing:
                    break
        except ConnectionResetError:
            pass  # the tab closed
        return resp


_NO_STORE: Final = {"Cache-Control": "no-store"}


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text="expected a JSON body") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return body


def _json(data: dict[str, Any]) -> web.Response:
    return web.json_response(data, headers=_NO_STORE)


def _error(message: str, status: int = 400) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=_NO_STORE)
