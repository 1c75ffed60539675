"""Routers. Handlers stay thin: parse, call a service, render.

Each module builds a fresh router in ``setup()``, so every Dispatcher (a restart in tests, two instances in
one process) gets routers of its own; aiogram lets a router belong to one parent only.
"""

from __future__ import annotations

from types import ModuleType

from aiogram import Router

from bot.handlers import (
    account,
    common,
    family,
    help_now,
    history,
    members,
    onboarding,
    plan,
    prompts,
    therapist,
)


def _from_module(module: ModuleType) -> Router:
    """A module that still exposes a module-level ``router`` template: copy its handlers into a new router.
    Kept for modules not yet converted to ``setup()``; remove once none is left."""
    if hasattr(module, "setup"):
        made: Router = module.setup()
        return made
    template: Router = module.router
    router = Router(name=template.name)
    for name, observer in template.observers.items():
        router.observers[name].handlers.extend(observer.handlers)
    return router


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
    root.include_router(_from_module(help_now))
    root.include_router(_from_module(common))
    return root
