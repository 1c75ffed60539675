"""aiogram FSM storage: in our own database by default, in Redis when REDIS_URL is set.

Either way conversation state survives restarts and is shared by every instance. The database needs no extra
service; Redis takes the many small writes of busy conversations off the database when there are many instances.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.db.models import FsmRecord


def _key(key: StorageKey) -> str:
    return f"{key.bot_id}:{key.chat_id}:{key.user_id}:{key.thread_id or 0}:{key.destiny}"


class SqlStorage(BaseStorage):
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def _upsert(self, key: StorageKey, **values: Any) -> None:
        k = _key(key)
        async with self._sessions() as s, s.begin():
            rec = await s.get(FsmRecord, k, with_for_update=True)
            if rec is None:
                rec = FsmRecord(key=k, state=None, data=None, updated_at=self._clock.now())
                for name, value in values.items():
                    setattr(rec, name, value)
                if rec.state is not None or rec.data:
                    s.add(rec)
                return
            for name, value in values.items():
                setattr(rec, name, value)
            rec.updated_at = self._clock.now()
            if rec.state is None and not rec.data:
                await s.delete(rec)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._upsert(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._sessions() as s:
            return await s.scalar(select(FsmRecord.state).where(FsmRecord.key == _key(key)))

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._upsert(key, data=json.dumps(dict(data)) if data else None)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._sessions() as s:
            raw = await s.scalar(select(FsmRecord.data).where(FsmRecord.key == _key(key)))
        if not raw:
            return {}
        loaded = json.loads(raw)
        return loaded if isinstance(loaded, dict) else {}

    async def forget_user(self, user_id: int) -> None:
        """Erase every state for a user (used by /delete)."""
        async with self._sessions() as s, s.begin():
            await s.execute(delete(FsmRecord).where(FsmRecord.key.like(f"%:{user_id}:%")))

    async def close(self) -> None:
        return None


def build_storage(settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> BaseStorage:
    if settings.redis_url:
        # Imported here: the Redis client costs about 7 MiB of RSS, which a bot without Redis never needs.
        from bot.fsm_redis import RedisFsmStorage

        # Keys carry the bot id, so several bots can share one Redis database.
        return RedisFsmStorage.from_url(settings.redis_url, key_builder=DefaultKeyBuilder(with_bot_id=True))
    return SqlStorage(sessions, clock)


async def dispose_storage(storage: BaseStorage) -> None:
    dispose = getattr(storage, "dispose", None)  # RedisFsmStorage's real close
    if dispose is not None:
        await dispose()
    else:
        await storage.close()
