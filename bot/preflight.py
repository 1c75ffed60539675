"""Start-up checks that turn the usual deployment mistakes into one line saying what to do.

Each check raises `StartupError` with that line; `__main__` prints it and exits non-zero. The original exception
stays attached (`__cause__`), so `LOG_LEVEL=DEBUG` can still show the traceback.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import logging
import os
import socket
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from bot.db.engine import create_engine, ensure_sqlite_dir

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

DB_TIMEOUT = 10.0
REDIS_TIMEOUT = 5.0
TELEGRAM_FIRST_BACKOFF = 1.0
TELEGRAM_MAX_BACKOFF = 15.0


class StartupError(Exception):
    """The bot cannot start; the message is one line that names the fix."""


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock, derived from a readable name."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


MIGRATION_LOCK = lock_key("family-coach-bot:migrations")


def _root(exc: BaseException) -> BaseException:
    """The driver's own error under SQLAlchemy's wrappers."""
    seen = exc
    for _ in range(5):
        inner = getattr(seen, "orig", None) or seen.__cause__
        if inner is None:
            break
        seen = inner
    return seen


def _where(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def _pg_problem(url: URL, exc: BaseException) -> str:
    root = _root(exc)
    state = getattr(root, "sqlstate", None)
    if state == "3D000":
        return (
            f'PostgreSQL database "{url.database}" does not exist on {_where(url)}. '
            f"Create it (createdb {url.database}) or fix the database name in DATABASE_URL."
        )
    if state in ("28P01", "28000"):
        return (
            f'PostgreSQL at {_where(url)} refused user "{url.username}". Fix the user name or password in DATABASE_URL.'
        )
    if isinstance(root, TimeoutError):
        return (
            f"PostgreSQL at {_where(url)} did not answer within {DB_TIMEOUT:.0f} s. "
            "Check that it is running and reachable from here, or fix the host in DATABASE_URL."
        )
    if isinstance(root, OSError):
        return (
            f"cannot reach PostgreSQL at {_where(url)} ({root.strerror or root}). "
            "Start PostgreSQL or fix the host and port in DATABASE_URL."
        )
    return f"PostgreSQL at {_where(url)} failed: {type(root).__name__}: {root}. Check DATABASE_URL."


def _sqlite_problem(url: URL, exc: BaseException) -> str:
    path = Path(url.database or "").expanduser()
    root = _root(exc)
    if path.is_dir():
        return (
            f"DATABASE_URL points at a folder ({path}), not a file. "
            "Add a file name, e.g. sqlite+aiosqlite:///./data/bot.sqlite3."
        )
    reason = root.strerror if isinstance(root, OSError) and root.strerror else str(root)
    blocker = next((p for p in path.parents if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        reason = f"{blocker} is a file, not a folder"
    return (
        f"cannot open the SQLite database {path} ({reason}). Make sure its folder exists and the bot's user can "
        "write to it, or point DATABASE_URL at another file."
    )


async def check_database(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _check_sqlite(url)
        return
    engine = create_engine(database_url)
    try:
        async with asyncio.timeout(DB_TIMEOUT), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (Exception, TimeoutError) as exc:
        raise StartupError(_pg_problem(url, exc)) from exc
    finally:
        await engine.dispose()


def _check_sqlite(url: URL) -> None:
    """With the standard library: a failed aiosqlite connect leaves a worker thread that outlives the loop."""
    try:
        ensure_sqlite_dir(url.render_as_string(hide_password=False))
        if url.database and url.database != ":memory:":
            conn = sqlite3.connect(Path(url.database).expanduser(), timeout=5)
            try:
                conn.execute("SELECT 1")
            finally:
                conn.close()
    except (OSError, sqlite3.Error) as exc:
        raise StartupError(_sqlite_problem(url, exc)) from exc


# The folder holding this bot package, so the migration child imports this very package.
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)


async def _upgrade(database_url: str) -> None:
    """Alembic's upgrade to head in a child process (`python -m bot.db.migrate`, the URL on stdin, never in
    argv): imported here, Alembic and the migrations would keep about 10 MiB of the bot's RSS for good."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (_PACKAGE_ROOT, os.environ.get("PYTHONPATH")) if p))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.db.migrate",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    _, err = await proc.communicate(database_url.encode())
    output = err.decode(errors="replace").strip()
    if proc.returncode != 0:
        log.debug("migration output:\n%s", output)
        last = output.splitlines()[-1] if output else f"exit status {proc.returncode}"
        raise StartupError(
            f"database migrations failed ({last[:200]}). Run python -m bot migrate with LOG_LEVEL=DEBUG to see why."
        )
    if output:
        log.info("migrations: %s", output)


