"""Starting the sandbox in-process for tests, and driving it through its page's HTTP API like the browser does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from bot.config import Settings
from bot.content import Library
from bot.sandbox.models import SentMessage
from bot.sandbox.run import Running, run_sandbox
from bot.sandbox.server import FakeTelegram


def sandbox_test_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": "",
        "sandbox_port": 0,  # any free port: tests run side by side
        "tick_seconds": 3600.0,  # the page's clock control runs the ticks
        "send_poll_seconds": 3600.0,
        "polling_timeout": 1,
        "per_chat_interval": 0.0,
        "default_timezone": "Europe/London",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def start_sandbox(db_url: str, library: Library) -> AsyncIterator[Running]:
    started: asyncio.Future[Running] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        run_sandbox(
            sandbox_test_settings(), library, database_url=db_url, handle_signals=False, on_started=started.set_result
        )
    )
    done, _ = await asyncio.wait({task, started}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()  # start-up failed: raise its error
    running = started.result()
    await running.tg.wait_idle(timeout=30)
    try:
        yield running
    finally:
        running.app.request_stop()
        await asyncio.wait_for(task, 30)


def _shown(m: SentMessage) -> str:
    return " ".join([m.text or m.caption or "", *(text for text, _ in m.buttons)])


class PageClient:
    """What the page's JavaScript does, over the same HTTP API."""

    def __init__(self, http: aiohttp.ClientSession, running: Running) -> None:
        self.http = http
        self.base = running.address
        self.tg: FakeTelegram = running.tg

    async def get(self, path: str) -> dict[str, Any]:
        async with self.http.get(f"{self.base}/sandbox/api/{path}") as r:
            assert r.status == 200, await r.text()
            data: dict[str, Any] = await r.json()
            return data

    async def post(self, path: str, body: Any, status: int = 200) -> dict[str, Any]:
        async with self.http.post(f"{self.base}/sandbox/api/{path}", json=body) as r:
            assert r.status == status, await r.text()
            data: dict[str, Any] = await r.json()
            return data

    async def _expect(self, uid: int, expect: str, timeout: float) -> asyncio.Task[list[SentMessage]]:  # noqa: ASYNC109
        """Start waiting before acting, so a quick reply is not missed."""
        waiter = asyncio.create_task(self.tg.wait_for(uid, lambda m: expect in _shown(m), timeout=timeout))
        await asyncio.sleep(0)  # let it note where the chat stands
        return waiter

    async def say(self, uid: int, text: str, expect: str, timeout: float = 15) -> SentMessage:  # noqa: ASYNC109
        waiter = await self._expect(uid, expect, timeout)
        await self.post(f"chat/{uid}/send", {"text": text})
        return (await waiter)[0]

    async def last_with_button(self, uid: int, label: str) -> tuple[int, str]:
        chat = await self.get(f"chat/{uid}")
        for msg in reversed(chat["messages"]):
            for row in msg.get("buttons") or []:
                for b in row:
                    if label in b["text"] and "data" in b:
                        return int(msg["id"]), str(b["data"])
        raise AssertionError(f"no button {label!r} in the chat of {uid}")

    async def tap(self, uid: int, label: str, expect: str, timeout: float = 15) -> SentMessage:  # noqa: ASYNC109
        mid, data = await self.last_with_button(uid, label)
        waiter = await self._expect(uid, expect, timeout)
        await self.post(f"chat/{uid}/press", {"message_id": mid, "data": data})
        return (await waiter)[0]

    async def set_up_parent(self, uid: int) -> None:
        await self.say(uid, "/start", "Is that OK with you?")
        await self.tap(uid, "I agree", "Let's add your child")
        await self.say(uid, "Mia", "When was")
        await self.say(uid, "2021-05", "Is there another child")
        await self.tap(uid, "That's everyone", "Which timezone")
        await self.say(uid, "berlin", "What time suits you")
        await self.say(uid, "7pm", "How often")
        await self.tap(uid, "Every day", "You're all set")
        await self.tap(uid, "I'll wait", "first one will arrive")
