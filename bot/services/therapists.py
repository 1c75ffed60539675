"""The therapist side: approval by an admin, client invites and consent, weekly assignments, caseload views.

Every method that takes an id from a button re-checks that it belongs to the caller.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.content import Library, Prompt
from bot.db.models import (
    Assignment,
    ClientInvite,
    Delivery,
    Family,
    Outbox,
    Response,
    Therapist,
    TherapistLink,
)
from bot.domain.schedule import CADENCE_DAYS, Cadence, localize, next_slot
from bot.render import fit, h

INVITE_TTL = timedelta(days=7)
INVITE_BYTES = 16  # 128 bits, above the 96 the design asks for
NAME_MAX = 64
CUSTOM_MAX = 700
NOTE_MAX = 300
DIGEST_TIME = time(8, 0)
MONDAY = frozenset({0})


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
    status: str


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
    label: str
    accepted_at: datetime


@dataclass(frozen=True)
class ClientSummary:
    link_id: int
    label: str
    sent: int
    tried: int
    skipped: int
    last_activity: datetime | None


@dataclass(frozen=True)
class ClientItem:
    sent_at: datetime | None
    title: str
    from_therapist: bool
    outcome: str | None
    rating: int | None
    note: str | None


@dataclass(frozen=True)
class ClientDetail:
    summary: ClientSummary
    items: list[ClientItem]
    notes_shared: bool


def _view(t: Therapist) -> TherapistView:
    return TherapistView(t.id, t.telegram_id, t.display_name, t.timezone, t.status)


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


class TherapistService:
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

    # ---- becoming a therapist --------------------------------------------------------------------

    async def request(self, telegram_id: int, display_name: str, timezone: str) -> TherapistView:
        name = clean_text(display_name, NAME_MAX)
        if name is None:
            raise ValueError("empty name")
        ZoneInfo(timezone)
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            t = await s.scalar(select(Therapist).where(Therapist.telegram_id == telegram_id))
            if t is None:
                t = Therapist(telegram_id=telegram_id, display_name=name, timezone=timezone, requested_at=now)
                s.add(t)
            elif t.status != "approved":
                t.display_name, t.timezone, t.status, t.requested_at = name, timezone, "pending", now
            await s.flush()
            return _view(t)

    async def get(self, telegram_id: int) -> TherapistView | None:
        async with self._sessions() as s:
            t = await s.scalar(select(Therapist).where(Therapist.telegram_id == telegram_id))
            return _view(t) if t else None

    async def approved(self, telegram_id: int) -> TherapistView | None:
        t = await self.get(telegram_id)
        return t if t and t.status == "approved" else None

    async def decide(self, admin_id: int, therapist_id: int, approve: bool) -> TherapistView | None:
        """Only an admin from ADMIN_IDS can approve or decline; returns None otherwise."""
        if admin_id not in self.admin_ids:
            return None
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            t = await s.get(Therapist, therapist_id, with_for_update=True)
            if t is None or t.status != "pending":
                return None
            t.status = "approved" if approve else "declined"
            t.decided_at, t.decided_by = now, admin_id
            if approve:
                t.next_digest_at = next_slot(now, ZoneInfo(t.timezone), DIGEST_TIME, MONDAY)
            return _view(t)

    async def revoke(self, admin_id: int, therapist_id: int) -> TherapistView | None:
        """An admin withdraws approval: the therapist's links end and pending assignments are dropped."""
        if admin_id not in self.admin_ids:
            return None
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            t = await s.get(Therapist, therapist_id, with_for_update=True)
            if t is None or t.status != "approved":
                return None
            t.status, t.decided_at, t.decided_by, t.next_digest_at = "revoked", now, admin_id, None
            await s.execute(
                update(TherapistLink)
                .where(TherapistLink.therapist_id == t.id, TherapistLink.status == "active")
                .values(status="revoked", revoked_at=now)
            )
            await s.execute(
                update(Assignment)
                .where(Assignment.therapist_id == t.id, Assignment.status == "pending")
                .values(status="expired")
            )
            return _view(t)

    async def all(self) -> list[TherapistView]:
        async with self._sessions() as s:
            rows = (await s.scalars(select(Therapist).order_by(Therapist.id))).all()
        return [_view(t) for t in rows]

    # ---- invites and consent ---------------------------------------------------------------------

    async def create_invite(self, therapist_tg: int, label: str | None) -> tuple[str, datetime] | None:
        label = clean_text(label, NAME_MAX)
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            t = await s.scalar(
                select(Therapist).where(Therapist.telegram_id == therapist_tg, Therapist.status == "approved")
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
        if t is None or t.status != "approved":
            return InviteProblem.therapist_inactive
        return inv, t

    async def invite(self, code: str) -> InviteView | InviteProblem:
        async with self._sessions() as s:
            found = await self._check_invite(s, code)
        if isinstance(found, InviteProblem):
            return found
        inv, t = found
        return InviteView(inv.code, t.display_name, inv.expires_at)

    async def accept(self, family_id: int, code: str) -> LinkView | InviteProblem:
        """The family's explicit consent. The code is spent in the same transaction that creates the link."""
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
                link = TherapistLink(
                    therapist_id=t.id, family_id=family_id, label=inv.label, status="active", accepted_at=now
                )
                s.add(link)
            else:
                link.status, link.accepted_at, link.revoked_at = "active", now, None
                link.label = inv.label or link.label
            await s.flush()
            return LinkView(link.id, t.id, t.display_name, t.telegram_id, family_id, self._label(link), now)

    @staticmethod
    def _label(link: TherapistLink) -> str:
        return link.label or f"Family {link.id}"

    async def family_links(self, family_id: int) -> list[LinkView]:
        async with self._sessions() as s:
            rows = (
                await s.execute(
                    select(TherapistLink, Therapist)
                    .join(Therapist, Therapist.id == TherapistLink.therapist_id)
                    .where(
                        TherapistLink.family_id == family_id,
                        TherapistLink.status == "active",
                        Therapist.status == "approved",
                    )
                    .order_by(TherapistLink.id)
                )
            ).all()
        return [
            LinkView(link.id, t.id, t.display_name, t.telegram_id, family_id, self._label(link), link.accepted_at)
            for link, t in rows
        ]

    async def revoke_link(self, family_id: int, link_id: int) -> LinkView | None:
        """The family stops sharing, at once. Returns None if the link isn't the family's."""
        now = self._clock.now()
        async with self._sessions() as s, s.begin():
            link = await s.get(TherapistLink, link_id, with_for_update=True)
            if link is None or link.family_id != family_id or link.status != "active":
                return None
            link.status, link.revoked_at = "revoked", now
            await s.execute(
                update(Assignment)
                .where(
                    Assignment.family_id == family_id,
                    Assignment.therapist_id == link.therapist_id,
                    Assignment.status == "pending",
                )
                .values(status="expired")
            )
            t = await s.get(Therapist, link.therapist_id)
            assert t is not None
            return LinkView(
                link.id, t.id, t.display_name, t.telegram_id, family_id, self._label(link), link.accepted_at
            )

    async def set_share_notes(self, family_id: int, share: bool) -> None:
        async with self._sessions() as s, s.begin():
            fam = await s.get(Family, family_id)
            if fam is not None:
                fam.share_notes = share

    # ---- caseload --------------------------------------------------------------------------------

    async def _links(self, s: AsyncSession, therapist_id: int) -> list[TherapistLink]:
        """Only families that consented and have not revoked."""
        return list(
            (
                await s.scalars(
                    select(TherapistLink)
                    .join(Therapist, Therapist.id == TherapistLink.therapist_id)
                    .where(
                        TherapistLink.therapist_id == therapist_id,
                        TherapistLink.status == "active",
                        Therapist.status == "approved",
                    )
                    .order_by(TherapistLink.id)
                )
            ).all()
        )

    async def links(self, therapist_id: int) -> list[tuple[int, str]]:
        async with self._sessions() as s:
            return [(link.id, self._label(link)) for link in await self._links(s, therapist_id)]

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
                    Delivery.status == "sent",
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
            label=self._label(link),
            sent=len(rows),
            tried=sum(1 for _, r in rows if r and r.outcome == "tried"),
            skipped=sum(1 for _, r in rows if r and r.outcome == "skipped"),
            last_activity=max(stamps) if stamps else None,
        )

    async def caseload(self, therapist_id: int, weeks: int = 4) -> list[ClientSummary]:
        since = self._clock.now() - timedelta(weeks=weeks)
        async with self._sessions() as s:
            out = []
            for link in await self._links(s, therapist_id):
                out.append(self._summary(link, await self._rows(s, link, since)))
            return out

    async def _title(self, s: AsyncSession, d: Delivery, therapist_id: int) -> tuple[str, bool]:
        """The title, and whether this therapist sent it. Another therapist's own words stay theirs."""
        mine = False
        if d.assignment_id is not None:
            a = await s.get(Assignment, d.assignment_id)
            mine = a is not None and a.therapist_id == therapist_id
            if a is not None and a.custom_text:
                if not mine:
                    return "A prompt from another therapist", False
                first = a.custom_text.strip().splitlines()[0]
                return (first[:57] + "…" if len(first) > 58 else first), True
        p = self._library.prompts.get(d.prompt_id or "")
        return (p.title if p else "A prompt"), mine

    async def client(self, therapist_id: int, link_id: int) -> ClientDetail | None:
        async with self._sessions() as s:
            link = await s.get(TherapistLink, link_id)
            if link is None or link not in await self._links(s, therapist_id):
                return None
            fam = await s.get(Family, link.family_id)
            share = bool(fam and fam.share_notes)
            rows = await self._rows(s, link)
            items = []
            for d, r in rows[:30]:
                title, mine = await self._title(s, d, therapist_id)
                items.append(
                    ClientItem(
                        sent_at=d.sent_at,
                        title=title,
                        from_therapist=mine,
                        outcome=r.outcome if r else None,
                        rating=r.rating if r else None,
                        note=r.note if (r and share) else None,
                    )
                )
            return ClientDetail(self._summary(link, rows), items, share)

    async def report_csv(self, therapist_id: int) -> bytes:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["family", "sent_at_utc", "prompt", "from_therapist", "outcome", "rating", "note"])
        async with self._sessions() as s:
            for link in await self._links(s, therapist_id):
                fam = await s.get(Family, link.family_id)
                share = bool(fam and fam.share_notes)
                for d, r in await self._rows(s, link):
                    title, mine = await self._title(s, d, therapist_id)
                    w.writerow(
                        [
                            _csv_safe(self._label(link)),
                            d.sent_at.isoformat() if d.sent_at else "",
                            _csv_safe(title),
                            "yes" if mine else "no",
                            r.outcome if r else "no answer",
                            r.rating if r and r.rating else "",
                            _csv_safe(r.note) if (r and share and r.note) else "",
                        ]
                    )
        return buf.getvalue().encode("utf-8")

    # ---- assignments -----------------------------------------------------------------------------

    def search(self, words: str, limit: int = 8) -> list[Prompt]:
        terms = [t for t in re.findall(r"[a-z']+", words.lower()) if len(t) > 2]
        if not terms:
            return []
        scored = []
        for p in self._library.prompts.values():
            hay = f"{p.title} {p.do} {p.say} {' '.join(p.tags)} {p.skill.value}".lower()
            score = sum(hay.count(t) + (3 if t in p.title.lower() else 0) for t in terms)
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
                select(Therapist).where(Therapist.telegram_id == therapist_tg, Therapist.status == "approved")
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

    # ---- weekly digest ---------------------------------------------------------------------------

    async def due_digests(self) -> list[tuple[int, str]]:
        """Digests due now. Each is queued in the outbox in the transaction that moves its date on, and the
        delivery engine sends it with a prompt's guarantees (claim, lease, retry). Returns what was queued."""
        now = self._clock.now()
        out: list[tuple[int, str]] = []
        async with self._sessions() as s, s.begin():
            due = (
                await s.scalars(
                    select(Therapist).where(
                        Therapist.status == "approved",
                        Therapist.next_digest_at.is_not(None),
                        Therapist.next_digest_at <= now,
                    )
                )
            ).all()
            for t in due:
                tz = ZoneInfo(t.timezone)
                t.next_digest_at = next_slot(now, tz, DIGEST_TIME, MONDAY)
                lines = [f"🗓 <b>Your weekly digest</b> — week to {now.astimezone(tz).strftime('%a %d %b')}", ""]
                links = await self._links(s, t.id)
                if not links:
                    lines.append("No linked families yet. Create an invite with /invite.")
                for link in links:
                    summary = self._summary(link, await self._rows(s, link, now - timedelta(days=7)))
                    lines.append(
                        f"• {h(summary.label)}: sent {summary.sent}, tried {summary.tried}, skipped {summary.skipped}"
                    )
                lines += ["", "Details: /clients · CSV: /report"]
                out.append((t.telegram_id, fit("\n".join(lines))))
                s.add(
                    Outbox(kind="digest", chat_id=t.telegram_id, text=out[-1][1], next_attempt_at=now, created_at=now)
                )
        return out


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
    slot = next_slot(start, tz, fam.send_time, CADENCE_DAYS[Cadence(fam.cadence)])
    if slot < end:
        return week, slot, True
    last = localize(week + timedelta(days=6), fam.send_time, tz).astimezone(UTC)
    return week, max(last, now), False


def _csv_safe(text: str | None) -> str:
    """Stop spreadsheet apps from running a cell that starts like a formula."""
    if not text:
        return ""
    return "'" + text if text[0] in "=+-@\t\r" else text
