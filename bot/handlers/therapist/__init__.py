"""Therapists and admins, split by feature. Every button names an id; each handler re-checks on the server
that the caller may act on it."""

from __future__ import annotations

from aiogram import Router

from bot.handlers.therapist import assign, caseload, consent, joining
from bot.handlers.therapist.common import notify, sync_commands, tell_family_left
from bot.handlers.therapist.consent import show_consent

__all__ = ["notify", "setup", "show_consent", "sync_commands", "tell_family_left"]


def setup() -> Router:
    router = Router(name="therapist")
    for module in (joining, consent, caseload, assign):
        router.include_router(module.setup())
    return router
