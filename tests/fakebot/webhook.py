"""Kept for imports: see ``bot.sandbox.webhook``."""

from bot.sandbox.webhook import WebhookPusher as WebhookPusher
