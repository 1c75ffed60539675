"""Family emotion-coaching Telegram bot."""

__version__ = "0.1.0"
