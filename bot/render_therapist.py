"""Therapist-side text: consent terms, the family's link list, the admin's card, the weekly digest.

Every sentence about what a therapist sees is generated from the link's real settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.content import Library
from bot.domain.status import TherapistStatus
from bot.render import fit, h
from bot.services.therapists import ClientSummary, Decision, Digest, LinkView, TherapistView

STATUS_WORDS = {
    TherapistStatus.pending: "⏳ waiting for a decision",
    TherapistStatus.approved: "✅ approved",
    TherapistStatus.declined: "✖ declined",
    TherapistStatus.revoked: "⛔ access withdrawn",
}


def sees_lines(name: str, share_notes: bool) -> list[str]:
    """What one therapist sees, from the link's own note-sharing setting."""
    n = h(name)
    lines = [
        f"<b>{n} sees:</b>",
        "• which prompts were sent to you",
        "• whether you tried or skipped each one",
        "• how it went (your 3-point answer)",
    ]
    if share_notes:
        lines.append("• the notes you write from now on (notes written before stay private)")
    else:
        lines.append(f"{n} does <b>not</b> see your notes.")
    return lines


def consent_text(name: str, share_notes: bool) -> str:
    n = h(name)
    notes = (
        "Note sharing is <b>on</b> for this link: the one-line notes you add after a prompt will be shown too."
        if share_notes
        else "Note sharing is <b>off</b>. You can turn it on below, now or later in /mytherapist."
    )
    return "\n".join(
        [
            f"🤝 <b>{n}</b> would like to follow how your family is doing between sessions.",
            "",
            "<b>If you accept:</b>",
            *sees_lines(name, share_notes)[1:],
            "",
            notes,
            f"{n} can also send you a prompt for the week. Nothing from before today is shared.",
            "",
            "You can stop sharing at any time with /mytherapist, and it stops at once.",
        ]
    )


def links_text(links: Sequence[LinkView], tz: str) -> str:
    if not links:
        return "You're not sharing with any therapist. A therapist can send you an invite link."
    lines = ["🧑‍⚕️ <b>Your therapists</b>"]
    for link in links:
        since = link.accepted_at.astimezone(ZoneInfo(tz)).strftime("%d %b %Y")
        lines += ["", f"Sharing with <b>{h(link.therapist_name)}</b> since {since}."]
        lines += sees_lines(link.therapist_name, link.share_notes)
    return "\n".join(lines)


def history_line(history: Sequence[Decision], tz: str = "UTC") -> str | None:
    """Earlier requests and decisions, for an admin looking at a re-application."""
    earlier = list(history[:-1]) if history and history[-1].status is TherapistStatus.pending else list(history)
    if not earlier:
        return None
    words = {
        TherapistStatus.pending: "applied",
        TherapistStatus.approved: "approved",
        TherapistStatus.declined: "declined",
        TherapistStatus.revoked: "revoked",
    }
    parts = [f"{words[d.status]} {d.at.astimezone(ZoneInfo(tz)).strftime('%d %b %Y')}" for d in earlier]
    return "History: " + ", ".join(parts)


def admin_card(t: TherapistView, history: Sequence[Decision], note: str | None = None) -> str:
    lines = [
        "🧑‍⚕️ <b>Therapist request</b>",
        f"Name: {h(t.display_name)}",
        f"Telegram id: <code>{t.telegram_id}</code>",
        f"Timezone: {t.timezone}",
        f"Status: {STATUS_WORDS[t.status]}",
    ]
    if line := history_line(history):
        lines.append(line)
    if note:
        lines += ["", note]
    return "\n".join(lines)


def ages_text(summary: ClientSummary, library: Library) -> str:
    parts = [
        f"{library.band(c.band).name if c.band in library.by_band else 'no band'}, {c.age}y" for c in summary.children
    ]
    return "; ".join(parts) or "no children"


def digest_text(d: Digest) -> str:
    lines = [f"🗓 <b>Your weekly digest</b> — week to {d.week_to.strftime('%a %d %b')}", ""]
    if not d.families:
        lines.append("No linked families yet. Create an invite with /invite.")
    for c in d.families:
        lines.append(f"• {h(c.label)}: sent {c.sent}, tried {c.tried}, skipped {c.skipped}")
    lines += ["", "Details: /clients · CSV: /report"]
    return fit("\n".join(lines))


def when_short(dt: datetime | None, tz: str) -> str:
    return dt.astimezone(ZoneInfo(tz)).strftime("%a %d %b %H:%M") if dt else "—"


def quiet_alert_text(label: str) -> str:
    return (
        f"🔕 <b>{h(label)}</b> hasn't answered a prompt for two weeks. "
        "It may be a busy patch; a word at your next session could help. Details: /clients"
    )
