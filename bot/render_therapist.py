"""Therapist-side text: consent terms, the family's link list, the admin's card, the caseload views, the weekly
digest and the alerts, each in the reader's language (``t``).

Every sentence about what a therapist sees is generated from the link's real settings. Names, labels and a
therapist's own words are escaped here and never translated.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.content import Library
from bot.domain.status import TherapistStatus
from bot.i18n import Translator
from bot.render import fit, h, outcome_label, skill_label
from bot.services.therapists import (
    ClientDetail,
    ClientSummary,
    Decision,
    Digest,
    LinkView,
    PendingItem,
    PromptRef,
    QuietFamily,
    TherapistView,
)


def local(dt: datetime, tz: str) -> datetime:
    return dt.astimezone(ZoneInfo(tz))


def family_name(t: Translator, label: str | None, link_id: int) -> str:
    """The therapist's own label for a family, or "Family 3" in the reader's language. Plain: escape for HTML."""
    return label or t("therapist-family-unnamed", n=link_id)


def prompt_title(ref: PromptRef, library: Library, t: Translator) -> str:
    """A library prompt's title in the reader's language (same ids in every locale), or the therapist's own
    first line as written. Plain: escape for HTML."""
    if ref.other:
        return t("therapist-prompt-other")
    if ref.own_title:
        return ref.own_title
    prompt = library.prompts.get(ref.prompt_id or "")
    return prompt.title if prompt else t("therapist-prompt-generic")


def band_name(t: Translator, band: str | None) -> str:
    return t(f"band-{band}") if band else ""


def status_word(t: Translator, status: TherapistStatus) -> str:
    return t(f"therapist-status-{status.value}")


def sees_lines(name: str, share_notes: bool, t: Translator) -> list[str]:
    """What one therapist sees, from the link's own note-sharing setting."""
    n = h(name)
    lines = [t("consent-sees", name=n), t("consent-sees-sent"), t("consent-sees-outcome"), t("consent-sees-rating")]
    lines.append(t("consent-sees-notes") if share_notes else t("consent-no-notes", name=n))
    return lines


def consent_text(name: str, share_notes: bool, t: Translator) -> str:
    n = h(name)
    return "\n".join(
        [
            t("consent-intro", name=n),
            "",
            t("consent-if-accept"),
            *sees_lines(name, share_notes, t)[1:],
            "",
            t("consent-sharing-on") if share_notes else t("consent-sharing-off"),
            t("consent-can-send", name=n),
            "",
            t("consent-stop-any-time"),
        ]
    )


def links_text(links: Sequence[LinkView], tz: str, t: Translator) -> str:
    if not links:
        return t("mytherapist-none")
    lines = [t("mytherapist-title")]
    for link in links:
        since = t.date(local(link.accepted_at, tz), "yMMMd")
        lines += ["", t("mytherapist-since", name=h(link.therapist_name), day=since)]
        lines += sees_lines(link.therapist_name, link.share_notes, t)
    return "\n".join(lines)


def history_line(history: Sequence[Decision], t: Translator, tz: str = "UTC") -> str | None:
    """Earlier requests and decisions, for an admin looking at a re-application."""
    earlier = list(history[:-1]) if history and history[-1].status is TherapistStatus.pending else list(history)
    if not earlier:
        return None
    parts = [t(f"admin-history-{d.status.value}", day=t.date(local(d.at, tz), "yMMMd")) for d in earlier]
    return t("admin-history", items=t.join(parts))


def admin_card(tv: TherapistView, history: Sequence[Decision], t: Translator, note: str | None = None) -> str:
    card = t(
        "admin-card",
        name=h(tv.display_name),
        id=str(tv.telegram_id),
        zone=tv.timezone,
        status=status_word(t, tv.status),
    )
    lines = [card]
    if line := history_line(history, t):
        lines.append(line)
    if note:
        lines += ["", note]
    return "\n".join(lines)


def ages_text(summary: ClientSummary, t: Translator) -> str:
    parts = [
        t("clients-child", band=band_name(t, c.band) if c.band else t("clients-no-band"), age=c.age)
        for c in summary.children
    ]
    return "; ".join(parts) or t("clients-no-children")


def clients_text(rows: Sequence[ClientSummary], tz: str, library: Library, t: Translator) -> str:
    lines = [t("clients-title"), ""]
    for c in rows:
        last = t.when(local(c.last_activity, tz)) if c.last_activity else t("clients-no-activity")
        week = t("clients-week-none")
        if c.this_week is not None:
            title = h(prompt_title(c.this_week.ref, library, t))
            week = t("clients-week-sent" if c.this_week.delivered else "clients-week-waiting", title=title)
        lines.append(
            t(
                "clients-row",
                label=h(family_name(t, c.label, c.link_id)),
                ages=h(ages_text(c, t)),
                sent=c.sent,
                tried=c.tried,
                skipped=c.skipped,
                last=last,
                week=week,
            )
        )
    return fit("\n".join(lines))


def client_text(detail: ClientDetail, tz: str, library: Library, t: Translator) -> str:
    s = detail.summary
    label = h(family_name(t, s.label, s.link_id))
    lines = [t("client-title", label=label, sent=s.sent, tried=s.tried, skipped=s.skipped), ""]
    for item in detail.items:
        title = h(prompt_title(item.ref, library, t))
        if item.skill:
            title = t("client-item-skill", title=title, skill=skill_label(item.skill, t))
        if item.from_therapist:
            title = t("client-item-mine", title=title)
        day = t.date(local(item.sent_at, tz)) if item.sent_at else "—"
        result = outcome_label(item.outcome, item.rating, t("client-no-answer"), t=t)
        lines.append(t("client-row", day=day, title=title, result=result))
        if item.note:
            lines.append(t("client-note", note=h(item.note)))
    if not detail.items:
        lines.append(t("client-nothing"))
    if not detail.notes_shared:
        lines += ["", t("client-private")]
    return fit("\n".join(lines))


def pending_lines(items: Sequence[PendingItem], tz: str, library: Library, t: Translator) -> str:
    lines = [t("pending-title"), ""]
    for p in items:
        label, title = family_name(t, p.label, p.link_id), prompt_title(p.ref, library, t)
        lines.append(t("pending-row", label=h(label), title=h(title), when=t.when(local(p.deliver_at, tz))))
    return fit("\n".join(lines))


def digest_text(d: Digest, t: Translator) -> str:
    lines = [t("digest-title", day=t.date(d.week_to)), ""]
    if not d.families:
        lines.append(t("therapist-no-families"))
    for c in d.families:
        label = h(family_name(t, c.label, c.link_id))
        lines.append(t("digest-row", label=label, sent=c.sent, tried=c.tried, skipped=c.skipped))
    lines += ["", t("digest-footer")]
    return fit("\n".join(lines))


def quiet_alert_text(q: QuietFamily, t: Translator) -> str:
    return t("therapist-quiet-alert", label=h(family_name(t, q.label, q.link_id)))


def family_left_text(label: str | None, link_id: int, t: Translator) -> str:
    return t("therapist-family-left", label=h(family_name(t, label, link_id)))
