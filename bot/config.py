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
    rate_per_second: float = Field(default=25.0, gt=0, le=30)
    per_chat_interval: float = Field(default=1.1, ge=0)
    polling_timeout: int = Field(default=30, ge=1, le=60)
    # Delivery engine (bot/delivery). REDIS_URL, when set, also holds the shared rate budget.
    redis_url: str | None = None
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
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]).upper() or "a setting"
        raise ConfigError(f"{field}: {first['msg']}") from None
    if require_token and (problem := token_problem(settings.bot_token)):
        raise ConfigError(problem)
    return settings
