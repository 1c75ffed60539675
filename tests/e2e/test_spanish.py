"""A Spanish-speaking family, end to end against the fake Bot API: the interface, the prompts and the reminders in
Spanish; /language mid-way; two co-parents reading different languages; the menu per language."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.content import Library
from bot.db.models import Caregiver, Child, Family
from bot.i18n import Locales
from tests.e2e.flows import has, say, tap
from tests.fakebot import FakeTelegram, SentMessage

BOGOTA = ZoneInfo("America/Bogota")
ANA, LUIS, MOM = 501, 502, 503


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, 5, tzinfo=BOGOTA)


def words(text: str | None) -> set[str]:
    return set(re.findall(r"[a-záéíóúñü']+", (text or "").lower()))


# Words that only an English message would use: any of them in a Spanish chat is a text that wasn't translated.
ENGLISH = {"the", "you", "your", "and", "what", "with", "tap", "try", "please", "this", "that", "here", "it's"}


def last(tg: FakeTelegram, user: int, text: str) -> SentMessage:
    """The latest message with ``text`` (already sent: app.tick() returns once it has gone)."""
    return [m for m in tg.sent(user) if text in (m.text or "")][-1]


def spanish(text: str | None) -> bool:
    return not (words(text) & ENGLISH)


async def onboard_es(tg: FakeTelegram, user: int) -> None:
    tg.add_user(user, first_name="Ana", language_code="es-CO")
    await say(tg, user, "/start", "¿Te parece bien?")
    await tap(tg, user, "Estoy de acuerdo", "Agreguemos a tu hijo o hija")
    await say(tg, user, "Sofi", "¿Cuándo nació Sofi?")
    await say(tg, user, "2019-04", "¿Hay otro hijo o hija")
    await tap(tg, user, "Son todos", "¿En qué zona horaria estás?")
    await say(tg, user, "bogota", "¿A qué hora te queda bien")
    await say(tg, user, "19:00", "¿Cada cuánto?")
    await tap(tg, user, "Todos los días", "¡Todo listo!")
    await tap(tg, user, "Prefiero esperar", "llegará a su hora")


async def test_a_spanish_parents_whole_journey(tg: FakeTelegram, app: App, clock: FakeClock, library: Library) -> None:
    # The menu exists in Spanish for Spanish Telegram apps, beside the English default.
    es_menu = {c["command"]: c["description"] for c in tg.commands("default", "es")}
    assert es_menu["prompt"] == "Una idea para probar ahora" and "language" in es_menu
    assert {c["command"] for c in tg.commands()} == set(es_menu)

    await onboard_es(tg, ANA)
    async with app.sessions() as s:
        cg = await s.scalar(select(Caregiver))
        child = await s.scalar(select(Child))
    assert cg is not None and cg.language_code == "es"  # stored with consent
    assert child is not None and (child.nickname, child.birth_year, child.birth_month) == ("Sofi", 2019, 4)

    # The scheduled prompt, from the Spanish library (same id as English), with Spanish buttons.
    clock.set(at(2, 19))
    await app.tick()
    prompt = last(tg, ANA, "Puedes decir")
    assert "Por qué ayuda" in (prompt.text or "") and "para Sofi" in (prompt.text or "")
    assert [b for b, _ in prompt.buttons] == ["✅ Lo intentamos", "⏭ Saltar", "⏰ Más tarde hoy"]
    es_titles = {p.title for p in app.locales.library("es").prompts.values()}
    first_line = (prompt.text or "").splitlines()[0].removeprefix("🌱 ").strip()
    assert first_line in {t.replace("{child}", "Sofi").replace("{Child}", "Sofi") for t in es_titles}
    assert first_line not in {p.title for p in library.prompts.values()}

    await tg.press_button(ANA, "Lo intentamos")
    await tg.wait_for(ANA, lambda m: m.edited and "Lo intentaste" in (m.text or ""))
    hard = await tap(tg, ANA, "Fue difícil", "¿Qué lo hizo difícil?")
    assert hard is not None and "Algo para probar la próxima vez" in (hard.text or "")
    await say(tg, ANA, "Estaba muy cansada y ella también.", "Guardado")

    # The evening's second prompt goes unanswered: the reminder comes in Spanish.
    clock.set(at(3, 19))
    await app.tick()
    clock.set(at(3, 20, 45))
    await app.tick()
    nudge = last(tg, ANA, "Un recordatorio suave")
    assert spanish(nudge.text)

    hist = await say(tg, ANA, "/history", "Tus ideas recientes")
    assert "lo intentaron · 😣 Fue difícil" in (hist.text or "") and "mar, 3 mar" in (hist.text or "")
    settings = await say(tg, ANA, "/settings", "Tu configuración")
    assert "Todos los días" in (settings.text or "") and "Recordatorios: activados" in (settings.text or "")
    await say(tg, ANA, "/pause", "¿Te tomas un descanso?")
    paused = await tap(tg, ANA, "1 semana", "En pausa hasta el")
    assert paused is not None and "En pausa hasta el mar, 10 mar" in (paused.text or "")
    await say(tg, ANA, "/help", "Esto es lo que puedo hacer")
    await say(tg, ANA, "/help_now", "Ayuda en el momento")

    for m in tg.sent(ANA):
        assert spanish(m.text), m.text
        assert all(spanish(label) for label, _ in m.buttons), m.buttons
    assert all(spanish(a.text) for a in tg.callback_answers if a.text)
    tg.assert_no_errors()


async def test_a_crisis_typed_in_spanish_during_set_up(tg: FakeTelegram, app: App) -> None:
    tg.add_user(ANA, language_code="es")
    await say(tg, ANA, "/start", "¿Te parece bien?")
    await tap(tg, ANA, "Estoy de acuerdo", "Agreguemos")
    reply = await say(tg, ANA, "no aguanto más, me quiero quitar la vida", "emergencias")
    assert "Sofi" not in (reply.text or "")
    async with app.sessions() as s:
        assert await s.scalar(select(Child)) is None  # the crisis text was never taken as a nickname
    # The set-up carries on where it was, in Spanish.
    await say(tg, ANA, "Sofi", "¿Cuándo nació Sofi?")


async def test_switching_language_mid_way(tg: FakeTelegram, app: App, clock: FakeClock) -> None:
    await onboard_es(tg, ANA)
    choice = await say(tg, ANA, "/language", "¿En qué idioma")
    assert [b for b, _ in choice.buttons] == ["English", "✅ Español"]
    await tap(tg, ANA, "English", "From now on I'll write to you in English")
    async with app.sessions() as s:
        assert (await s.scalar(select(Caregiver.language_code))) == "en"
    # That chat's menu follows the choice, whatever the Telegram app's language is.
    assert {c["description"] for c in tg.commands(f"chat:{ANA}")} >= {"An idea to try now"}
    await say(tg, ANA, "/settings", "Your settings")
    clock.set(at(2, 19))
    await app.tick()
    assert last(tg, ANA, "Try saying")
    # And back: a forged language is refused, a shipped one accepted.
    msg = await say(tg, ANA, "/language", "Which language")
    qid = await tg.press(ANA, msg.message_id, "lang:xx")
    await tg.wait_for_call("answerCallbackQuery", lambda p: str(p.get("callback_query_id")) == qid)
    async with app.sessions() as s:
        assert (await s.scalar(select(Caregiver.language_code))) == "en"
    await tap(tg, ANA, "Español", "te escribo en español")
    await say(tg, ANA, "/help", "Esto es lo que puedo hacer")


async def test_language_chosen_before_consent_is_kept(tg: FakeTelegram, app: App) -> None:
    tg.add_user(MOM, language_code="de")  # German isn't shipped: English until she chooses
    await say(tg, MOM, "/language", "Which language")
    await tap(tg, MOM, "Español", "te escribo en español")
    await say(tg, MOM, "/start", "¿Te parece bien?")
    await tap(tg, MOM, "Estoy de acuerdo", "Agreguemos")
    async with app.sessions() as s:
        assert (await s.scalar(select(Caregiver.language_code))) == "es"


async def test_co_parents_each_get_the_prompt_in_their_own_language(
    tg: FakeTelegram, app: App, clock: FakeClock, library: Library
) -> None:
    await onboard_es(tg, ANA)
    await say(tg, ANA, "/settings", "Tu configuración")
    await tap(tg, ANA, "Otros cuidadores", "Otros cuidadores")
    link = await tap(tg, ANA, "Invitar a otro cuidador", "start=p_")
    code = re.search(r"start=p_([A-Za-z0-9_-]+)", (link.text if link else "") or "")
    assert code is not None
    tg.add_user(LUIS, first_name="Luis", language_code="en")
    await say(tg, LUIS, f"/start p_{code.group(1)}", "invited to join a family")
    await tap(tg, LUIS, "I agree", "You've joined your family")
    await tg.wait_for(ANA, has("se unió a tu familia"))

    clock.set(at(2, 19))
    await app.tick()
    ana, luis = last(tg, ANA, "Puedes decir"), last(tg, LUIS, "Try saying")
    # One delivery, the same prompt id, each caregiver in their own words.
    async with app.sessions() as s:
        fam = await s.scalar(select(Family))
    assert fam is not None
    en_titles = {p.title.replace("{child}", "Sofi").replace("{Child}", "Sofi") for p in library.prompts.values()}
    assert (luis.text or "").splitlines()[0].removeprefix("🌱 ").strip() in en_titles
    assert spanish(ana.text) and not spanish(luis.text)
    # Luis answers in English; Ana's history shows it in Spanish.
    await tg.press(LUIS, luis.message_id, luis.callback_data("We tried it"))
    await tg.wait_for(LUIS, lambda m: m.edited and "You tried this" in (m.text or ""))
    hist = await say(tg, ANA, "/history", "Tus ideas recientes")
    assert "respondió otra persona de la familia" in (hist.text or "")
    tg.assert_no_errors()


async def test_the_therapist_custom_text_is_sent_as_written(locales_es: Locales) -> None:
    from bot.render import delivery_text
    from bot.services.answers import DeliveryContent

    content = DeliveryContent(None, "Practice the turtle breath twice this week.", "See you Tuesday", "Dr. Gómez", None)
    text = delivery_text(content, locales_es.translator("es"))
    assert "Practice the turtle breath twice this week." in text and "See you Tuesday" in text
    assert "De parte de Dr. Gómez" in text and "Algo para probar" in text
