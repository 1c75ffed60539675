"""A million families in seconds: rows generated inside the database (`INSERT ... SELECT` over a number series),
on PostgreSQL (`generate_series`) or SQLite (a recursive CTE), straight into a migrated database.

Every family is onboarded, one caregiver and one child each, with two sent deliveries of history whose nudges are
settled; 10% are inactive. None is due: ``make_due`` then makes the first ``n`` due now.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.models import Family

TELEGRAM_BASE = 10_000_000


def _series(dialect: str, n: int) -> str:
    """A FROM clause naming one integer column ``g`` running 1..n."""
    if dialect == "postgresql":
        return f"generate_series(1, {n}) AS s(g)"
    return f"(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {n}) SELECT g FROM s) AS s"


def _stamp(at: datetime) -> str:
    """A literal both backends read as naive UTC (the models' storage format)."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def statements(dialect: str, n: int, now: datetime) -> list[str]:
    series = _series(dialect, n)
    later = _stamp(now + timedelta(days=2))
    onboarded = _stamp(now - timedelta(days=60))
    true, false = ("true", "false") if dialect == "postgresql" else ("1", "0")
    active = "g % 10 <> 0" if dialect == "postgresql" else "(g % 10 <> 0)"
    out = [
        f"""INSERT INTO families (id, timezone, send_time, cadence, nudges_enabled, active,
              next_send_at, onboarded_at, created_at)
            SELECT g, 'Europe/London', '19:00:00.000000', 'three', {true}, {active},
              '{later}', '{onboarded}', '{onboarded}' FROM {series}""",
        f"""INSERT INTO caregivers (id, telegram_id, family_id, role, language_code, consented_at, created_at)
            SELECT g, {TELEGRAM_BASE} + g, g, 'owner', 'en', '{onboarded}', '{onboarded}' FROM {series}""",
        f"""INSERT INTO children (id, family_id, nickname, birth_year, birth_month, position, created_at)
            SELECT g, g, NULL, 2018, 1 + g % 12, 0, '{onboarded}' FROM {series}""",
    ]
    for days in (2, 5):  # two sent prompts of history per family, their nudges settled
        slot = _stamp(now - timedelta(days=days))
        nudge = _stamp(now - timedelta(days=days) + timedelta(hours=3))
        out.append(
            f"""INSERT INTO deliveries (family_id, child_id, prompt_id, band, skill, kind, slot_at, status, attempts,
                  next_attempt_at, sent_at, remind_later, created_at, nudge_due_at, nudge_status, chat_id,
                  message_id)
                SELECT g, g, 'sch-notice-finger-check-in', 'school', 'notice', 'scheduled', '{slot}', 'sent', 1,
                  '{slot}', '{slot}', {false}, '{slot}', '{nudge}', 'cancelled', {TELEGRAM_BASE} + g, {days}
                FROM {series}"""
        )
    if dialect == "postgresql":
        out += [
            f"SELECT setval('families_id_seq', {n})",
            f"SELECT setval('caregivers_id_seq', {n})",
            f"SELECT setval('children_id_seq', {n})",
        ]
    out.append("ANALYZE")
    return out


async def seed_million(engine: AsyncEngine, n: int, now: datetime) -> None:
    dialect = engine.dialect.name
    async with engine.begin() as conn:
        for sql in statements(dialect, n, now):
            await conn.exec_driver_sql(sql)


async def make_due(engine: AsyncEngine, n: int, at: datetime) -> list[int]:
    """The first ``n`` (active) families due at ``at``; returns their caregivers' Telegram ids."""
    ids = [i for i in range(1, n * 2) if i % 10 != 0][:n]
    async with engine.begin() as conn:
        await conn.execute(update(Family).where(Family.id.in_(ids)).values(next_send_at=at))
    return [TELEGRAM_BASE + i for i in ids]
