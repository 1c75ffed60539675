"""A Spanish-speaking therapist, end to end against the fake Bot API: applying, approval by an English-speaking
admin, invites, a Spanish family and an English family consenting (each on a screen in their own language), a
library prompt for the whole caseload (each family reads it in its language), /clients, /pending, the CSV, the
weekly digest, a family stopping, and the admin's revocation told to each in their own words."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.models import Therapist
from tests.e2e.conftest import AppFactory
from tests.e2e.flows import has, onboard, say, tap
from tests.e2e.test_spanish import onboard_es, spanish
from tests.e2e.test_therapist_journey import code_in, sent_with
from tests.fakebot import FakeTelegram

MEXICO = ZoneInfo("America/Mexico_City")
ADMIN, RIVERA, ANA, BOB = 900, 510, 511, 512


def mx(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, 5, tzinfo=MEXICO)


async def apply_and_approve(tg: FakeTelegram) -> None:
    await say(tg, RIVERA, "/therapist", "Únete como terapeuta familiar")
    await say(tg, RIVERA, "Dra. Ana Rivera", "¿En qué zona horaria estás?")
    await say(tg, RIVERA, "Ciudad de México", "Tu solicitud ya les llegó")
    # The admin reads the request in their own language (English), not the therapist's.
    card = sent_with(tg, ADMIN, "Therapist request")
    assert "Dra. Ana Rivera" in (card.text or "") and "America/Mexico_City" in (card.text or "")
    await tap(tg, ADMIN, "Approve", None)
    approved = sent_with(tg, RIVERA, "Tu cuenta de terapeuta fue aprobada")
    assert "/clients — las familias que acompañas" in (approved.text or "")


async def test_a_spanish_therapists_journey(tg: FakeTelegram, start_app: AppFactory, clock: FakeClock) -> None:
    tg.add_user(ADMIN)
    tg.add_user(RIVERA, first_name="Ana", language_code="es-MX")
    app = await start_app(admin_ids=frozenset({ADMIN}))

    # 1. Applying and approval: her language is stored on first contact; her menu is in Spanish.
    await apply_and_approve(tg)
    async with app.sessions() as s:
        assert (await s.scalar(select(Therapist.language_code))) == "es"
    menu = {c["command"]: c["description"] for c in tg.commands(f"chat:{RIVERA}")}
    assert menu["clients"] == "Tus familias vinculadas" and menu["assign"] == "Enviar una idea para la semana"
    assert any(a.text == "Approved." for a in tg.callback_answers)  # the admin's pop-up, in English

    # 2. Invites and consent: each family reads the consent screen in its own language. (Half past seven in
    # Mexico City: past the quiet hours in Bogotá and Berlin, before her Monday digest at 08:00.)
    clock.set(mx(2, 7, 30))
    invite = await say(tg, RIVERA, "/invite Familia Pérez", "Invitación para Familia Pérez")
    assert "Sirve una sola vez y vence el lun, 9 mar a las 07:30" in (invite.text or "")
    await onboard_es(tg, ANA)
    screen = await say(tg, ANA, f"/start c_{code_in(invite.text)}", "quiere acompañar")
    assert "Dra. Ana Rivera no ve tus notas" in (screen.text or "") and "está desactivado" in (screen.text or "")
    await tap(tg, ANA, "Compartir también mis notas", None)
    shown = (await tg.wait_for(ANA, lambda m: m.edited and "está activado" in (m.text or "")))[0]
    assert "las notas que escribas de ahora en adelante" in (shown.text or "")
    await tap(tg, ANA, "Aceptar", "Ahora compartes con Dra. Ana Rivera")
    await tg.wait_for(RIVERA, has("🤝 Familia Pérez aceptó tu invitación"))

    invite = await say(tg, RIVERA, "/invite Familia Okafor", "Invitación para Familia Okafor")
    await onboard(tg, BOB, nickname="Zoe", birth="2022-11")
    await say(tg, BOB, f"/start c_{code_in(invite.text)}", "would like to follow")
    await tap(tg, BOB, "Accept", "You're now sharing with Dra. Ana Rivera")
    await tg.wait_for(RIVERA, has("Familia Okafor aceptó tu invitación"))

    # 3. A library prompt for the whole caseload, chosen in Spanish, with her own note as written.
    await say(tg, RIVERA, "/assign", "¿Para quién es?")
    await tap(tg, RIVERA, "Todas tus familias (2)", "¿Qué te gustaría enviar?")
    await tap(tg, RIVERA, "Explorar la biblioteca", "¿Para qué etapa?")
    await tap(tg, RIVERA, "Edad escolar", "¿Qué habilidad?")
    await tap(tg, RIVERA, "Ponerse en el lugar del otro", "Toca una idea para leerla primero")
    chosen = tg.last(RIVERA).buttons[0][0]
    es_library, en_library = app.locales.library("es"), app.locales.library("en")
    prompt_id = next(p.id for p in es_library.by_band["school"] if p.title == chosen)
    preview = await tap(tg, RIVERA, chosen, "Vista previa · Edad escolar")
    assert preview is not None and "Puedes decir" in (preview.text or "")
    await tap(tg, RIVERA, "Usar esta", "¿Quieres agregar una nota breve")
    await say(tg, RIVERA, "Pruébenla en la cena & me cuentan <3", "¿Cuándo debería salir?")
    await tap(tg, RIVERA, "Enviar ahora", "Asignada a 2 familias. Sale en menos de un minuto.")
    await app.tick()
    ana = sent_with(tg, ANA, "De parte de Dra. Ana Rivera")
    bob = sent_with(tg, BOB, "From Dra. Ana Rivera")
    for got in (ana, bob):
        assert "Pruébenla en la cena & me cuentan <3" in (got.text or "")  # her note, never translated
    en_title = en_library.prompts[prompt_id].title.replace("{child}", "Zoe").replace("{Child}", "Zoe")
    assert "Puedes decir" in (ana.text or "") and en_title in (bob.text or "") and "Try saying" in (bob.text or "")

    # 4. Answers (a few minutes later: notes shared since the link began), then her views of the caseload.
    clock.advance(timedelta(minutes=5))
    await tg.press_button(ANA, "Lo intentamos")
    await tg.wait_for(ANA, lambda m: m.edited and "Lo intentaste" in (m.text or ""))
    await tap(tg, ANA, "Salió bien", "¿Qué ayudó a que saliera bien?")
    await say(tg, ANA, "Le encantó cambiar de papel", "Guardado")
    await tap(tg, BOB, "Skip", None)
    clients = await say(tg, RIVERA, "/clients", "Tus familias")
    text = clients.text or ""
    assert "Familia Pérez — Edad escolar, 6 años\n   enviadas 1, intentadas 1, saltadas 0" in text
    assert "Familia Okafor — Primeros años, 3 años\n   enviadas 1, intentadas 0, saltadas 1" in text
    assert f"esta semana de tu parte: {chosen} (enviada)" in text and "última actividad: lun, 2 mar a las 07:35" in text
    detail = await tap(tg, RIVERA, "Familia Pérez", "👪 Familia Pérez")
    assert detail is not None and "lo intentaron · 😊 Salió bien" in (detail.text or "")
    assert "Le encantó cambiar de papel" in (detail.text or "") and "🧑‍⚕️ " + chosen in (detail.text or "")
    await say(tg, RIVERA, "/pending", "No hay nada por salir")

    # 5. The CSV: Spanish headers and words, dates through Babel in her timezone.
    await tg.send_text(RIVERA, "/report")
    doc = (await tg.wait_for(RIVERA, lambda m: m.document is not None))[0]
    assert doc.document is not None and doc.document.filename == "familias-2026-03-02.csv"
    assert "Los resultados de tus familias (horas de America/Mexico_City)" in (doc.caption or "")
    rows = {r["familia"]: r for r in csv.DictReader(io.StringIO(doc.document.data.decode()))}
    perez, okafor = rows["Familia Pérez"], rows["Familia Okafor"]
    assert perez["enviada (hora de America/Mexico_City)"] == "2/3/2026 07:30"
    assert (perez["resultado"], perez["cómo les fue"], perez["de tu parte"]) == ("la intentaron", "salió bien", "sí")
    assert (perez["etapa del niño o niña"], okafor["etapa del niño o niña"]) == ("Edad escolar", "Primeros años")
    assert perez["habilidad (código)"] == "perspective" and perez["habilidad"] == "Ponerse en el lugar del otro"
    assert perez["idea"] == chosen and perez["nota"] == "Le encantó cambiar de papel"
    assert (okafor["resultado"], okafor["cómo les fue"], okafor["nota"]) == ("la saltaron", "", "")

    # 6. The weekly digest: Monday 08:00 in Mexico City, in Spanish.
    clock.set(mx(2, 8))
    await app.tick()
    digest = sent_with(tg, RIVERA, "Tu resumen semanal")
    assert "semana hasta el lun, 2 mar" in (digest.text or "")
    assert "• Familia Pérez: enviadas 1, intentadas 1, saltadas 0" in (digest.text or "")

    # 7. The English family stops sharing: its screens in English, her notice in Spanish.
    await say(tg, BOB, "/mytherapist", "Sharing with")
    await tap(tg, BOB, "Stop sharing with Dra. Ana Rivera", "any prompt they have planned")
    await tap(tg, BOB, "Yes, stop sharing", "no longer sees anything")
    sent_with(tg, RIVERA, "Familia Okafor dejó de compartir contigo.")

    # 8. The admin (in English) revokes her: she and the Spanish family are told in Spanish.
    await say(tg, ANA, "/mytherapist", "Compartes con Dra. Ana Rivera desde el 2 mar 2026")
    await say(tg, ADMIN, "/therapists", "Therapists")
    await tap(tg, ADMIN, "Revoke Dra. Ana Rivera", None)
    await tap(tg, ADMIN, "Yes, revoke", None)
    sent_with(tg, RIVERA, "Un administrador retiró tu acceso como terapeuta")
    sent_with(tg, ANA, "Dra. Ana Rivera ya no es terapeuta en este bot")
    assert tg.commands(f"chat:{RIVERA}") == []
    # The admin's list is edited in place, in English.
    assert "• Dra. Ana Rivera — ⛔ access withdrawn" in (tg.last(ADMIN).text or "")
    assert any(a.text == "Revoked Dra. Ana Rivera." for a in tg.callback_answers)

    # Everything she and the Spanish family read was Spanish.
    for user in (RIVERA, ANA):
        for m in tg.sent(user):
            assert spanish(m.text) and spanish(m.caption), m.text
            assert all(spanish(label) for label, _ in m.buttons), m.buttons
    tg.assert_no_errors()


async def test_a_therapists_own_language_choice(tg: FakeTelegram, start_app: AppFactory) -> None:
    """Chosen with /language before applying, it is stored with the request; changed later, the therapist's menu
    and screens follow it."""
    tg.add_user(ADMIN)
    tg.add_user(RIVERA, language_code="en")
    app = await start_app(admin_ids=frozenset({ADMIN}))
    await say(tg, RIVERA, "/language", "Which language")
    await tap(tg, RIVERA, "Español", "te escribo en español")
    await apply_and_approve(tg)
    async with app.sessions() as s:
        assert (await s.scalar(select(Therapist.language_code))) == "es"

    await say(tg, RIVERA, "/language", "¿En qué idioma")
    await tap(tg, RIVERA, "English", "I'll write to you in English")
    async with app.sessions() as s:
        assert (await s.scalar(select(Therapist.language_code))) == "en"
    menu = {c["command"]: c["description"] for c in tg.commands(f"chat:{RIVERA}")}
    assert menu["clients"] == "Your linked families"
    await say(tg, RIVERA, "/clients", "No linked families yet")
    invite = await say(tg, RIVERA, "/invite", "Client invite")
    assert re.search(r"expires on Mon 9 Mar at \d\d:\d\d", invite.text or "")
    tg.assert_no_errors()
