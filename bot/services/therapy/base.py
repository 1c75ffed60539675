"""Shared shapes and queries for the therapist services. Every id from a button is re-checked by the caller."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.content import Library
from bot.db.models import Delivery, Response, Therapist, TherapistLink
from bot.domain.status import DeliveryStatus, LinkStatus, Outcome, TherapistStatus

INVITE_TTL = timedelta(days=7)
INVITE_BYTES = 16  # 128 bits, above the 96 the design asks for
NAME_MAX = 64
CUSTOM_MAX = 700
NOTE_MAX = 300
DIGEST_TIME = time(8, 0)
MONDAY = frozenset({0})
QUIET_AFTER = timedelta(days=14)


class InviteProblem(StrEnum):
    unknown = "unknown"
    expired = "expired"
    used = "used"
    therapist_inactive = "therapist_inactive"
    own_family_already = "already_linked"


class When(StrEnum):
    this_week = "this"
    next_week = "next"
    now = "now"


@dataclass(frozen=True)
class TherapistView:
    id: int
    telegram_id: int
    display_name: str
    timezone: str
    status: TherapistStatus
    language: str | None = None  # their own stored choice; None until they say (then their Telegram's)


@dataclass(frozen=True)
class Decision:
    status: TherapistStatus
    at: datetime


@dataclass(frozen=True)
class InviteView:
    code: str
    therapist_name: str
    expires_at: datetime


@dataclass(frozen=True)
class LinkView:
    id: int
    therapist_id: int
    therapist_name: str
    therapist_telegram_id: int
    family_id: int
    label: str | None  # the therapist's own label; None shows as "Family 3" in the reader's language
    accepted_at: datetime
    share_notes: bool = False
    notes_shared_since: datetime | None = None


@dataclass(frozen=True)
class Ended:
    """A link that ended: who to tell on each side (each caregiver's stored language with their chat), and how
    many pending prompts were cancelled."""

    link: LinkView
    caregivers: tuple[int, ...]
    cancelled: int
    languages: dict[int, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class PromptRef:
    """Which prompt, without words: a library id (titled in the reader's language) or the first line of a
    therapist's own text (shown as written). ``other`` marks another therapist's own words, never shown."""

    prompt_id: str | None = None
    own_title: str | None = None
    other: bool = False


@dataclass(frozen=True)
class WeekPrompt:
    """A therapist's prompt for one family this week, and whether it has gone out."""

    ref: PromptRef
    delivered: bool


@dataclass(frozen=True)
class ChildBrief:
    band: str | None
    age: int


@dataclass(frozen=True)
class ClientSummary:
    link_id: int
    label: str | None
    sent: int
    tried: int
    skipped: int
    last_activity: datetime | None
    children: tuple[ChildBrief, ...] = ()
    this_week: WeekPrompt | None = None


@dataclass(frozen=True)
class ClientItem:
    sent_at: datetime | None
    ref: PromptRef
    from_therapist: bool
    outcome: str | None
    rating: int | None
    note: str | None
    band: str | None = None
    skill: str | None = None


@dataclass(frozen=True)
class ClientDetail:
    summary: ClientSummary
    items: list[ClientItem]
    notes_shared: bool


@dataclass(frozen=True)
class Digest:
    telegram_id: int
    timezone: str
    week_to: date
    families: list[ClientSummary] = field(default_factory=list)
    language: str | None = None


@dataclass(frozen=True)
class QuietFamily:
    """A linked family with no answer for two weeks: the therapist to tell, in their language."""

    chat: int
    link_id: int
    label: str | None
    language: str | None


@dataclass(frozen=True)
class Leaving:
    """A therapist to tell that a family erased its data, in their language."""

    chat: int
    link_id: int
    label: str | None
    language: str | None


@dataclass(frozen=True)
class PendingItem:
    id: int
    link_id: int
    label: str | None
    ref: PromptRef
    deliver_at: datetime


@dataclass(frozen=True)
class ReportRow:
    """One prompt sent to a family, for the CSV: data only; the words come from the reader's locale."""

    link_id: int
    label: str | None
    sent_at: datetime | None
    band: str | None
    skill: str | None
    ref: PromptRef
    mine: bool
    outcome: str | None
    rating: int | None
    note: str | None


def view_of(t: Therapist) -> TherapistView:
    return TherapistView(t.id, t.telegram_id, t.display_name, t.timezone, TherapistStatus(t.status), t.language_code)


def label_of(link: TherapistLink) -> str | None:
    """The therapist's label for the family, if they gave one (the fallback is worded by the reader's locale)."""
    return link.label or None


def link_view(link: TherapistLink, t: Therapist) -> LinkView:
    return LinkView(
        link.id,
        t.id,
        t.display_name,
        t.telegram_id,
        link.family_id,
        label_of(link),
        link.accepted_at,
        link.share_notes,
        link.notes_shared_since,
    )


def note_visible(link: TherapistLink, r: Response | None) -> str | None:
    """A note reaches the therapist only if this link shares notes and it was written since sharing began."""
    if r is None or not r.note or not link.share_notes or link.notes_shared_since is None:
        return None
    if r.note_at is None or r.note_at <= link.notes_shared_since:
        return None
    return r.note


def clean_text(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    cleaned = "".join(ch for ch in text.strip() if ch.isprintable() or ch == "\n")
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned)
    if not cleaned:
        return None
    if len(cleaned) > limit:
        raise ValueError("too long")
    return cleaned


class TherapyBase:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        library: Library,
        admin_ids: frozenset[int],
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._library = library
        self.admin_ids = admin_ids

    async def _links(self, s: AsyncSession, therapist_id: int) -> list[TherapistLink]:
        """Only families that consented and have not revoked."""
        return list(
            (
                await s.scalars(
                    select(TherapistLink)
                    .join(Therapist, Therapist.id == TherapistLink.therapist_id)
                    .where(
                        TherapistLink.therapist_id == therapist_id,
                        TherapistLink.status == LinkStatus.active,
                        Therapist.status == TherapistStatus.approved,
                    )
                    .order_by(TherapistLink.id)
                )
            ).all()
        )

    async def links(self, therapist_id: int) -> list[tuple[int, str | None]]:
        async with self._sessions() as s:
            return [(link.id, label_of(link)) for link in await self._links(s, therapist_id)]

    async def _rows(
        self, s: AsyncSession, link: TherapistLink, since: datetime | None = None
    ) -> list[tuple[Delivery, Response | None]]:
        start = max(link.accepted_at, since) if since else link.accepted_at
        rows = (
            await s.execute(
                select(Delivery, Response)
                .outerjoin(Response, Response.delivery_id == Delivery.id)
                .where(
                    Delivery.family_id == link.family_id,
                    Delivery.status == DeliveryStatus.sent,
                    Delivery.sent_at >= start,
                )
                .order_by(Delivery.sent_at.desc())
            )
        ).all()
        return [(d, r) for d, r in rows]

    def _summary(self, link: TherapistLink, rows: Sequence[tuple[Delivery, Response | None]]) -> ClientSummary:
        stamps = [r.updated_at for _, r in rows if r] + [d.sent_at for d, _ in rows if d.sent_at]
        return ClientSummary(
            link_id=link.id,
            label=label_of(link),
            sent=len(rows),
            tried=sum(1 for _, r in rows if r and r.outcome == Outcome.tried),
            skipped=sum(1 for _, r in rows if r and r.outcome == Outcome.skipped),
            last_activity=max(stamps) if stamps else None,
        )
