"""The one factory: Bot, Dispatcher, database engine, services and scheduler.

`python -m bot` and the tests both build the bot through `build_app`, so tests run production's wiring.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import yaml
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.content import DEFAULT_CONTENT_DIR, Library, load_library
from bot.db.engine import create_engine, is_sqlite, session_factory
from bot.delivery.limiter import Limiter, make_limiter
from bot.delivery.loops import DISPATCH_BATCH, SQLITE_DISPATCH_BATCH, Engine
from bot.delivery.sender import Sender
from bot.delivery.session import LimiterMiddleware
from bot.delivery.stale import LateAnswerMiddleware, on_stale_error, stale_filter
from bot.fsm_storage import build_storage
from bot.handlers import build_router
from bot.handlers.middlewares import PrivateOnlyMiddleware, WhoMiddleware
from bot.handlers.screening import Hearing, ScreenMiddleware
from bot.i18n import REFERENCE, Locales, load_locales
from bot.i18n.commands import set_chat_menu, set_default_menus
from bot.i18n.middleware import LocaleMiddleware
from bot.render_therapist import digest_text, quiet_alert_text
from bot.runmodes import Runtime, run_polling, run_webhook
from bot.services.deliveries import DeliveryService
from bot.services.families import FamilyService
from bot.services.household import HouseholdService
from bot.services.languages import LanguageService
from bot.services.therapists import TherapistService

log = logging.getLogger(__name__)


def resources_text(library: Library, override: Path | None) -> str:
    """The crisis resources: from the content file, or a deployment's own file when SAFETY_RESOURCES_FILE is set."""
    if override is not None:
        raw = override.read_text(encoding="utf-8")
        if override.suffix in (".yaml", ".yml"):
            loaded = yaml.safe_load(raw)
            raw = loaded["resources"] if isinstance(loaded, dict) else str(loaded)
        return raw.strip()
    assert library.safety is not None
    return library.safety.resources.strip()


def hearings(library: Library, settings: Settings, resources: str, locales: Locales | None = None) -> list[Hearing]:
    """The bot's own locale first, then every other locale that ships a safety file (content/safety/<xx>.yaml):
    a parent is heard in any language the bot knows, whatever their Telegram is set to."""
    assert library.screener is not None
    out = [Hearing(library.screener, library, resources)]
    root = settings.content_dir or DEFAULT_CONTENT_DIR
    for path in sorted((root / "safety").glob("*.yaml")):
        locale = path.stem
        if "." in locale or locale == library.locale:
            continue
        # The locale's library is shared with the translator when loaded; otherwise heard, not sent: no prompts.
        loaded = locales.libraries.get(locale) if locales is not None else None
        other = loaded or load_library(settings.content_dir, locale=locale, prompts=False)
        if other.screener is not None:
            out.append(Hearing(other.screener, other, resources_text(other, settings.safety_resources_file)))
    return out


