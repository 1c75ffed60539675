"""FSM state in Redis (when REDIS_URL is set), imported only then: see bot.fsm_storage.build_storage."""

from __future__ import annotations

from aiogram.fsm.storage.redis import RedisStorage


class RedisFsmStorage(RedisStorage):
    """aiogram's RedisStorage, closed once at exit.

    aiogram closes the storage whenever polling stops, but an instance that loses and regains the polling lock
    stops and starts polling while it keeps running, so the run mode calls `dispose` at the very end instead.
    """

    async def close(self) -> None:
        return None

    async def dispose(self) -> None:
        await super().close()
