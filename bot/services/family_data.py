"""A family's data as a whole: /export gives all of it, /delete erases all of it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.clock import Clock
from bot.db.models import (
    Assignment,
    Caregiver,
    CaregiverInvite,
    Child,
    ClientInvite,
    Delivery,
    Family,
    FsmRecord,
    Response,
    Therapist,
    TherapistLink,
)
from bot.domain.schedule import days_for, days_label


class NotFound(Exception):
    pass


async def export(sessions: async_sessionmaker[AsyncSession], clock: Clock, family_id: int) -> dict[str, Any]:
    async with sessions() as s:
        fam = await s.get(Family, family_id, options=[selectinload(Family.children), selectinload(Family.caregivers)])
        if fam is None:
            raise NotFound(family_id)
        deliveries = (
            await s.scalars(
                select(Delivery)
                .where(Delivery.family_id == family_id)
                .options(selectinload(Delivery.response))
                .order_by(Delivery.slot_at)
            )
        ).all()
        links = (
            await s.execute(
                select(TherapistLink, Therapist.display_name)
                .join(Therapist, Therapist.id == TherapistLink.therapist_id)
                .where(TherapistLink.family_id == family_id)
            )
        ).all()
        assignments = (
            await s.execute(
                select(Assignment, Therapist.display_name)
                .join(Therapist, Therapist.id == Assignment.therapist_id)
                .where(Assignment.family_id == family_id)
                .order_by(Assignment.id)
            )
        ).all()
        invites = (await s.scalars(select(CaregiverInvite).where(CaregiverInvite.family_id == family_id))).all()
        return {
            "exported_at": _iso(clock.now()),
            "therapist_links": [
                {
                    "therapist": name,
                    "status": link.status,
                    "accepted_at": _iso(link.accepted_at),
                    "revoked_at": _iso(link.revoked_at),
                    "share_notes": link.share_notes,
                    "notes_shared_since": _iso(link.notes_shared_since),
                }
                for link, name in links
            ],
            "assignments_received": [
                {
                    "id": a.id,
                    "from": name,
                    "prompt_id": a.prompt_id,
                    "text": a.custom_text,
                    "note": a.note,
                    "week_start": a.week_start.isoformat(),
                    "status": a.status,
                }
                for a, name in assignments
            ],
            "family": {
                "timezone": fam.timezone,
                "send_time": fam.send_time.strftime("%H:%M"),
                "days": fam.cadence,
                "weekdays": days_label(days_for(fam.cadence, fam.custom_days)),
                "nudges": fam.nudges_enabled,
                "paused_until": _iso(fam.paused_until),
                "active": fam.active,
                "created_at": _iso(fam.created_at),
            },
            "caregivers": [
                {"id": c.id, "telegram_id": c.telegram_id, "role": c.role, "consented_at": _iso(c.consented_at)}
                for c in fam.caregivers
            ],
            "caregiver_invites": [
                {"created_at": _iso(i.created_at), "expires_at": _iso(i.expires_at), "used_at": _iso(i.used_at)}
                for i in invites
            ],
            "children": [
                {"id": c.id, "nickname": c.nickname, "birth": f"{c.birth_year:04d}-{c.birth_month:02d}"}
                for c in fam.children
            ],
            "deliveries": [_delivery_json(d) for d in deliveries],
        }


async def delete_family(sessions: async_sessionmaker[AsyncSession], family_id: int) -> list[int]:
    """Erase the family and everything linked to it. Returns the caregivers' Telegram ids."""
    async with sessions() as s, s.begin():
        tg_ids = list((await s.scalars(select(Caregiver.telegram_id).where(Caregiver.family_id == family_id))).all())
        # Explicit deletes, child tables first: correct even where a backend ignores ON DELETE.
        delivery_ids = select(Delivery.id).where(Delivery.family_id == family_id)
        await s.execute(delete(Response).where(Response.delivery_id.in_(delivery_ids)))
        await s.execute(delete(Delivery).where(Delivery.family_id == family_id))
        await s.execute(delete(Assignment).where(Assignment.family_id == family_id))
        await s.execute(delete(TherapistLink).where(TherapistLink.family_id == family_id))
        # The spent code must stay spent (single use), but nothing in it may point at or describe the family.
        await s.execute(
            update(ClientInvite)
            .where(ClientInvite.used_by_family_id == family_id)
            .values(used_by_family_id=None, label=None)
        )
        await s.execute(delete(CaregiverInvite).where(CaregiverInvite.family_id == family_id))
        await s.execute(delete(Child).where(Child.family_id == family_id))
        await s.execute(delete(Caregiver).where(Caregiver.family_id == family_id))
        await s.execute(delete(Family).where(Family.id == family_id))
        for tg in tg_ids:
            await s.execute(delete(FsmRecord).where(FsmRecord.key.like(f"%:{tg}:{tg}:%")))
    return tg_ids


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(UTC).isoformat() if dt else None


def _delivery_json(d: Delivery) -> dict[str, Any]:
    r = d.response
    return {
        "id": d.id,
        "child_id": d.child_id,
        "prompt_id": d.prompt_id,
        "band": d.band,
        "skill": d.skill,
        "kind": d.kind,
        "slot_at": _iso(d.slot_at),
        "status": d.status,
        "sent_at": _iso(d.sent_at),
        "nudge": d.nudge_status,
        "assignment_id": d.assignment_id,
        "response": None
        if r is None
        else {
            "outcome": r.outcome,
            "rating": r.rating,
            "note": r.note,
            "answered_by": r.caregiver_id,
            "note_at": _iso(r.note_at),
            "answered_at": _iso(r.answered_at),
            "updated_at": _iso(r.updated_at),
        },
    }
