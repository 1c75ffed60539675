"""Routers. Handlers stay thin: parse, call a service, render.

Each module builds a fresh router in ``setup()``, so every Dispatcher (a restart in tests, two instances in
one process) gets routers of its own; aiogram lets a router belong to one parent only.
"""

from __future__ import annotations

from aiogram import Router

from bot.handlers import (
    account,
    common,
    family,
    help_now,
    history,
    language,
    members,
    onboarding,
    plan,
    prompts,
    screening,
    therapist,
)


def build_router() -> Router:
    root = Router(name="root")
    # Order matters: flows that wait for typed text come before the catch-all fallback.
    root.include_router(members.setup())
    root.include_router(onboarding.setup())
    root.include_router(plan.setup())
    root.include_router(onboarding.setup_stale())
    root.include_router(therapist.setup())
    root.include_router(prompts.setup())
    root.include_router(history.setup())
    root.include_router(account.setup())
    root.include_router(family.setup())
    root.include_router(help_now.setup())
    root.include_router(language.setup())
    root.include_router(screening.setup())
    root.include_router(common.setup())
    return root
