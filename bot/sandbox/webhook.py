"""Webhook delivery for the fake Bot API: what Telegram does once setWebhook is called.

Each pending update is POSTed as JSON to the webhook, with ``X-Telegram-Bot-Api-Secret-Token`` when a secret was
set. A 2xx answer confirms the update; anything else (or no answer) leaves it pending, to be tried again.

Telegram only calls public HTTPS URLs, while the bot under test listens on plain HTTP on 127.0.0.1, so tests name
the real targets with ``route_webhook``: the path of the registered URL is posted to each target in turn, as a
TLS-terminating load balancer in front of several instances would do.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import aiohttp

if TYPE_CHECKING:
    from bot.sandbox.core import _Core as FakeTelegram

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_DELAY = 0.05
REQUEST_TIMEOUT = 30.0


@dataclass(frozen=True)
class WebhookDelivery:
    update_id: int
    target: str
    status: int  # 0 when the target did not answer


class WebhookPusher:
    def __init__(self, tg: FakeTelegram) -> None:
        self._tg = tg
        self.secret = ""
        self.targets: list[str] = []
        self.deliveries: list[WebhookDelivery] = []
        self.busy = False
        self._next = itertools.count()
        self._task: asyncio.Task[None] | None = None

    def route(self, *base_urls: str) -> None:
        self.targets = [u.rstrip("/") for u in base_urls]
        self.kick()

    def kick(self) -> None:
        """Start delivering if a webhook is set (called by setWebhook and route)."""
        if self._tg.webhook_url and (self._task is None or self._task.done()):
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _active(self) -> bool:
        return bool(self._tg.webhook_url) and not self._tg._closing

    async def _run(self) -> None:
        tg = self._tg
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while self._active():
                await tg._wait_until(lambda: bool(tg._pending and self.targets) or not self._active(), 1.0)
                if not (self._active() and tg._pending and self.targets):
                    continue
                update = tg._pending[0]
                if not await self._deliver(http, update):
                    await asyncio.sleep(RETRY_DELAY)

    async def _deliver(self, http: aiohttp.ClientSession, update: dict[str, object]) -> bool:
        tg = self._tg
        parts = urlsplit(tg.webhook_url)
        target = self.targets[next(self._next) % len(self.targets)]
        url = target + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {SECRET_HEADER: self.secret} if self.secret else {}
        self.busy = True
        status = 0
        try:
            async with http.post(url, json=update, headers=headers) as resp:
                await resp.read()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        finally:
            self.busy = False
            uid = update["update_id"]
            assert isinstance(uid, int)
            self.deliveries.append(WebhookDelivery(uid, target, status))
        if 200 <= status < 300:
            tg._pending = [u for u in tg._pending if u["update_id"] != update["update_id"]]
        tg._activity += 1
        await tg._notify()
        return 200 <= status < 300
