"""/healthz, /readyz and /metrics, served by aiohttp on HEALTH_PORT (polling) or beside the webhook.

/healthz answers while the process runs. /readyz answers 200 only when the database answers and the bot is
started (polling mode) or its webhook is set (webhook mode), so a balancer sends updates to ready instances only.
/metrics serves the default Prometheus registry, which holds every metric the bot defines.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Gauge, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

LEADER = Gauge("bot_leader", "1 while this instance long-polls Telegram for updates")
READY = Gauge("bot_ready", "1 while this instance reports ready on /readyz")

DB_CHECK_TIMEOUT = 2.0


@dataclass
class Readiness:
    """What /readyz reports. The run mode sets `started` once the bot runs (and, for webhooks, the hook is set)."""

    engine: AsyncEngine
    mode: str  # "polling" or "webhook"
    started: bool = False

    def set_started(self, started: bool) -> None:
        self.started = started
        READY.set(1 if started else 0)  # /readyz refines it with the database check each time it is asked

    async def database_ok(self) -> bool:
        try:
            async with asyncio.timeout(DB_CHECK_TIMEOUT), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (Exception, TimeoutError):
            log.warning("readiness: the database did not answer")
            return False
        return True

    async def check(self) -> tuple[bool, dict[str, str]]:
        db = await self.database_ok()
        what = "webhook" if self.mode == "webhook" else "bot"
        checks = {
            "database": "ok" if db else "unreachable",
            what: "ok" if self.started else ("not set" if self.mode == "webhook" else "starting"),
        }
        ready = db and self.started
        READY.set(1 if ready else 0)
        return ready, checks


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def _readyz(readiness: Readiness) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        ready, checks = await readiness.check()
        body = {"status": "ready" if ready else "not ready", "mode": readiness.mode, **checks}
        return web.json_response(body, status=200 if ready else 503)

    return handler


async def _metrics(request: web.Request) -> web.Response:
    body = await asyncio.to_thread(generate_latest, REGISTRY)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def ops_app(readiness: Readiness) -> web.Application:
    app = web.Application()
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz(readiness))
    app.router.add_get("/metrics", _metrics)
    return app


class HttpServer:
    """An aiohttp application on an already bound socket (bound early, so a port in use fails start-up)."""

    def __init__(self, app: web.Application, sock: socket.socket, *, shutdown_timeout: float = 10.0) -> None:
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=shutdown_timeout)
        self._sock = sock

    @property
    def port(self) -> int:
        return int(self._sock.getsockname()[1])

    async def start(self) -> None:
        await self._runner.setup()
        await web.SockSite(self._runner, self._sock).start()

    async def stop(self) -> None:
        """Stop accepting, let requests in flight finish (bounded by shutdown_timeout), then close."""
        await self._runner.cleanup()
