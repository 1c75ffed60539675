"""Texts a therapist's world produces for someone else go out in that person's language: the digest and the
quiet-family alert (queued in the outbox), a family leaving, an admin's revocation told to each caregiver; and the
CSV is worded for its reader while a family's own labels and a therapist's own words stay as written."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.db.models import Caregiver, Delivery, Outbox
from bot.i18n import Locales, load_locales
from bot.render_report import report_csv
from bot.render_therapist import digest_text, quiet_alert_text
from bot.services.therapists import InviteProblem, TherapistService, When
from tests.service.helpers import onboard, services

ADMIN, T = 900, 500


@pytest.fixture(scope="module")
def locales() -> Locales:
    return load_locales()


async def _linked(sessions, clock, library, language: str | None, label: str | None = "Familia Pérez"):
    families, deliveries = services(sessions, clock, library)
    therapists = TherapistService(sessions, clock, library, frozenset({ADMIN}))
    who = await onboard(families)
    tv = await therapists.request(T, "Dra. Rivera", "America/Mexico_City", language=language)
    assert await therapists.decide(ADMIN, tv.id, True)
    made = await therapists.create_invite(T, label)
    assert made is not None
    link = await therapists.accept(who.family_id, made[0])
    assert not isinstance(link, InviteProblem)
    return families, deliveries, therapists, who, tv, link


async def test_alerts_and_digests_are_queued_in_each_therapists_language(
    sessions, clock, library, locales: Locales
) -> None:
    _, _, therapists, _, _tv, link = await _linked(sessions, clock, library, "es", label=None)
    assert (await therapists.get(T)).language == "es"  # type: ignore[union-attr]
    clock.advance(timedelta(days=15))
    queued = await therapists.quiet_alerts(lambda q: quiet_alert_text(q, locales.for_person(q.language, None)))
    assert [(q.chat, q.label, q.language) for q in queued] == [(T, None, "es")]
    digests = await therapists.due_digests(lambda d: digest_text(d, locales.for_person(d.language, None)))
    assert [d.language for d in digests] == ["es"]
    async with sessions() as s:
        texts = {o.kind: o.text for o in (await s.scalars(select(Outbox))).all()}
    # An unlabelled family is named in the reader's language.
    assert f"<b>Familia {link.id}</b> lleva dos semanas sin responder" in texts["alert"]
    assert "Tu resumen semanal" in texts["digest"] and f"• Familia {link.id}: enviadas 0" in texts["digest"]


async def test_leaving_and_revocation_carry_each_persons_language(sessions, clock, library) -> None:
    _families, _, therapists, who, tv, link = await _linked(sessions, clock, library, "es")
    assert [(x.chat, x.label, x.language) for x in await therapists.leaving(who.family_id)] == [
        (T, "Familia Pérez", "es")
    ]
    async with sessions() as s, s.begin():
        await s.execute(update(Caregiver).values(language_code="es"))
    await therapists.assign(T, [link.id], custom_text="Una idea para la semana que viene.", when=When.next_week)
    revoked = await therapists.revoke(ADMIN, tv.id)
    assert revoked is not None
    (ended,) = revoked[1]
    assert ended.caregivers == (who.telegram_id,) and ended.languages == {who.telegram_id: "es"}
    assert ended.cancelled == 1


async def test_the_csv_is_worded_for_its_reader(sessions, clock, library, locales: Locales) -> None:
    _, deliveries, therapists, who, tv, link = await _linked(sessions, clock, library, "es")
    own = "=SUM(A1) ideas: pregúntale por su momento favorito"
    await therapists.assign(T, [link.id], custom_text=own, when=When.now)
    assert await deliveries.dispatch_assignments() == 1
    async with sessions() as s, s.begin():
        d = await s.scalar(select(Delivery))
        assert d is not None
        d.status, d.sent_at = "sent", clock.now()
    clock.advance(timedelta(minutes=1))
    assert await deliveries.answer(who.family_id, who.caregiver_id, d.id, rating=2)
    rows = await therapists.report(tv.id)
    for locale, expected in (
        (
            "es",
            {
                "familia": "Familia Pérez",
                "enviada (hora de America/Mexico_City)": "2/3/2026 03:00",
                "resultado": "la intentaron",
                "cómo les fue": "más o menos",
                "de tu parte": "sí",
            },
        ),
        (
            "en",
            {
                "family": "Familia Pérez",
                "sent_at (America/Mexico_City)": "02/03/2026 03:00",
                "outcome": "tried",
                "how_it_went": "so-so",
                "from_you": "yes",
            },
        ),
    ):
        t = locales.translator(locale)
        data = report_csv(rows, tv.timezone, locales.library(locale), t)
        (row,) = list(csv.DictReader(io.StringIO(data.decode())))
        assert expected.items() <= row.items()
        # Her own words as written, made safe for spreadsheets; the child's band in the reader's language.
        assert row[t("csv-prompt")] == "'" + own
        assert row[t("csv-child-band")] == t("band-toddler")


async def test_search_runs_in_the_therapists_own_library(sessions, clock, library, locales: Locales) -> None:
    therapists = TherapistService(sessions, clock, library, frozenset({ADMIN}))
    es = locales.library("es")
    found = therapists.search("hermanos peleando", library=es)
    assert found and all(p.id in es.prompts and p is es.prompts[p.id] for p in found)
    assert any("herman" in (p.title + p.do + " ".join(p.tags)).lower() for p in found)
    # Accents are optional in what is typed: "nino" finds "niño".
    assert therapists.search("nino", library=es) == therapists.search("niño", library=es) != []
    assert therapists.search("sibling fight")[0].id in library.prompts
