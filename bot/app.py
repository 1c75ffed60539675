"""The one factory: Bot, Dispatcher, database engine, services and scheduler.

`python -m bot` and the tests both build the bot through `build_app`, so tests run production's wiring.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import yaml
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, BotCommandScopeDefault
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.content import Library, load_library
from bot.db.engine import create_engine, session_factory
from bot.fsm_storage import SqlStorage
from bot.handlers import build_router
from bot.handlers.middlewares import PrivateOnlyMiddleware, WhoMiddleware
from bot.handlers.screening import ScreenMiddleware
from bot.handlers.therapist import sync_commands
from bot.sender import RateLimiter, Sender
from bot.services.deliveries import DeliveryService
from bot.services.families import FamilyService
from bot.services.therapists import TherapistService

log = logging.getLogger(__name__)

COMMANDS = [
    ("prompt", "An idea to try now"),
    ("history", "What you've tried so far"),
    ("settings", "Time, days, timezone, children, reminders"),
    ("pause", "Take a break"),
    ("resume", "Start again after a pause"),
    ("help_now", "Help with a hard moment"),
    ("mytherapist", "Your therapist links"),
    ("therapist", "Join as a family therapist"),
    ("help", "What I can do"),
    ("privacy", "What I store"),
    ("export", "Your data as a file"),
    ("delete", "Erase everything"),
    ("start", "Start or restart"),
]


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
    _tick_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def tick(self) -> None:
        """One pass of the delivery pipeline. The scheduler calls this; tests may too, after moving the clock."""
        if self.sender.stopping:
            return
        async with self._tick_lock:
            try:
                await self.deliveries.release_stale_leases()
                await self.deliveries.dispatch_due()
                await self.deliveries.dispatch_assignments()
                await self.sender.drain()
                await self.sender.nudges()
                for chat_id, text in await self.therapists.due_digests():
                    await self.sender.send_notice(chat_id, text)
            except Exception:
                log.exception("tick failed; the next tick will try again")

    async def startup(self) -> None:
        await self.bot.set_my_commands(
            [BotCommand(command=c, description=d) for c, d in COMMANDS], scope=BotCommandScopeDefault()
        )
        # Admins see their extra commands in their own chats only.
        for admin in self.settings.admin_ids:
            approved = await self.therapists.approved(admin)
            await sync_commands(self.bot, admin, therapist=approved is not None, admin=True)
        self.scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=self.settings.tick_seconds),
            id="tick",
            max_instances=1,
            coalesce=True,
            replace_existing=True,
        )
        self.scheduler.start()
        log.info("scheduler started: tick every %ss", self.settings.tick_seconds)

    async def shutdown(self) -> None:
        """Stop taking new work, let a send in flight finish, then close everything."""
        self.sender.stopping = True
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        async with self._tick_lock:
            pass
        await self.bot.session.close()
        await self.engine.dispose()
        log.info("stopped cleanly")

    async def run_polling(self, handle_signals: bool = True) -> None:
        await self.startup()
        try:
            await self.bot.delete_webhook(drop_pending_updates=False)
            await self.dp.start_polling(
                self.bot,
                handle_signals=handle_signals,
                close_bot_session=False,
                polling_timeout=self.settings.polling_timeout,
                allowed_updates=self.dp.resolve_used_update_types(),
            )
        finally:
            await self.shutdown()


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    library: Library | None = None,
    limiter: RateLimiter | None = None,
) -> App:
    clock = clock or SystemClock()
    library = library or load_library(settings.content_dir)
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)

    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    bot = Bot(token=settings.bot_token, session=session)

    families = FamilyService(sessions, clock, library, settings.default_timezone)
    deliveries = DeliveryService(sessions, clock, library, grace=timedelta(minutes=settings.grace_minutes))
    sender = Sender(
        bot,
        sessions,
        clock,
        limiter or RateLimiter(settings.rate_per_second, settings.per_chat_interval),
        on_blocked=families.mark_blocked,
        content=deliveries.content_for,
        grace=timedelta(minutes=settings.grace_minutes),
        nudge_delay=timedelta(minutes=settings.nudge_delay_minutes),
    )

    therapists = TherapistService(sessions, clock, library, settings.admin_ids)

    dp = Dispatcher(storage=SqlStorage(sessions, clock))
    private = PrivateOnlyMiddleware()
    dp.message.outer_middleware(private)
    dp.callback_query.outer_middleware(private)
    assert library.screener is not None
    resources = resources_text(library, settings.safety_resources_file)
    dp.message.outer_middleware(ScreenMiddleware(library.screener, library, resources))
    who = WhoMiddleware(families)
    dp.message.middleware(who)
    dp.callback_query.middleware(who)
    dp.my_chat_member.middleware(who)
    dp.include_router(build_router())
    dp.workflow_data.update(
        settings=settings,
        clock=clock,
        library=library,
        families=families,
        deliveries=deliveries,
        sender=sender,
        therapists=therapists,
        resources=resources,
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
    )
