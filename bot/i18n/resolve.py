"""Which language a person is spoken to in. Pure: no I/O, its own tests."""

from __future__ import annotations

from collections.abc import Collection


def shipped_locale(code: str | None, shipped: Collection[str]) -> str | None:
    """A stored or Telegram language code ("es", "es-MX", "pt_BR") as a shipped locale, or None."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    if code in shipped:
        return code
    primary = code.split("-")[0]
    return primary if primary in shipped else None


def resolve_locale(stored: str | None, telegram: str | None, shipped: Collection[str], default: str = "en") -> str:
    """The person's own choice (stored), else their Telegram app's language if the bot ships it, else English."""
    return shipped_locale(stored, shipped) or shipped_locale(telegram, shipped) or default
