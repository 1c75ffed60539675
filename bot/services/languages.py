"""Each person's own language: stored on the caregiver row and on the therapist row (one person may be both)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Caregiver, Therapist


class LanguageService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def therapist_language(self, telegram_id: int) -> str | None:
        """The stored language of someone who is not a caregiver (a therapist, an admin), if any."""
        async with self._sessions() as s:
            return await s.scalar(select(Therapist.language_code).where(Therapist.telegram_id == telegram_id))

    async def choose(self, telegram_id: int, locale: str) -> bool:
        """Store a language chosen with /language on every row this person has. False if they have none yet
        (nothing is stored before consent; their Telegram language is used until then)."""
        async with self._sessions() as s, s.begin():
            changed = 0
            for model in (Caregiver, Therapist):
                result = await s.execute(
                    update(model).where(model.telegram_id == telegram_id).values(language_code=locale)
                )
                changed += result.rowcount or 0  # type: ignore[attr-defined]
        return changed > 0
