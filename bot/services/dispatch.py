"""Dispatch for a batch of due families with a fixed number of queries, whatever the batch size.

Children, each child's last delivery and history, the slots already written and pending assignments are read
for the whole batch up front (five queries); choosing each family's child and prompt is then pure work in
memory, and the new rows go in with one bulk INSERT. The rules are those of one family at a time: a slot is
queued, recorded as missed (older than the grace window), skipped while paused, or taken by a therapist's
assignment; a long outage jumps ahead instead of writing a row for every slot of it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Library, Prompt
from bot.db.models import Assignment, Child, Delivery, Family, Response
from bot.domain.bands import age_months, band_for
from bot.domain.picking import ChildTurn, pick_child, pick_prompt
from bot.domain.schedule import days_for, next_slot

log = logging.getLogger(__name__)

LIVE = ("queued", "sending", "sent")
MAX_MISSED_PER_TICK = 60


class _Batch:
    """What the batch's families already have, kept current as slots are filled."""

    def __init__(self) -> None:
        self.children: dict[int, list[Child]] = defaultdict(list)
        self.last: dict[int, datetime] = {}
        self.history: dict[int, list[str]] = defaultdict(list)
        self.tried: dict[int, set[str]] = defaultdict(set)  # prompts a child's family marked "tried"
        self.existing: set[tuple[int, datetime]] = set()
        self.assignments: dict[int, list[Assignment]] = defaultdict(list)


async def _load(s: AsyncSession, families: Sequence[Family]) -> _Batch:
    ids = [f.id for f in families]
    earliest = min(f.next_send_at for f in families if f.next_send_at is not None)
    b = _Batch()
    for c in (await s.scalars(select(Child).where(Child.family_id.in_(ids)).order_by(Child.position))).all():
        b.children[c.family_id].append(c)
    child_ids = [c.id for cs in b.children.values() for c in cs]
    if child_ids:
        live = Delivery.child_id.in_(child_ids), Delivery.status.in_(LIVE)
        last_q = select(Delivery.child_id, func.max(Delivery.slot_at)).where(*live).group_by(Delivery.child_id)
        for cid, last in (await s.execute(last_q)).all():
            if cid is not None:
                b.last[cid] = last
        for cid, pid, outcome in (
            await s.execute(
                select(Delivery.child_id, Delivery.prompt_id, Response.outcome)
                .outerjoin(Response, Response.delivery_id == Delivery.id)
                .where(*live, Delivery.prompt_id.is_not(None))
                .order_by(Delivery.slot_at, Delivery.id)
            )
        ).all():
            if cid is not None and pid is not None:
                b.history[cid].append(pid)
                if outcome == "tried":
                    b.tried[cid].add(pid)
    for fid, slot in (
        await s.execute(
            select(Delivery.family_id, Delivery.slot_at).where(
                Delivery.family_id.in_(ids), Delivery.kind == "scheduled", Delivery.slot_at >= earliest
            )
        )
    ).all():
        b.existing.add((fid, slot))
    for a in (
        await s.scalars(
            select(Assignment)
            .where(Assignment.family_id.in_(ids), Assignment.status == "pending", Assignment.replaces_slot.is_(True))
            .order_by(Assignment.deliver_at, Assignment.id)
        )
    ).all():
        b.assignments[a.family_id].append(a)
    return b


