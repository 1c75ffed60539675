"""No handler sends a literal English string: every text goes through the translator.

A pseudo-locale `xx` is made here from the English locale files and content, with every message, prompt field,
card line, situation title and tip wrapped in ⟦…⟧. A person whose Telegram is set to `xx` then goes through the
journeys against the fake Bot API, and everything the bot shows them (message texts, captions, button labels,
pop-up answers) must be marked segments plus their own data (nickname, note, zone, link, numbers, dates).
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from fluent.syntax import FluentParser, FluentSerializer, ast

from bot.clock import FakeClock
from bot.content import Library
from bot.i18n import Catalog, LocaleFiles, Locales, load_catalog
from bot.i18n.locales import load_locales
from tests.e2e.conftest import AppFactory
from tests.e2e.flows import has, onboard, say, tap
from tests.e2e.test_therapist_journey import ADMIN, THERAPIST, approve, become_therapist, invite
from tests.fakebot import FakeTelegram

# Flip to True once bot/handlers/therapist/, render_therapist, the digest and the CSV speak through `t`.
THERAPIST_CONVERTED = True

PSEUDO = "xx"
OPEN, CLOSE = "⟦", "⟧"
MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
BERLIN = ZoneInfo("Europe/Berlin")
ANN = 111
# A therapist's own words and note: sent as written, never translated.
OWN_WORDS, NOTE = "Ask about her favourite moment today and just listen.", "Try it at bath time"


def mark(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


def pseudo_ftl(source: str) -> str:
    """Every message and attribute of an English .ftl file, wrapped in markers (variables stay inside)."""
    resource = FluentParser().parse(source)
    for entry in resource.body:
        if isinstance(entry, ast.Message):
            for pattern in [entry.value, *(a.value for a in entry.attributes)]:
                if pattern is not None:
                    pattern.elements = [ast.TextElement(OPEN), *pattern.elements, ast.TextElement(CLOSE)]
    return str(FluentSerializer().serialize(resource))


def pseudo_library(en: Library) -> Library:
    prompts = {
        pid: p.model_copy(update={f: mark(getattr(p, f)) for f in ("title", "do", "say", "why", "reflect")})
        for pid, p in en.prompts.items()
    }
    by_band = {band: [prompts[p.id] for p in items] for band, items in en.by_band.items()}
    situations = {sid: s.model_copy(update={"title": mark(s.title)}) for sid, s in en.situations.items()}
    cards = {k: c.model_copy(update={"lines": tuple(mark(line) for line in c.lines)}) for k, c in en.cards.items()}
    return Library(
        bands=en.bands,
        prompts=prompts,
        by_band=by_band,
        situations=situations,
        cards=cards,
        safety=en.safety,
        situation_lexicon=en.situation_lexicon,
        distress=en.distress,
        screener=en.screener,
        locale=PSEUDO,
    )


@pytest.fixture(scope="module")
def pseudo_locales(library: Library) -> Locales:
    english = load_catalog().files["en"]
    pseudo = LocaleFiles(PSEUDO, {name: pseudo_ftl(text) for name, text in english.sources.items()})
    catalog = Catalog([english, pseudo], babel_for={PSEUDO: "en_GB"})
    real = load_locales(reference=library)
    tips = {**real.tips, PSEUDO: {skill: tuple(mark(x) for x in items) for skill, items in real.tips["en"].items()}}
    return Locales(catalog, {"en": library, PSEUDO: pseudo_library(library)}, tips)


def user_data() -> list[str]:
    """What may appear unmarked: the person's own words and Babel's names for dates, places and languages."""
    babel = Locale.parse("en_GB")
    names = [*babel.days["format"]["abbreviated"].values(), *babel.days["format"]["wide"].values()]
    names += [*babel.months["format"]["abbreviated"].values(), *babel.months["stand-alone"]["abbreviated"].values()]
    names += ["English", "Español", "Xx", "Europe/Berlin", "Berlin", "London", "Madrid", "New York", "Chicago"]
    names += ["Los Angeles", "Kolkata", "Sydney", "Mia", "She called it a grumpy cloud"]
    names += ["Dr. Sam Rivera", "Weber family", OWN_WORDS, NOTE]
    return sorted(names, key=len, reverse=True)


def unmarked(text: str) -> str:
    """What is left of a text once marked segments (innermost first), links and user data are taken out."""
    while True:
        stripped = MARKED.sub("", text)
        if stripped == text:
            break
        text = stripped
    text = re.sub(r"https?://\S+", "", text)
    for word in user_data():
        text = text.replace(word, "")
    return text


def literal_english(tg: FakeTelegram, chat: int) -> list[str]:
    found = []
    shown = [m.text or m.caption or "" for m in tg.sent(chat)]
    shown += [label for m in tg.sent(chat) for label, _ in m.buttons]
    shown += [a.text for a in tg.callback_answers if a.text]
    for text in shown:
        if re.search(r"[^\W\d_]", unmarked(text)):
            found.append(text)
    return found


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=BERLIN)


async def test_the_parent_journey_sends_no_literal_english(
    tg: FakeTelegram, start_app: AppFactory, clock: FakeClock, pseudo_locales: Locales
) -> None:
    app = await start_app(locales=pseudo_locales)
    # flows.onboard adds the user itself (with an English app); every user here speaks the pseudo-locale.
    add_user = tg.add_user
    tg.add_user = lambda uid, **kw: add_user(uid, **{**kw, "language_code": PSEUDO})  # type: ignore[method-assign]
    await onboard(tg, ANN)
    clock.set(at(2, 19, 0, 5))
    await app.tick()
    await tg.press_button(ANN, "We tried it")
    await tg.wait_for(ANN, lambda m: m.edited and "You tried this" in (m.text or ""))
    await tap(tg, ANN, "It was hard", "reply with one line")
    await say(tg, ANN, "She called it a grumpy cloud", "Saved")
    clock.set(at(3, 19, 0, 5))
    await app.tick()
    await tg.press_button(ANN, "Later today")
    clock.set(at(3, 20, 45, 5))
    await app.tick()
    for command, expect in [
        ("/history", "Your recent prompts"),
        ("/settings", "Your settings"),
        ("/help", "Here's what I can do"),
        ("/privacy", "Privacy"),
        ("/help_now", "Help in the moment"),
        ("my son had a huge meltdown at the shop", "meltdown"),
        ("blah", "what I can do"),
        ("/language", "Which language"),
        ("/pause", "Take a break"),
    ]:
        await say(tg, ANN, command, expect)
    await tap(tg, ANN, "1 week", "Paused until")
    await say(tg, ANN, "/resume", "Welcome back")
    await say(tg, ANN, "/settings", "Your settings")
    await tap(tg, ANN, "Children", "Children")
    await tap(tg, ANN, "Edit Mia", "What would you like to change")
    await say(tg, ANN, "/settings", "Your settings")
    await tap(tg, ANN, "Co-parents", "Co-parents")
    await tap(tg, ANN, "Invite a co-parent", "start=p_")
    await say(tg, ANN, "/progress", "")
    await tg.send_text(ANN, "/export")
    await tg.wait_for(ANN, lambda m: m.document is not None)
    await say(tg, ANN, "/delete", "Delete everything?")
    await tap(tg, ANN, "Cancel", "Nothing was deleted")
    assert literal_english(tg, ANN) == []
    assert sum(len(m.buttons) for m in tg.sent(ANN)) > 40 and len(tg.sent(ANN)) > 30
    # The journey really ran in the pseudo-locale: every text the bot sent carries markers.
    assert all(OPEN in (m.text or m.caption or OPEN) for m in tg.sent(ANN))
    tg.assert_no_errors()


@pytest.mark.xfail(not THERAPIST_CONVERTED, reason="the therapist side is converted separately", strict=True)
async def test_the_therapist_journey_sends_no_literal_english(
    tg: FakeTelegram, start_app: AppFactory, clock: FakeClock, pseudo_locales: Locales
) -> None:
    add_user = tg.add_user
    tg.add_user = lambda uid, **kw: add_user(uid, **{**kw, "language_code": PSEUDO})  # type: ignore[method-assign]
    for uid in (ADMIN, THERAPIST, ANN):
        tg.add_user(uid)
    app = await start_app(locales=pseudo_locales, admin_ids=frozenset({ADMIN}))
    await say(tg, ANN, "/clients", "approved on this bot")
    await say(tg, ANN, "/therapists", "for the bot's admins")
    await become_therapist(tg)
    await approve(tg)
    await onboard(tg, ANN)
    await say(tg, ANN, "/start c_AAAAAAAAAAAAAAAAAAAAAA", "don't recognise that invite")
    code = await invite(tg, "Weber family")
    await say(tg, ANN, f"/start c_{code}", "would like to follow")
    await tap(tg, ANN, "Share my notes too", None)
    await tap(tg, ANN, "Accept", "You're now sharing")
    await tg.wait_for(THERAPIST, has("Weber family accepted"))

    # /assign: a library prompt now, a search, and the therapist's own words for next week (then cancelled).
    await say(tg, THERAPIST, "/assign", "Who is it for")
    await tap(tg, THERAPIST, "Whole caseload", "What would you like to send")
    await tap(tg, THERAPIST, "Browse the library", "Which age band")
    await tap(tg, THERAPIST, "Toddler", "Which skill")
    await tap(tg, THERAPIST, "Naming feelings", "Tap a prompt")
    await tap(tg, THERAPIST, tg.last(THERAPIST).buttons[0][0], "Preview")
    await tap(tg, THERAPIST, "Use this one", "Add a short note")
    await say(tg, THERAPIST, NOTE, "When should it go out")
    await tap(tg, THERAPIST, "Send now", "Assigned to 1 family")
    await app.tick()  # returns once sent
    assert any(NOTE in (m.text or "") for m in tg.sent(ANN))
    await say(tg, THERAPIST, "/assign", "Who is it for")
    await tap(tg, THERAPIST, "Weber family", "What would you like to send")
    await tap(tg, THERAPIST, "Search by words", "Type a few words")
    await say(tg, THERAPIST, "bedtime", "Tap a prompt")
    await say(tg, THERAPIST, "/assign", "Who is it for")
    await tap(tg, THERAPIST, "Weber family", "What would you like to send")
    await tap(tg, THERAPIST, "Write my own", "Type the prompt")
    await say(tg, THERAPIST, OWN_WORDS, "Add a short note")
    await tap(tg, THERAPIST, "Skip", "When should it go out")
    await tap(tg, THERAPIST, "Next week", "Assigned to 1 family")
    await say(tg, THERAPIST, "/pending", "Waiting to go out")
    await tap(tg, THERAPIST, "Cancel", "Nothing waiting")

    # The family answers; the therapist's views, the CSV and the digest.
    await tg.press_button(ANN, "We tried it")
    await tg.wait_for(ANN, lambda m: m.edited and "You tried this" in (m.text or ""))
    await tap(tg, ANN, "Went well", "reply with one line")
    await say(tg, THERAPIST, "/clients", "Weber family")
    await tap(tg, THERAPIST, "Weber family", "Weber family")
    await tg.send_text(THERAPIST, "/report")
    doc = (await tg.wait_for(THERAPIST, lambda m: m.document is not None))[0]
    assert doc.document is not None
    header, *rows = doc.document.data.decode().splitlines()
    assert rows and not re.search(r"[^\W\d_]", unmarked(header)), header
    clock.set(at(9, 8, 0, 5))
    await app.tick()
    assert any("Your weekly digest" in (m.text or "") for m in tg.sent(THERAPIST))

    # The admin's list and a revocation (asked first), told to the therapist and the family.
    await say(tg, ADMIN, "/therapists", "Therapists")
    await tap(tg, ADMIN, "Revoke", None)
    await tap(tg, ADMIN, "Keep them", None)
    await tap(tg, ADMIN, "Revoke", None)
    await tap(tg, ADMIN, "Yes, revoke", None)
    await say(tg, ANN, "/mytherapist", "not sharing with any therapist")
    for chat in (ADMIN, THERAPIST, ANN):
        assert literal_english(tg, chat) == [], chat
    tg.assert_no_errors()
