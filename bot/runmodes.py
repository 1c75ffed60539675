"""How a running instance gets its updates: long polling (one elected instance) or a webhook (any number).

Both modes serve /healthz, /readyz and /metrics, run the scheduler's loops on every instance, and stop on
SIGTERM or SIGINT: stop taking updates, let the work in flight finish, close everything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramServerError

from bot.db.engine import is_sqlite
from bot.fsm_storage import dispose_storage
from bot.leader import PollingLock, polling_lock_key
from bot.preflight import StartupError, bind_socket
from bot.web.ops import LEADER, HttpServer, Readiness, ops_app
from bot.web.webhook import WebhookHandler

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What a run mode shares with the outside: a stop request, readiness, the HTTP port, the polling role."""

    stop: asyncio.Event = field(default_factory=asyncio.Event)
    readiness: Readiness | None = None
    server: HttpServer | None = None
    polling: bool = False

    @property
    def port(self) -> int | None:
        return self.server.port if self.server is not None else None


async def run_polling(app: App, *, handle_signals: bool, sock: socket.socket | None = None) -> None:
    s = app.settings
    readiness = Readiness(app.engine, "polling")
    server = HttpServer(ops_app(readiness), sock or bind_socket(s.health_host, s.health_port, "HEALTH_PORT"))
    await _serve(app, server, readiness, handle_signals, _elect_and_poll)


async def run_webhook(app: App, *, handle_signals: bool, sock: socket.socket | None = None) -> None:
    s = app.settings
    readiness = Readiness(app.engine, "webhook")
    web_app = ops_app(readiness)
    WebhookHandler(app.dp, app.bot, s.webhook_secret).attach(web_app, s.webhook_url)
    server = HttpServer(web_app, sock or bind_socket(s.webhook_host, s.webhook_port, "WEBHOOK_PORT"))
    await _serve(app, server, readiness, handle_signals, _serve_webhook)


Body = Callable[["App", Readiness], Awaitable[None]]


async def _serve(app: App, server: HttpServer, readiness: Readiness, handle_signals: bool, body: Body) -> None:
    rt = app.runtime
    rt.readiness, rt.server = readiness, server
    await server.start()
    log.info("serving /healthz, /readyz and /metrics on port %s", server.port)
    with _signals(app, handle_signals):
        try:
            await app.startup()
            await body(app, readiness)
        finally:
            readiness.set_started(False)
            try:
                await server.stop()  # first: webhook updates in flight finish while the bot can still reply
            finally:
                try:
                    await app.shutdown()
                finally:
                    await dispose_storage(app.dp.storage)


@contextlib.contextmanager
def _signals(app: App, enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, app.request_stop)
    try:
        yield
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


async def _serve_webhook(app: App, readiness: Readiness) -> None:
    s = app.settings
    # Every instance sets the same URL and secret: idempotent, so no instance is special.
    try:
        await app.bot.set_webhook(
            s.webhook_url,
            secret_token=s.webhook_secret,
            allowed_updates=app.dp.resolve_used_update_types(),
            drop_pending_updates=False,
        )
    except TelegramBadRequest as exc:
        raise StartupError(f"Telegram refused WEBHOOK_URL {s.webhook_url}: {exc.message}. Fix WEBHOOK_URL.") from exc
    readiness.set_started(True)
    log.info("webhook set; updates arrive on port %s", app.runtime.port)
    await app.runtime.stop.wait()


async def _elect_and_poll(app: App, readiness: Readiness) -> None:
    """Poll while holding the lock; otherwise keep dispatching and sending, and try again now and then.

    SQLite means one instance by definition, so it polls without a lock.
    """
    readiness.set_started(True)
    rt, s = app.runtime, app.settings
    lock = None if is_sqlite(s.database_url) else PollingLock(s.database_url, polling_lock_key(app.bot.id))
    waiting_said = False
    try:
        while not rt.stop.is_set():
            if lock is None or await lock.try_acquire():
                if lock is not None:
                    log.info("this instance now polls Telegram for updates")
                waiting_said = False
                if not await _poll(app, lock):
                    return
            elif not waiting_said:
                log.info("another instance polls Telegram; this one dispatches and sends, and takes over if it stops")
                waiting_said = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(rt.stop.wait(), s.leader_retry_seconds)
    finally:
        if lock is not None:
            await lock.dispose()


async def _poll(app: App, lock: PollingLock | None) -> bool:
    """Long-poll until asked to stop (False) or until the lock is lost or Telegram failed us (True: try again)."""
    rt, s = app.runtime, app.settings
    try:
        await app.bot.delete_webhook(drop_pending_updates=False)
    except (TelegramNetworkError, TelegramServerError) as exc:
        log.warning("could not switch Telegram to polling (%s); trying again soon", type(exc).__name__)
        if lock is not None:
            await lock.release()
        return True
    rt.polling = True
    LEADER.set(1)
    poll = asyncio.create_task(
        app.dp.start_polling(
            app.bot,
            handle_signals=False,
            close_bot_session=False,
            polling_timeout=s.polling_timeout,
            allowed_updates=app.dp.resolve_used_update_types(),
        )
    )
    stop = asyncio.create_task(rt.stop.wait())
    watch = asyncio.create_task(_watch(lock, s.leader_retry_seconds)) if lock is not None else None
    try:
        tasks = {t for t in (poll, stop, watch) if t is not None}
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        lost = watch is not None and watch in done
        if lost:
            log.warning("lost the polling lock (database connection gone); stopping polling")
        if not poll.done():
            try:
                await app.dp.stop_polling()
            except RuntimeError:  # not started yet
                poll.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await poll
        return lost
    finally:
        for t in (stop, watch):
            if t is not None:
                t.cancel()
        rt.polling = False
        LEADER.set(0)
        if lock is not None:
            await lock.release()


async def _watch(lock: PollingLock, interval: float) -> None:
    """Returns when the lock's connection is gone: this instance must stop polling."""
    while True:
        await asyncio.sleep(interval)
        if not await lock.still_held():
            return
