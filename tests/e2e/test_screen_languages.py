"""Every shipped locale listens: a parent writing Spanish to the bot is heard in Spanish, whatever language the
bot speaks to them, and answered in that locale's words (resources, immediate step, distress care)."""

from __future__ import annotations

from bot.app import App
from bot.db.models import Family
from tests.e2e.flows import onboard, say
from tests.fakebot import FakeTelegram

ANN, BOB = 111, 222


async def test_a_crisis_in_spanish_gets_the_spanish_resources_and_nothing_is_stored(tg: FakeTelegram, app: App) -> None:
    tg.add_user(BOB)
    reply = await say(tg, BOB, "ya no puedo más, quiero morirme", "911")
    assert "emergencias" in (reply.text or "")
    reply = await say(tg, BOB, "/help_now tengo miedo de hacerle daño a mi bebé", "lugar seguro")
    assert "911" in (reply.text or "")
    async with app.sessions() as s:
        assert (await s.get(Family, 1)) is None  # /help_now never ran, nothing was set up or stored


async def test_distress_in_spanish_gets_care_in_spanish_not_the_menu(tg: FakeTelegram, app: App) -> None:
    await onboard(tg, ANN)
    reply = await say(tg, ANN, "estoy agotada, le grité a mi hijo otra vez y me siento la peor madre", "Tu médico")
    assert "Support lines" in str(reply.buttons) or "apoyo" in str(reply.buttons).lower()
