"""Routers. Handlers stay thin: parse, call a service, render."""

from __future__ import annotations

from aiogram import Router

from bot.handlers import account, common, help_now, members, onboarding, prompts, screening, therapist


def _fresh(template: Router) -> Router:
    """A new router with the template's handlers.

    aiogram lets a router belong to one parent only; the module-level routers are templates, so every
    Dispatcher (a restart in tests, two instances in one process) gets routers of its own.
    """
    router = Router(name=template.name)
    for name, observer in template.observers.items():
        router.observers[name].handlers.extend(observer.handlers)
    return router


def build_router() -> Router:
    root = Router(name="root")
    # Order matters: flows that wait for typed text come before the catch-all fallback.
    for module in (members, onboarding, therapist, prompts, account, help_now, screening, common):
        root.include_router(_fresh(module.router))
    return root
