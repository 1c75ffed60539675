"""Bulk seeding of onboarded families straight through the ORM models (no service calls).

Every family's next slot falls in the hour before ``due_at`` (send times and cadences are chosen per time zone
so that it does), so moving the clock to just after ``due_at`` makes each family due for exactly one slot,
well inside the dispatcher's grace period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.content import Library
from bot.db.models import Caregiver, Child, Delivery, Family
from bot.domain.bands import band_for
from bot.domain.schedule import CADENCE_DAYS, Cadence, next_slot

ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "UTC",
    "Pacific/Auckland",
)
# (year, month) giving toddler, school-age and teen children in March 2026.
BIRTHS = ((2023, 5), (2018, 2), (2012, 4), (2022, 11), (2015, 9), (2010, 1))
NICKNAMES = ("Mia", "Leo", None, "Sam", "Ava", "Noah", None, "Zoe")
CHUNK = 1000  # rows per executemany


@dataclass(frozen=True)
class Seeded:
    family_ids: list[int]
    telegram_ids: list[int]
    slots: dict[int, datetime]  # family id -> its next_send_at
    children: int
    history_rows: int


def _cadence_for(i: int, weekday: int) -> Cadence:
    fitting = [c for c in CADENCE_DAYS if weekday in CADENCE_DAYS[c]]
    return fitting[i % len(fitting)]


async def seed_families(
    sessions: async_sessionmaker[AsyncSession],
    library: Library,
    n: int,
    *,
    due_at: datetime,
    history: int = 0,
    telegram_base: int = 10_000_000,
) -> Seeded:
    """Insert ``n`` onboarded families (1-2 children, one caregiver) and ``history`` sent deliveries each."""
    created = due_at - timedelta(days=history + 7)
    fam_rows: list[dict[str, object]] = []
    plans: list[tuple[datetime, ZoneInfo]] = []
    for i in range(n):
        tz = ZoneInfo(ZONES[i % len(ZONES)])
        slot = (due_at - timedelta(minutes=i % 60)).replace(second=0, microsecond=0)
        local = slot.astimezone(tz)
        cadence = _cadence_for(i, local.weekday())
        send_time = local.time().replace(tzinfo=None)
        # The seeded slot must be the one the production scheduler would have computed.
        assert next_slot(slot - timedelta(seconds=1), tz, send_time, CADENCE_DAYS[cadence]) == slot
        plans.append((slot, tz))
        fam_rows.append(
            {
                "timezone": tz.key,
                "send_time": send_time,
                "cadence": cadence.value,
                "nudges_enabled": i % 4 != 0,
                "share_notes": False,
                "paused_until": None,
                "active": True,
                "next_send_at": slot,
                "onboarded_at": created,
                "created_at": created,
            }
        )

    family_ids: list[int] = []
    async with sessions() as s, s.begin():
        for at in range(0, n, CHUNK):
            ids = await s.scalars(
                insert(Family).returning(Family.id, sort_by_parameter_order=True), fam_rows[at : at + CHUNK]
            )
            family_ids.extend(ids.all())

        telegram_ids = [telegram_base + i for i in range(n)]
        cg_rows = [
            {
                "telegram_id": telegram_ids[i],
                "family_id": fid,
                "role": "owner",
                "language_code": "en",
                "consented_at": created,
                "blocked_at": None,
                "created_at": created,
            }
            for i, fid in enumerate(family_ids)
        ]
        child_rows: list[dict[str, object]] = []
        child_meta: list[tuple[int, int, int]] = []  # (family id, birth year, birth month)
        for i, fid in enumerate(family_ids):
            for pos in range(1 + (i % 3 == 0)):
                year, month = BIRTHS[(i + pos) % len(BIRTHS)]
                child_meta.append((fid, year, month))
                child_rows.append(
                    {
                        "family_id": fid,
                        "nickname": NICKNAMES[(i + pos) % len(NICKNAMES)],
                        "birth_year": year,
                        "birth_month": month,
                        "position": pos,
                        "created_at": created,
                    }
                )
        for at in range(0, len(cg_rows), CHUNK):
            await s.execute(insert(Caregiver), cg_rows[at : at + CHUNK])
        child_ids: list[int] = []
        for at in range(0, len(child_rows), CHUNK):
            ids = await s.scalars(
                insert(Child).returning(Child.id, sort_by_parameter_order=True), child_rows[at : at + CHUNK]
            )
            child_ids.extend(ids.all())

        history_rows = 0
        if history:
            by_family: dict[int, list[tuple[int, str]]] = {}
            for cid, (fid, year, month) in zip(child_ids, child_meta, strict=True):
                band = band_for(year, month, due_at.date(), library.bands)
                assert band is not None
                by_family.setdefault(fid, []).append((cid, band))
            d_rows: list[dict[str, object]] = []
            for fid, (slot, _tz) in zip(family_ids, plans, strict=True):
                kids = by_family[fid]
                for h in range(history):
                    cid, band = kids[h % len(kids)]
                    prompt = library.by_band[band][(h // len(kids)) % len(library.by_band[band])]
                    past = slot - timedelta(days=history - h)
                    d_rows.append(
                        {
                            "family_id": fid,
                            "child_id": cid,
                            "prompt_id": prompt.id,
                            "band": band,
                            "skill": prompt.skill.value,
                            "kind": "scheduled",
                            "slot_at": past,
                            "status": "sent",
                            "attempts": 1,
                            "next_attempt_at": past,
                            "sent_at": past,
                            "remind_later": False,
                            "created_at": past,
                        }
                    )
            for at in range(0, len(d_rows), CHUNK * 5):
                await s.execute(insert(Delivery), d_rows[at : at + CHUNK * 5])
            history_rows = len(d_rows)

    return Seeded(
        family_ids=family_ids,
        telegram_ids=telegram_ids,
        slots={fid: slot for fid, (slot, _tz) in zip(family_ids, plans, strict=True)},
        children=len(child_rows),
        history_rows=history_rows,
    )


async def count_deliveries(sessions: async_sessionmaker[AsyncSession], status: str) -> int:
    async with sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == status)) or 0)
