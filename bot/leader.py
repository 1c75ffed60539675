"""Which instance long-polls Telegram: the holder of a PostgreSQL advisory lock.

Telegram lets one getUpdates caller per token at a time; two pollers knock each other off with 409 Conflict.
The lock lives on a dedicated connection held for as long as this instance polls. If the process dies, PostgreSQL
drops the connection and with it the lock, and another instance takes it on its next try.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import NullPool

from bot.db.engine import create_engine
from bot.preflight import lock_key

log = logging.getLogger(__name__)

CHECK_TIMEOUT = 5.0


def polling_lock_key(bot_id: int) -> int:
    """One lock per bot token, so several bots may share a database."""
    return lock_key(f"family-coach-bot:polling:{bot_id}")


class PollingLock:
    def __init__(self, database_url: str, key: int) -> None:
        # NullPool: closing the connection really closes it, so a lock can never linger on a pooled connection.
        self._engine: AsyncEngine = create_engine(database_url, poolclass=NullPool)
        self._key = key
        self._conn: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None

    async def try_acquire(self) -> bool:
        """Take the lock if nobody holds it. A database error counts as 'not now'; the caller tries again."""
        if self._conn is not None:
            return True
        conn: AsyncConnection | None = None
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):
                conn = await self._engine.connect()
                got = await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key})
                await conn.commit()
        except (Exception, TimeoutError) as exc:
            log.warning("could not ask for the polling lock (%s); will try again", type(exc).__name__)
            await self._close(conn)
            return False
        if got:
            self._conn = conn
            return True
        await self._close(conn)
        return False

    async def still_held(self) -> bool:
        """The lock lasts as long as its connection; a dead connection means another instance may poll now."""
        if self._conn is None:
            return False
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):
                await self._conn.execute(text("SELECT 1"))
                await self._conn.commit()
        except (Exception, TimeoutError):
            await self.release()
            return False
        return True

    async def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(CHECK_TIMEOUT):
                    await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
                    await conn.commit()
        await self._close(conn)

    async def dispose(self) -> None:
        await self.release()
        await self._engine.dispose()

    @staticmethod
    async def _close(conn: AsyncConnection | None) -> None:
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()
