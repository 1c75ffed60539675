"""The caseload CSV in the therapist's language: headers and words from the locale files, dates and times through
Babel in the therapist's own timezone. Pure: rows in, bytes out."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from bot.content import Library
from bot.i18n import Translator
from bot.render import skill_label
from bot.render_therapist import band_name, family_name, local, prompt_title
from bot.services.therapists import ReportRow

HEADERS = (
    "csv-family",
    "csv-sent-at",
    "csv-child-band",
    "csv-skill",
    "csv-skill-name",
    "csv-prompt",
    "csv-from-you",
    "csv-outcome",
    "csv-how-it-went",
    "csv-note",
)


def csv_safe(text: str | None) -> str:
    """Stop spreadsheet apps from running a cell that starts like a formula."""
    if not text:
        return ""
    return "'" + text if text[0] in "=+-@\t\r" else text


def sent_at(row: ReportRow, tz: str, t: Translator) -> str:
    """A day and a time a spreadsheet in that language reads as one ("02/03/2026 19:00", "2/3/2026 19:00")."""
    if row.sent_at is None:
        return ""
    when = local(row.sent_at, tz)
    return f"{t.date(when, 'yMd')} {t.time(when)}"


def outcome(row: ReportRow, t: Translator) -> tuple[str, str]:
    """What the family did, and how it went, in words."""
    if row.outcome == "tried":
        return t("csv-tried"), t(f"csv-rating-{row.rating}") if row.rating in (1, 2, 3) else ""
    if row.outcome == "skipped":
        return t("csv-skipped"), ""
    return t("csv-no-answer"), ""


def report_csv(rows: Sequence[ReportRow], tz: str, library: Library, t: Translator) -> bytes:
    """The skill column keeps the stable code (the same in every language, for sorting and pivots) beside its
    name; everything else is worded for the reader."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([t(key, zone=tz) for key in HEADERS])
    for row in rows:
        did, how = outcome(row, t)
        w.writerow(
            [
                csv_safe(family_name(t, row.label, row.link_id)),
                sent_at(row, tz, t),
                band_name(t, row.band),
                row.skill or "",
                skill_label(row.skill, t) if row.skill else "",
                csv_safe(prompt_title(row.ref, library, t)),
                t("csv-yes") if row.mine else t("csv-no"),
                did,
                how,
                csv_safe(row.note),
            ]
        )
    return buf.getvalue().encode("utf-8")