async def migrate(database_url: str) -> None:
    """Apply migrations; on PostgreSQL under an advisory lock, so instances starting together take turns."""
    if make_url(database_url).get_backend_name() == "sqlite":
        await _upgrade(database_url)
        return
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
            await conn.commit()
            try:
                await _upgrade(database_url)
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
                await conn.commit()
    finally:
        await engine.dispose()


async def check_redis(redis_url: str) -> None:
    from redis.asyncio import Redis
    from redis.exceptions import AuthenticationError, RedisError

    client = Redis.from_url(redis_url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
    parts = urlsplit(redis_url)
    where = parts.path if parts.scheme == "unix" else f"{parts.hostname or 'localhost'}:{parts.port or 6379}"
    try:
        await client.ping()
    except AuthenticationError as exc:
        raise StartupError(f"Redis at {where} refused the password. Fix the password in REDIS_URL.") from exc
    except (RedisError, OSError) as exc:
        raise StartupError(
            f"cannot reach Redis at {where} ({exc}). Start Redis or fix REDIS_URL; "
            "unset REDIS_URL to run a single instance without it."
        ) from exc
    finally:
        await client.aclose()


async def wait_for_telegram(bot: Bot, api_url: str, timeout: float) -> None:  # noqa: ASYNC109
    """getMe until Telegram answers: network faults and 5xx are retried with backoff, for at most `timeout`."""
    # Imported here: the checks before this one fail fast without loading aiogram.
    from aiogram.exceptions import (
        TelegramNetworkError,
        TelegramRetryAfter,
        TelegramServerError,
        TelegramUnauthorizedError,
    )

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    delay = TELEGRAM_FIRST_BACKOFF
    while True:
        try:
            me = await bot.get_me(request_timeout=max(1, int(min(10.0, timeout))))
        except TelegramUnauthorizedError as exc:
            raise StartupError(
                "Telegram rejected BOT_TOKEN (401 Unauthorized): it was revoked or mistyped. "
                "Copy the current token from @BotFather into .env."
            ) from exc
        except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as exc:
            left = deadline - loop.time()
            if left <= 0:
                raise StartupError(
                    f"cannot reach Telegram at {api_url} after {timeout:.0f} s. Check this machine's network, "
                    "firewall and proxy, or TELEGRAM_API_URL."
                ) from exc
            wait = min(float(exc.retry_after) if isinstance(exc, TelegramRetryAfter) else delay, left)
            log.warning("Telegram is not reachable at %s (%s); retrying in %.0f s", api_url, _brief(exc), wait)
            await asyncio.sleep(wait)
            delay = min(delay * 2, TELEGRAM_MAX_BACKOFF)
            continue
        log.debug("Telegram answered: bot id %s", me.id)
        return


def _brief(exc: Exception) -> str:
    text_ = str(getattr(exc, "message", "") or exc)
    return text_.splitlines()[0][:160] if text_ else type(exc).__name__


def bind_socket(host: str, port: int, setting: str) -> socket.socket:
    """Bind the listening socket now, so a port in use stops start-up before anything else happens."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise StartupError(
                f"port {port} on {host} is already in use. Stop the program using it or set {setting} to a free port."
            ) from exc
        raise StartupError(f"cannot listen on {host}:{port} ({exc.strerror}). Fix {setting}.") from exc
    sock.setblocking(False)
    return sock