@dataclass
class App:
    settings: Settings
    clock: Clock
    library: Library
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    bot: Bot
    dp: Dispatcher
    families: FamilyService
    deliveries: DeliveryService
    sender: Sender
    therapists: TherapistService
    scheduler: AsyncIOScheduler
    engine_loops: Engine
    limiter: Limiter
    locales: Locales
    languages: LanguageService
    runtime: Runtime = field(default_factory=Runtime)

    async def tick(self) -> None:
        """One pass of every engine loop, in order. Tests call this after moving the clock."""
        await self.engine_loops.tick()

    async def startup(self) -> None:
        # The menu in every shipped language; Telegram picks it by the person's app language.
        await set_default_menus(self.bot, self.locales.catalog)
        # Admins see their extra commands in their own chats only, in their own language.
        for admin in self.settings.admin_ids:
            approved = await self.therapists.approved(admin)
            stored = await self.languages.therapist_language(admin)
            t = self.locales.for_person(stored, None)
            await set_chat_menu(self.bot, admin, t, therapist=approved is not None, admin=True)
        self.scheduler.start()
        self.engine_loops.start()
        log.info(
            "delivery engine started: %s msg/s ceiling, %d in flight, loops every %ss",
            self.limiter.rate,
            self.sender.concurrency,
            self.settings.tick_seconds,
        )

    async def shutdown(self) -> None:
        """Stop claiming, let sends in flight finish (bounded), put the rest back in the queue, close."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.engine_loops.stop()
        await self.bot.session.close()
        await self.limiter.close()
        await self.engine.dispose()
        log.info("stopped cleanly")

    async def run_polling(self, handle_signals: bool = True, sock: socket.socket | None = None) -> None:
        """Long polling by the one instance holding the polling lock; see bot/runmodes.py."""
        await run_polling(self, handle_signals=handle_signals, sock=sock)

    async def run_webhook(self, handle_signals: bool = True, sock: socket.socket | None = None) -> None:
        """Updates from Telegram's webhook (WEBHOOK_URL), on any number of instances; see bot/runmodes.py."""
        await run_webhook(self, handle_signals=handle_signals, sock=sock)

    def request_stop(self) -> None:
        self.runtime.stop.set()


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    library: Library | None = None,
    limiter: Limiter | None = None,
    locales: Locales | None = None,
) -> App:
    clock = clock or SystemClock()
    library = library or load_library(settings.content_dir)
    locales = locales or load_locales(settings.content_dir, reference=library)
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    languages = LanguageService(sessions)
    session = AiohttpSession(
        api=TelegramAPIServer.from_base(settings.telegram_api_url), timeout=settings.request_timeout
    )
    limiter = limiter or make_limiter(
        settings.send_rate, settings.per_chat_interval, clock, settings.redis_url, margin=settings.rate_margin
    )
    # Every Bot API call, replies included, passes the one rate budget.
    session.middleware(LimiterMiddleware(limiter))
    session.middleware(LateAnswerMiddleware())
    bot = Bot(token=settings.bot_token, session=session)

    families = FamilyService(sessions, clock, library, settings.default_timezone)
    deliveries = DeliveryService(sessions, clock, library, grace=timedelta(minutes=settings.grace_minutes))
    sender = Sender(
        bot,
        sessions,
        clock,
        limiter,
        library,
        on_blocked=families.mark_blocked,
        grace=timedelta(minutes=settings.grace_minutes),
        nudge_delay=timedelta(minutes=settings.nudge_delay_minutes),
        concurrency=settings.send_concurrency,
        lease=timedelta(seconds=settings.claim_lease_seconds),
        request_timeout=settings.request_timeout,
        paid_broadcast=settings.allow_paid_broadcast,
        retry_base=settings.retry_base_seconds,
        locales=locales,
    )

    therapists = TherapistService(sessions, clock, library, settings.admin_ids)

    async def queue_notices() -> None:
        # Each therapist's digest and alerts in their own language.
        await therapists.due_digests(lambda d: digest_text(d, locales.for_person(d.language, None)))
        await therapists.quiet_alerts(lambda q: quiet_alert_text(q, locales.for_person(q.language, None)))

    loops = Engine(
        sender,
        deliveries,
        queue_notices,
        tick_seconds=settings.tick_seconds,
        send_poll_seconds=settings.send_poll_seconds,
        dispatch_batch=SQLITE_DISPATCH_BATCH if is_sqlite(settings.database_url) else DISPATCH_BATCH,
    )

    dp = Dispatcher(storage=build_storage(settings, sessions, clock))
    private = PrivateOnlyMiddleware(locales)
    dp.message.outer_middleware(private)
    dp.callback_query.outer_middleware(private)
    assert library.screener is not None
    resources = resources_text(library, settings.safety_resources_file)
    dp.message.outer_middleware(ScreenMiddleware(hearings(library, settings, resources, locales), locales.catalog))
    who = WhoMiddleware(families)
    locale = LocaleMiddleware(locales, languages)
    # Outer, so access filters (bot.handlers.util.Ready) can see who is talking before a handler is chosen;
    # the locale follows who (a caregiver's stored language comes with them).
    for observer in (dp.message, dp.callback_query, dp.my_chat_member):
        observer.outer_middleware(who)
        observer.outer_middleware(locale)
    dp.include_router(build_router())
    dp.errors.register(on_stale_error, stale_filter)
    dp.workflow_data.update(
        settings=settings,
        clock=clock,
        library=library,
        families=families,
        deliveries=deliveries,
        sender=sender,
        therapists=therapists,
        household=HouseholdService(sessions, clock),
        tips=locales.tips_for(REFERENCE),
        resources=resources,
        locales=locales,
        languages=languages,
    )
    scheduler = AsyncIOScheduler(timezone="UTC")
    return App(
        settings=settings,
        clock=clock,
        library=library,
        engine=engine,
        sessions=sessions,
        bot=bot,
        dp=dp,
        families=families,
        deliveries=deliveries,
        sender=sender,
        therapists=therapists,
        scheduler=scheduler,
        engine_loops=loops,
        limiter=limiter,
        locales=locales,
        languages=languages,
    )
