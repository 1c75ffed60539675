"""The therapist side: approval by an admin, client invites and consent, links, and (through the mixins in
bot.services.therapy) assignments and caseload views.

Every method that takes an id from a button re-checks that it belongs to the caller.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Assignment, Caregiver, ClientInvite, Therapist, TherapistDecision, TherapistLink
from bot.domain.schedule import next_slot
from bot.domain.status import AssignmentStatus, LinkStatus, TherapistStatus
from bot.services.therapy.assigning import plan_assignment
from bot.services.therapy.base import (
    CUSTOM_MAX,
    DIGEST_TIME,
    INVITE_BYTES,
    INVITE_TTL,
    MONDAY,
    NAME_MAX,
    NOTE_MAX,
    ClientDetail,
    ClientItem,
    ClientSummary,
    Decision,
    Digest,
    Ended,
    InviteProblem,
    InviteView,
    Leaving,
    LinkView,
    PendingItem,
    PromptRef,
    QuietFamily,
    ReportRow,
    TherapistView,
    WeekPrompt,
    When,
    clean_text,
    label_of,
    link_view,
    view_of,
)
from bot.services.therapy.caseload import CaseloadMixin

__all__ = [
    "CUSTOM_MAX",
    "NOTE_MAX",
    "ClientDetail",
    "ClientItem",
    "ClientSummary",
    "Decision",
    "Digest",
    "Ended",
    "InviteProblem",
    "InviteView",
    "Leaving",
    "LinkView",
    "PendingItem",
    "PromptRef",
    "QuietFamily",
    "ReportRow",
    "TherapistService",
    "TherapistView",
    "WeekPrompt",
    "When",
    "clean_text",
    "plan_assignment",
]


class TherapistService(CaseloadMixin):
    # ---- becoming a therapist --------------------------------------------------------------------

    async def request(
        self, telegram_id: int, display_name: str, timezone: str, language: str | None = None
    ) -> TherapistView:
        name = clean_text(display_name, NAME_MAX)
        if name is None:
            raise ValueError("empty name")
        ZoneInfo(timezone)
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            t = await s.scalar(select(Therapist).where(Therapist.telegram_id == telegram_id))
            if t is None:
                t = Therapist(
                    telegram_id=telegram_id,
                    display_name=name,
                    timezone=timezone,
                    requested_at=now,
                    language_code=language,
                )
                s.add(t)
            elif t.status != TherapistStatus.approved:
                t.language_code = t.language_code or language
                t.display_name, t.timezone, t.requested_at = name, timezone, now
                t.status = TherapistStatus.pending.value
            await s.flush()
            s.add(TherapistDecision(therapist_id=t.id, status=TherapistStatus.pending.value, at=now, by=None))
            return view_of(t)

    async def get(self, telegram_id: int) -> TherapistView | None:
        async with self._sessions() as s:
            t = await s.scalar(select(Therapist).where(Therapist.telegram_id == telegram_id))
            return view_of(t) if t else None

    async def by_id(self, therapist_id: int) -> TherapistView | None:
        async with self._sessions() as s:
            t = await s.get(Therapist, therapist_id)
            return view_of(t) if t else None

    async def approved(self, telegram_id: int) -> TherapistView | None:
        t = await self.get(telegram_id)
        return t if t and t.status is TherapistStatus.approved else None

    async def history(self, therapist_id: int) -> list[Decision]:
        """Every request and decision, oldest first, so admins see a re-application in context."""
        async with self._sessions() as s:
            rows = (
                await s.scalars(
                    select(TherapistDecision)
                    .where(TherapistDecision.therapist_id == therapist_id)
                    .order_by(TherapistDecision.at, TherapistDecision.id)
                )
            ).all()
        return [Decision(TherapistStatus(d.status), d.at) for d in rows]

    async def decide(self, admin_id: int, therapist_id: int, approve: bool) -> TherapistView | None:
        """Only an admin from ADMIN_IDS can approve or decline; returns None otherwise."""
        if admin_id not in self.admin_ids:
            return None
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            t = await s.get(Therapist, therapist_id, with_for_update=True)
            if t is None or t.status != TherapistStatus.pending:
                return None
            status = TherapistStatus.approved if approve else TherapistStatus.declined
            t.status, t.decided_at, t.decided_by = status.value, now, admin_id
            if approve:
                t.next_digest_at = next_slot(now, ZoneInfo(t.timezone), DIGEST_TIME, MONDAY)
            s.add(TherapistDecision(therapist_id=t.id, status=status.value, at=now, by=admin_id))
            return view_of(t)

    async def revoke(self, admin_id: int, therapist_id: int) -> tuple[TherapistView, list[Ended]] | None:
        """An admin withdraws approval: every link ends and pending assignments are cancelled.

        Returns the therapist and each ended link with the caregivers to tell, or None if not allowed.
        """
        if admin_id not in self.admin_ids:
            return None
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            t = await s.get(Therapist, therapist_id, with_for_update=True)
            if t is None or t.status != TherapistStatus.approved:
                return None
            t.status, t.decided_at, t.decided_by, t.next_digest_at = TherapistStatus.revoked.value, now, admin_id, None
            s.add(TherapistDecision(therapist_id=t.id, status=TherapistStatus.revoked.value, at=now, by=admin_id))
            links = (
                await s.scalars(
                    select(TherapistLink).where(
                        TherapistLink.therapist_id == t.id, TherapistLink.status == LinkStatus.active
                    )
                )
            ).all()
            ended = [await self._end_link(s, link, t, now) for link in links]
            return view_of(t), ended

    async def all(self) -> list[TherapistView]:
        async with self._sessions() as s:
            rows = (await s.scalars(select(Therapist).order_by(Therapist.id))).all()
        return [view_of(t) for t in rows]

    # ---- invites and consent ---------------------------------------------------------------------

    async def create_invite(self, therapist_tg: int, label: str | None) -> tuple[str, datetime] | None:
        label = clean_text(label, NAME_MAX)
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            t = await s.scalar(
                select(Therapist).where(
                    Therapist.telegram_id == therapist_tg, Therapist.status == TherapistStatus.approved
                )
            )
            if t is None:
                return None
            code = secrets.token_urlsafe(INVITE_BYTES)
            s.add(ClientInvite(therapist_id=t.id, code=code, label=label, created_at=now, expires_at=now + INVITE_TTL))
            return code, now + INVITE_TTL

    async def _check_invite(self, s: AsyncSession, code: str) -> tuple[ClientInvite, Therapist] | InviteProblem:
        if not code or len(code) > 64:
            return InviteProblem.unknown
        inv = await s.scalar(select(ClientInvite).where(ClientInvite.code == code))
        if inv is None:
            return InviteProblem.unknown
        if inv.used_at is not None:
            return InviteProblem.used
        if inv.expires_at <= self._clock.now():
            return InviteProblem.expired
        t = await s.get(Therapist, inv.therapist_id)
        if t is None or t.status != TherapistStatus.approved:
            return InviteProblem.therapist_inactive
        return inv, t

    async def invite(self, code: str) -> InviteView | InviteProblem:
        async with self._sessions() as s:
            found = await self._check_invite(s, code)
        if isinstance(found, InviteProblem):
            return found
        inv, t = found
        return InviteView(inv.code, t.display_name, inv.expires_at)

    async def accept(self, family_id: int, code: str, *, share_notes: bool = False) -> LinkView | InviteProblem:
        """The family's explicit consent, on the terms shown. The code is spent in the same transaction."""
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            found = await self._check_invite(s, code)
            if isinstance(found, InviteProblem):
                return found
            inv, t = found
            claimed = await s.execute(
                update(ClientInvite)
                .where(ClientInvite.id == inv.id, ClientInvite.used_at.is_(None))
                .values(used_at=now, used_by_family_id=family_id)
            )
            if not claimed.rowcount:  # type: ignore[attr-defined]
                return InviteProblem.used
            link = await s.scalar(
                select(TherapistLink).where(TherapistLink.therapist_id == t.id, TherapistLink.family_id == family_id)
            )
            if link is None:
                link = TherapistLink(therapist_id=t.id, family_id=family_id, accepted_at=now)
                s.add(link)
            link.status, link.accepted_at, link.revoked_at = LinkStatus.active.value, now, None
            link.label = inv.label or link.label
            # A relink starts afresh: nothing from the earlier link is shared.
            link.share_notes, link.notes_shared_since = share_notes, (now if share_notes else None)
            await s.flush()
            return link_view(link, t)

    async def family_links(self, family_id: int) -> list[LinkView]:
        async with self._sessions() as s:
            rows = (
                await s.execute(
                    select(TherapistLink, Therapist)
                    .join(Therapist, Therapist.id == TherapistLink.therapist_id)
                    .where(
                        TherapistLink.family_id == family_id,
                        TherapistLink.status == LinkStatus.active,
                        Therapist.status == TherapistStatus.approved,
                    )
                    .order_by(TherapistLink.id)
                )
            ).all()
        return [link_view(link, t) for link, t in rows]

    async def sharing_notes_with(self, family_id: int) -> list[str]:
        """Names of the therapists who will see a note written now."""
        return [link.therapist_name for link in await self.family_links(family_id) if link.share_notes]

    async def _end_link(self, s: AsyncSession, link: TherapistLink, t: Therapist, now: datetime) -> Ended:
        link.status, link.revoked_at = LinkStatus.revoked.value, now
        link.share_notes, link.notes_shared_since = False, None
        cancelled = await s.execute(
            update(Assignment)
            .where(
                Assignment.family_id == link.family_id,
                Assignment.therapist_id == link.therapist_id,
                Assignment.status == AssignmentStatus.pending,
            )
            .values(status=AssignmentStatus.cancelled.value)
        )
        rows = await s.execute(
            select(Caregiver.telegram_id, Caregiver.language_code).where(
                Caregiver.family_id == link.family_id, Caregiver.blocked_at.is_(None)
            )
        )
        chats: dict[int, str | None] = {chat: language for chat, language in rows.all()}
        count = int(cancelled.rowcount or 0)  # type: ignore[attr-defined]
        return Ended(link_view(link, t), tuple(chats), count, chats)

    async def revoke_link(self, family_id: int, link_id: int) -> Ended | None:
        """The family stops sharing, at once. Returns None if the link isn't the family's."""
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            link = await s.get(TherapistLink, link_id, with_for_update=True)
            if link is None or link.family_id != family_id or link.status != LinkStatus.active:
                return None
            t = await s.get(Therapist, link.therapist_id)
            assert t is not None
            return await self._end_link(s, link, t, now)

    async def set_share_notes(self, family_id: int, link_id: int, share: bool) -> LinkView | None:
        """Note sharing for one link. Turning it on covers notes written from now on only."""
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            link = await s.get(TherapistLink, link_id, with_for_update=True)
            if link is None or link.family_id != family_id or link.status != LinkStatus.active:
                return None
            if share and not link.share_notes:
                link.notes_shared_since = now
            if not share:
                link.notes_shared_since = None
            link.share_notes = share
            t = await s.get(Therapist, link.therapist_id)
            assert t is not None
            return link_view(link, t)

    async def leaving(self, family_id: int) -> list[Leaving]:
        """Before a family is erased: each linked therapist to tell, with their label and language."""
        async with self._sessions() as s:
            rows = (
                await s.execute(
                    select(TherapistLink, Therapist.telegram_id, Therapist.language_code)
                    .join(Therapist, Therapist.id == TherapistLink.therapist_id)
                    .where(
                        TherapistLink.family_id == family_id,
                        TherapistLink.status == LinkStatus.active,
                        Therapist.status == TherapistStatus.approved,
                    )
                )
            ).all()
        return [Leaving(chat, link.id, label_of(link), language) for link, chat, language in rows]

    async def languages_of(self, telegram_ids: Iterable[int]) -> dict[int, str | None]:
        """Each person's stored language (an admin may be a caregiver, a therapist, both or neither)."""
        ids = set(telegram_ids)
        out: dict[int, str | None] = dict.fromkeys(ids)
        async with self._sessions() as s:
            for model in (Therapist, Caregiver):  # the caregiver row wins, as in the locale middleware
                rows = await s.execute(
                    select(model.telegram_id, model.language_code).where(
                        model.telegram_id.in_(ids), model.language_code.is_not(None)
                    )
                )
                out.update({chat: language for chat, language in rows.all()})
        return out
