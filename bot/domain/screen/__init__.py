"""The screen that hears parents: crisis, distress, hard moments. Pure logic, compiled from content."""

from bot.domain.screen.engine import FEAR_FOR_CHILD, Screen, ScreenConfigError, Screener
from bot.domain.screen.normalize import Normalizer, Token

__all__ = ["FEAR_FOR_CHILD", "Normalizer", "Screen", "ScreenConfigError", "Screener", "Token"]
