"""What a therapist sees of consenting families: the caseload, one family's prompts, a CSV, the digest, alerts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Assignment, Child, Delivery, Family, Outbox, Response, Therapist, TherapistLink
from bot.domain.bands import age_years, band_for
from bot.domain.schedule import next_slot, week_start
from bot.domain.status import AssignmentStatus, LinkStatus, TherapistStatus
from bot.services.therapy.assigning import AssignMixin
from bot.services.therapy.base import (
    DIGEST_TIME,
    MONDAY,
    QUIET_AFTER,
    ChildBrief,
    ClientDetail,
    ClientItem,
    ClientSummary,
    Digest,
    PromptRef,
    QuietFamily,
    ReportRow,
    WeekPrompt,
    label_of,
    note_visible,
)


class CaseloadMixin(AssignMixin):
    async def _children(self, s: AsyncSession, family_id: int, tz: str) -> tuple[ChildBrief, ...]:
        today = self._clock.now().astimezone(ZoneInfo(tz)).date()
        kids = (await s.scalars(select(Child).where(Child.family_id == family_id).order_by(Child.position))).all()
        return tuple(
            ChildBrief(
                band_for(c.birth_year, c.birth_month, today, self._library.bands),
                age_years(c.birth_year, c.birth_month, today),
            )
            for c in kids
        )

    async def _this_week(self, s: AsyncSession, link: TherapistLink, tz: str) -> WeekPrompt | None:
        """The therapist's own prompt for the family this week, with where it stands."""
        monday = week_start(self._clock.now().astimezone(ZoneInfo(tz)).date())
        a = await s.scalar(
            select(Assignment)
            .where(
                Assignment.therapist_id == link.therapist_id,
                Assignment.family_id == link.family_id,
                Assignment.week_start == monday,
                Assignment.status.in_((AssignmentStatus.pending, AssignmentStatus.delivered)),
            )
            .order_by(Assignment.id.desc())
            .limit(1)
        )
        if a is None:
            return None
        return WeekPrompt(self.prompt_ref(a), a.status == AssignmentStatus.delivered)

    async def caseload(self, therapist_id: int, weeks: int = 4) -> list[ClientSummary]:
        since = self._clock.now() - timedelta(weeks=weeks)
        async with self._sessions() as s:
            out = []
            for link in await self._links(s, therapist_id):
                fam = await s.get(Family, link.family_id)
                assert fam is not None
                base = self._summary(link, await self._rows(s, link, since))
                out.append(
                    replace(
                        base,
                        children=await self._children(s, fam.id, fam.timezone),
                        this_week=await self._this_week(s, link, fam.timezone),
                    )
                )
            return out

    async def _ref(self, s: AsyncSession, d: Delivery, therapist_id: int) -> tuple[PromptRef, bool]:
        """Which prompt, and whether this therapist sent it. Another therapist's own words stay theirs."""
        mine = False
        if d.assignment_id is not None:
            a = await s.get(Assignment, d.assignment_id)
            mine = a is not None and a.therapist_id == therapist_id
            if a is not None and a.custom_text:
                return (self.prompt_ref(a), True) if mine else (PromptRef(other=True), False)
        return PromptRef(prompt_id=d.prompt_id), mine

    async def _link(self, s: AsyncSession, therapist_id: int, link_id: int) -> TherapistLink | None:
        link = await s.get(TherapistLink, link_id)
        return link if link is not None and link in await self._links(s, therapist_id) else None

    async def client(self, therapist_id: int, link_id: int) -> ClientDetail | None:
        async with self._sessions() as s:
            link = await self._link(s, therapist_id, link_id)
            if link is None:
                return None
            rows = await self._rows(s, link)
            items = []
            for d, r in rows[:30]:
                ref, mine = await self._ref(s, d, therapist_id)
                items.append(
                    ClientItem(
                        sent_at=d.sent_at,
                        ref=ref,
                        from_therapist=mine,
                        outcome=r.outcome if r else None,
                        rating=r.rating if r else None,
                        note=note_visible(link, r),
                        band=d.band,
                        skill=d.skill,
                    )
                )
            return ClientDetail(self._summary(link, rows), items, link.share_notes)

    async def report(self, therapist_id: int) -> list[ReportRow]:
        """The caseload's outcomes, as data: bot.render_report words it in the therapist's language and zone."""
        async with self._sessions() as s:
            t = await s.get(Therapist, therapist_id)
            assert t is not None
            tz = ZoneInfo(t.timezone)
            rows = []
            for link in await self._links(s, therapist_id):
                for d, r in await self._rows(s, link):
                    ref, mine = await self._ref(s, d, therapist_id)
                    rows.append(
                        ReportRow(
                            link_id=link.id,
                            label=label_of(link),
                            sent_at=d.sent_at,
                            band=await self._band_at(s, d, tz),
                            skill=d.skill,
                            ref=ref,
                            mine=mine,
                            outcome=r.outcome if r else None,
                            rating=r.rating if r else None,
                            note=note_visible(link, r),
                        )
                    )
        return rows

    async def _band_at(self, s: AsyncSession, d: Delivery, tz: ZoneInfo) -> str | None:
        """The child's age band when the prompt went out. From the child when known: a therapist may assign a
        prompt written for another band, so the delivery's own band is the prompt's, not the child's."""
        band = d.band
        if d.child_id is not None and d.sent_at is not None:
            child = await s.get(Child, d.child_id)
            on = d.sent_at.astimezone(tz).date()
            band = band_for(child.birth_year, child.birth_month, on, self._library.bands) if child else band
        return band if band in self._library.by_band else None

    async def due_digests(self, render: Callable[[Digest], str] | None = None) -> list[Digest]:
        """Digests due now. With ``render``, each is queued in the outbox in the transaction that moves its date
        on, and the delivery engine sends it with a prompt's guarantees (claim, lease, retry)."""
        now = self._clock.now()
        out: list[Digest] = []
        async with self._sessions() as s, s.begin():
            due = (
                await s.scalars(
                    select(Therapist).where(
                        Therapist.status == TherapistStatus.approved,
                        Therapist.next_digest_at.is_not(None),
                        Therapist.next_digest_at <= now,
                    )
                )
            ).all()
            for t in due:
                tz = ZoneInfo(t.timezone)
                t.next_digest_at = next_slot(now, tz, DIGEST_TIME, MONDAY)
                week = [
                    self._summary(link, await self._rows(s, link, now - timedelta(days=7)))
                    for link in await self._links(s, t.id)
                ]
                out.append(Digest(t.telegram_id, t.timezone, now.astimezone(tz).date(), week, t.language_code))
                if render is not None:
                    s.add(_notice("digest", t.telegram_id, render(out[-1]), now))
        return out

    async def quiet_alerts(self, render: Callable[[QuietFamily], str] | None = None) -> list[QuietFamily]:
        """Linked families with no answer for 14 days, once per quiet spell, each with the therapist to tell.
        With ``render``, each alert is queued in the outbox in the same transaction, like a digest."""
        now = self._clock.now()
        out: list[QuietFamily] = []
        async with self._sessions() as s, s.begin():
            rows = (
                await s.execute(
                    select(TherapistLink, Therapist.telegram_id, Therapist.language_code)
                    .join(Therapist, Therapist.id == TherapistLink.therapist_id)
                    .where(TherapistLink.status == LinkStatus.active, Therapist.status == TherapistStatus.approved)
                )
            ).all()
            # One grouped query per tick, not one per link: this runs every TICK_SECONDS.
            last_answers = dict(
                (
                    await s.execute(
                        select(Delivery.family_id, func.max(Response.updated_at))
                        .join(Response, Response.delivery_id == Delivery.id)
                        .where(Delivery.family_id.in_({link.family_id for link, _, _ in rows}))
                        .group_by(Delivery.family_id)
                    )
                ).all()
            )
            for link, chat, language in rows:
                last_answer = last_answers.get(link.family_id)
                since = max(link.accepted_at, last_answer) if last_answer else link.accepted_at
                if now - since < QUIET_AFTER:
                    continue
                if link.quiet_alert_at is not None and link.quiet_alert_at >= since:
                    continue  # already told about this quiet spell
                link.quiet_alert_at = now
                out.append(QuietFamily(chat, link.id, label_of(link), language))
                if render is not None:
                    s.add(_notice("alert", chat, render(out[-1]), now))
        return out


def _notice(kind: str, chat_id: int, text: str, now: datetime) -> Outbox:
    return Outbox(kind=kind, chat_id=chat_id, text=text, next_attempt_at=now, created_at=now)
