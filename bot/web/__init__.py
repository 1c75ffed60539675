"""The bot's small HTTP side: health, readiness, Prometheus metrics and, in webhook mode, Telegram's updates."""
