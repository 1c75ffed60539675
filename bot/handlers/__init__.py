"""Routers. Handlers stay thin: parse, call a service, render."""

from __future__ import annotations

from aiogram import Router

from bot.handlers import account, common, members, onboarding, prompts


def build_router() -> Router:
    root = Router(name="root")
    # Order matters: flows that wait for typed text come before the catch-all fallback.
    root.include_routers(members.router, onboarding.router, prompts.router, account.router, common.router)
    return root
