"""Fake Telegram Bot API server for end-to-end tests: re-exported from ``bot.sandbox`` (one implementation)."""

from bot.sandbox.api import *  # noqa: F403
from bot.sandbox.api import __all__ as __all__
