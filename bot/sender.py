"""Compatibility names: the engine lives in bot.delivery (limiter, session middleware, sender, loops)."""

from __future__ import annotations

from bot.delivery.limiter import LocalLimiter as RateLimiter
from bot.delivery.sender import MAX_ATTEMPTS, Sender

__all__ = ["MAX_ATTEMPTS", "RateLimiter", "Sender"]
