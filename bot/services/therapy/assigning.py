"""Assignments: a library prompt or the therapist's own words, for one family or the caseload, for a week."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.content import Library, Prompt
from bot.db.models import Assignment, Family, Therapist
from bot.domain.schedule import days_for, localize, next_slot
from bot.domain.status import AssignmentStatus, TherapistStatus
from bot.services.therapy.base import (
    CUSTOM_MAX,
    NOTE_MAX,
    PendingItem,
    PromptRef,
    TherapyBase,
    When,
    clean_text,
    label_of,
)

# Words of any language (letters, with accents), and the apostrophe of "don't".
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def folded(text: str) -> str:
    """Lower case without accents, so "nino" finds "niño" and "rabia" finds "Rabia"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class AssignMixin(TherapyBase):
    def search(self, words: str, limit: int = 8, library: Library | None = None) -> list[Prompt]:
        """Prompts matching the words, searched in the therapist's own language's library (same ids)."""
        terms = [t for t in WORD.findall(folded(words)) if len(t) > 2]
        if not terms:
            return []
        scored = []
        for p in (library or self._library).prompts.values():
            hay = folded(f"{p.title} {p.do} {p.say} {' '.join(p.tags)} {p.skill.value}")
            title = folded(p.title)
            score = sum(hay.count(t) + (3 if t in title else 0) for t in terms)
            if score:
                scored.append((-score, p.id, p))
        return [p for _, _, p in sorted(scored)[:limit]]

    async def assign(
        self,
        therapist_tg: int,
        link_ids: Iterable[int] | None,
        *,
        prompt_id: str | None = None,
        custom_text: str | None = None,
        note: str | None = None,
        when: When = When.this_week,
    ) -> list[int] | None:
        """Create one assignment per family. link_ids=None means the whole caseload.

        Returns the family ids, or None if the therapist isn't approved or names a family not in their caseload.
        """
        custom_text = clean_text(custom_text, CUSTOM_MAX)
        note = clean_text(note, NOTE_MAX)
        if (prompt_id is None) == (custom_text is None):
            raise ValueError("exactly one of prompt_id and custom_text")
        if prompt_id is not None and prompt_id not in self._library.prompts:
            raise ValueError("unknown prompt")
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            t = await s.scalar(
                select(Therapist).where(
                    Therapist.telegram_id == therapist_tg, Therapist.status == TherapistStatus.approved
                )
            )
            if t is None:
                return None
            mine = {link.id: link for link in await self._links(s, t.id)}
            wanted = list(mine) if link_ids is None else list(link_ids)
            if not wanted or any(i not in mine for i in wanted):
                return None
            families = []
            for link_id in wanted:
                fam = await s.get(Family, mine[link_id].family_id)
                assert fam is not None
                week, deliver_at, replaces = plan_assignment(fam, when, now)
                s.add(
                    Assignment(
                        therapist_id=t.id,
                        family_id=fam.id,
                        prompt_id=prompt_id,
                        custom_text=custom_text,
                        note=note,
                        week_start=week,
                        deliver_at=deliver_at,
                        replaces_slot=replaces,
                        created_at=now,
                    )
                )
                families.append(fam.id)
            return families

    @staticmethod
    def prompt_ref(a: Assignment) -> PromptRef:
        """A library prompt by id, or the first line of the therapist's own words (shown as written)."""
        if a.custom_text:
            first = a.custom_text.strip().splitlines()[0]
            return PromptRef(own_title=first[:57] + "…" if len(first) > 58 else first)
        return PromptRef(prompt_id=a.prompt_id)

    async def pending(self, therapist_id: int) -> list[PendingItem]:
        """This therapist's assignments not yet delivered, to families still linked."""
        async with self._sessions() as s:
            links = {link.family_id: link for link in await self._links(s, therapist_id)}
            rows = (
                await s.scalars(
                    select(Assignment)
                    .where(Assignment.therapist_id == therapist_id, Assignment.status == AssignmentStatus.pending)
                    .order_by(Assignment.deliver_at, Assignment.id)
                )
            ).all()
        return [
            PendingItem(a.id, links[a.family_id].id, label_of(links[a.family_id]), self.prompt_ref(a), a.deliver_at)
            for a in rows
            if a.family_id in links
        ]

    async def cancel_pending(self, therapist_id: int, assignment_id: int) -> bool:
        """Cancel one of the therapist's own pending assignments; False if it isn't theirs or already went."""
        async with self._sessions() as s, s.begin():
            a = await s.get(Assignment, assignment_id, with_for_update=True)
            if a is None or a.therapist_id != therapist_id or a.status != AssignmentStatus.pending:
                return False
            a.status = AssignmentStatus.cancelled.value
            return True


def plan_assignment(fam: Family, when: When, now: datetime) -> tuple[date, datetime, bool]:
    """When a family gets an assignment: its next slot in that week, in place of the library prompt;
    if no slot is left that week, the family's send time on the week's last day; 'now' means now."""
    tz = ZoneInfo(fam.timezone)
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    if when is When.now:
        return monday, now, False
    week = monday if when is When.this_week else monday + timedelta(days=7)
    start = max(now, localize(week, time(0, 0), tz).astimezone(UTC) - timedelta(microseconds=1))
    end = localize(week + timedelta(days=7), time(0, 0), tz).astimezone(UTC)
    slot = next_slot(start, tz, fam.send_time, days_for(fam.cadence, fam.custom_days))
    if slot < end:
        return week, slot, True
    last = localize(week + timedelta(days=6), fam.send_time, tz).astimezone(UTC)
    return week, max(last, now), False
