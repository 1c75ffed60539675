"""Kept for imports: see ``bot.sandbox.network``."""

from bot.sandbox.network import *  # noqa: F403
from bot.sandbox.network import Chaos as Chaos
from bot.sandbox.network import Drop as Drop
from bot.sandbox.network import Network as Network
