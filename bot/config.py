"""Settings from the environment or `.env`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.content import DEFAULT_CONTENT_DIR

# Telegram tokens look like "123456789:AA...": a numeric bot id, a colon, and a 35-ish char secret.
TOKEN_RE = re.compile(r"^\d{3,15}:[A-Za-z0-9_-]{30,}$")

# Telegram's rule for the secret_token of setWebhook.
WEBHOOK_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# The token in .env.example: it matches TOKEN_RE, so it needs its own check.
PLACEHOLDER_TOKEN = "123456789:replace-with-the-token-from-BotFather"

DEFAULT_DB_URL = "sqlite+aiosqlite:///./data/bot.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: str = Field(default="", repr=False)
    database_url: str = DEFAULT_DB_URL
    telegram_api_url: str = "https://api.telegram.org"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    default_timezone: str = "Europe/London"
    log_level: str = "INFO"

    content_dir: Path = DEFAULT_CONTENT_DIR
    safety_resources_file: Path | None = None
    tick_seconds: float = Field(default=30.0, gt=0)
    grace_minutes: int = Field(default=120, ge=1)
    nudge_delay_minutes: int = Field(default=180, ge=1)
    rate_per_second: float = Field(default=30.0, gt=0, le=30)
    # The share of the rate left unused, so the network's jitter never makes Telegram count more than the rate.
    rate_margin: float = Field(default=0.02, ge=0, le=0.5)
    per_chat_interval: float = Field(default=1.1, ge=0)
    polling_timeout: int = Field(default=30, ge=1, le=60)
    # Delivery engine (bot/delivery). REDIS_URL, when set, also holds the shared rate budget.
    allow_paid_broadcast: bool = False
    paid_rate_per_second: float = Field(default=1000.0, gt=0, le=1000)
    send_concurrency: int = Field(default=16, ge=1, le=1000)
    request_timeout: float = Field(default=10.0, ge=1, le=120)
    claim_lease_seconds: float = Field(default=60.0, ge=1)
    send_poll_seconds: float = Field(default=1.0, gt=0)
    retry_base_seconds: float = Field(default=15.0, gt=0)

    @property
    def send_rate(self) -> float:
        """The overall ceiling the limiter enforces: the paid rate when paid broadcasts are on."""
        return self.paid_rate_per_second if self.allow_paid_broadcast else self.rate_per_second

    # Operations: webhook mode, health and metrics, several instances, start-up.
    webhook_url: str = ""
    webhook_secret: str = Field(default="", repr=False)
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=0, le=65535)
    health_host: str = "0.0.0.0"
    health_port: int = Field(default=8081, ge=0, le=65535)
    redis_url: str | None = Field(default=None, repr=False)
    leader_retry_seconds: float = Field(default=5.0, gt=0)
    startup_timeout: float = Field(default=60.0, gt=0)
    # The local sandbox (bot/sandbox): runs when BOT_TOKEN is unset, or always with SANDBOX=1.
    sandbox: bool = False
    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = Field(default=8080, ge=0, le=65535)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admins(cls, v: object) -> object:
        if isinstance(v, str):
            parts = [p for p in re.split(r"[,\s]+", v.strip()) if p]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError as exc:
                raise ValueError("ADMIN_IDS must be Telegram user ids separated by commas") from exc
        if isinstance(v, int):
            return frozenset({v})
        return v

    @field_validator("default_timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"DEFAULT_TIMEZONE {v!r} is not an IANA zone such as Europe/Berlin") from exc
        return v

    @field_validator("log_level")
    @classmethod
    def _level(cls, v: str) -> str:
        v = v.upper()
        if v not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")
        return v

    @field_validator("telegram_api_url")
    @classmethod
    def _api(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("TELEGRAM_API_URL must start with http:// or https://")
        return v.rstrip("/")

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, v: str) -> str:
        if v and not v.startswith("https://"):
            raise ValueError("WEBHOOK_URL must be a public https:// URL (Telegram only calls HTTPS webhooks)")
        return v

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, v: str) -> str:
        if v and not WEBHOOK_SECRET_RE.match(v):
            raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return v

    @field_validator("redis_url")
    @classmethod
    def _redis(cls, v: str | None) -> str | None:
        if v and not v.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("REDIS_URL must look like redis://host:6379/0")
        return v

    @field_validator("database_url")
    @classmethod
    def _db(cls, v: str) -> str:
        # Accept the URLs people paste from hosting dashboards and map them to the async drivers.
        if v.startswith("postgres://"):
            v = "postgresql+asyncpg://" + v[len("postgres://") :]
        elif v.startswith("postgresql://"):
            v = "postgresql+asyncpg://" + v[len("postgresql://") :]
        elif v.startswith("sqlite:///"):
            v = "sqlite+aiosqlite:///" + v[len("sqlite:///") :]
        if not v.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("DATABASE_URL must be sqlite+aiosqlite:///path or postgresql+asyncpg://...")
        return v


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line that says what to do."""


def token_problem(token: str) -> str | None:
    if not token:
        return (
            "BOT_TOKEN is not set. Get a token from @BotFather in Telegram and put "
            "BOT_TOKEN=123456:ABC... in .env or the environment."
        )
    if token == PLACEHOLDER_TOKEN:
        return (
            "BOT_TOKEN is still the example from .env.example. Get your own token from @BotFather "
            "and put it in .env as BOT_TOKEN=123456:ABC..."
        )
    if not TOKEN_RE.match(token):
        return (
            "BOT_TOKEN does not look like a Telegram token (expected 123456789:AA...). "
            "Copy it again from @BotFather, without quotes or spaces."
        )
    return None


def load_settings(require_token: bool = True, **overrides: object) -> Settings:
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    if require_token and (problem := token_problem(settings.bot_token)):
        raise ConfigError(problem)
    if settings.webhook_url and not settings.webhook_secret:
        raise ConfigError(
            "WEBHOOK_URL is set but WEBHOOK_SECRET is not. Set WEBHOOK_SECRET to a random string of 1-256 "
            "letters, digits, _ or - (e.g. from `openssl rand -hex 32`), or unset WEBHOOK_URL to use long polling."
        )
    return settings


_SECRET_FIELDS = frozenset({"bot_token", "webhook_secret", "redis_url", "database_url"})


def _describe(exc: ValidationError) -> str:
    """One line naming the setting, what is wrong and how to fix it; secrets are never echoed."""
    first = exc.errors()[0]
    name = ".".join(str(p) for p in first["loc"])
    field = name.upper() or "a setting"
    msg = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "value_error":  # our own validators already say what to do
        return msg if msg.startswith(field) else f"{field}: {msg}"
    shown = "" if name in _SECRET_FIELDS else f"={first.get('input')!r}"
    info = Settings.model_fields.get(name)
    default = f" (default {info.default})" if info is not None and info.default not in (None, "") else ""
    return f"{field}{shown} is not valid: {msg}. Fix it in .env or the environment{default}."
