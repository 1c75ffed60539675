"""Kept for imports: the fake Bot API now lives in ``bot.sandbox`` (the sandbox serves it too)."""

from bot.sandbox.api import *  # noqa: F403
from bot.sandbox.api import __all__ as __all__