class BatchDispatcher:
    def __init__(self, library: Library, grace: timedelta) -> None:
        self._library = library
        self._grace = grace

    async def run(self, s: AsyncSession, families: Sequence[Family], now: datetime) -> tuple[int, int]:
        """Queue every due slot of `families` (rows locked by the caller); returns (queued, missed)."""
        if not families:
            return 0, 0
        b = await _load(s, families)
        rows: list[dict[str, Any]] = []
        queued = missed = 0
        for fam in families:
            try:
                fam_rows, fam_assigned, next_at = self._family(b, fam, now)
            except Exception:
                log.exception("dispatch failed for family %d; it will be retried next tick", fam.id)
                continue
            rows += fam_rows
            for a, row in fam_assigned:
                a.status = "delivered"
                row["assignment_id"] = a.id
            queued += sum(1 for r in fam_rows if r["status"] == "queued")
            missed += sum(1 for r in fam_rows if r["status"] == "missed")
            fam.next_send_at = next_at
        if rows:
            await s.execute(insert(Delivery), rows)
        return queued, missed

    def _family(
        self, b: _Batch, fam: Family, now: datetime
    ) -> tuple[list[dict[str, Any]], list[tuple[Assignment, dict[str, Any]]], datetime]:
        tz = ZoneInfo(fam.timezone)
        days = days_for(fam.cadence, fam.custom_days)
        slot = fam.next_send_at
        assert slot is not None
        rows: list[dict[str, Any]] = []
        assigned: list[tuple[Assignment, dict[str, Any]]] = []
        steps = 0
        jumped = False
        while slot <= now:
            steps += 1
            if steps > MAX_MISSED_PER_TICK and not jumped:
                # A very long outage: jump once, never backwards; every later slot is within the grace window.
                jumped = True
                slot = max(slot, next_slot(now - self._grace, tz, fam.send_time, days))
                continue
            if (fam.id, slot) in b.existing or (fam.paused_until is not None and slot < fam.paused_until):
                pass
            elif now - slot > self._grace:
                rows.append(self._row(fam.id, slot, now, status="missed"))
            else:
                row = self._scheduled(b, fam, slot, tz, now, assigned)
                if row is not None:
                    rows.append(row)
            b.existing.add((fam.id, slot))
            slot = next_slot(slot, tz, fam.send_time, days)
        return rows, assigned, slot

    def _scheduled(
        self,
        b: _Batch,
        fam: Family,
        slot: datetime,
        tz: ZoneInfo,
        now: datetime,
        assigned: list[tuple[Assignment, dict[str, Any]]],
    ) -> dict[str, Any] | None:
        on = slot.astimezone(tz).date()
        turns = self._turns(b, fam.id, on)
        pending = [a for a in b.assignments.get(fam.id, []) if a.deliver_at <= slot and a.status == "pending"]
        if pending:
            a = pending[0]
            b.assignments[fam.id].remove(a)
            prompt = self._library.prompts.get(a.prompt_id or "")
            turn = pick_child(turns)
            child_id = turn.child_id if turn else None
            if prompt is not None and turn is not None and turn.band != prompt.band:
                # A library prompt for another band: address the child it was written for, if there is one.
                fits = [t.child_id for t in turns if t.band == prompt.band]
                child_id = fits[0] if fits else child_id
            row = self._row(fam.id, slot, now, child_id=child_id, prompt=prompt)
            assigned.append((a, row))
            self._remember(b, child_id, slot, prompt)
            return row
        turn = pick_child(turns)
        if turn is None or turn.band is None or not self._library.by_band.get(turn.band):
            log.warning("family %d has no child in any band on %s; slot skipped", fam.id, slot.date())
            return None
        prompt = pick_prompt(
            self._library.by_band[turn.band],
            b.history.get(turn.child_id, []),
            age_months=turn.age_months,
            tried=b.tried.get(turn.child_id, set()),
        )
        self._remember(b, turn.child_id, slot, prompt)
        return self._row(fam.id, slot, now, child_id=turn.child_id, prompt=prompt)

    def _turns(self, b: _Batch, family_id: int, on: date) -> list[ChildTurn]:
        return [
            ChildTurn(
                child_id=c.id,
                band=band_for(c.birth_year, c.birth_month, on, self._library.bands),
                last_delivery_at=b.last.get(c.id),
                position=c.position,
                age_months=age_months(c.birth_year, c.birth_month, on),
            )
            for c in b.children.get(family_id, [])
        ]

    @staticmethod
    def _remember(b: _Batch, child_id: int | None, slot: datetime, prompt: Prompt | None) -> None:
        if child_id is None:
            return
        b.last[child_id] = max(b.last.get(child_id, slot), slot)
        if prompt is not None:
            b.history[child_id].append(prompt.id)

    @staticmethod
    def _row(
        family_id: int,
        slot: datetime,
        now: datetime,
        *,
        status: str = "queued",
        child_id: int | None = None,
        prompt: Prompt | None = None,
    ) -> dict[str, Any]:
        return {
            "family_id": family_id,
            "child_id": child_id,
            "prompt_id": prompt.id if prompt else None,
            "band": prompt.band if prompt else None,
            "skill": prompt.skill.value if prompt else None,
            "kind": "scheduled",
            "slot_at": slot,
            "status": status,
            "attempts": 0,
            "next_attempt_at": slot if status == "queued" else None,
            "remind_later": False,
            "assignment_id": None,
            "created_at": now,
        }
