"""Settings for webhooks, health, Redis and start-up: each mistake is one line that names the fix."""

from __future__ import annotations

import pytest

from bot.config import PLACEHOLDER_TOKEN, ConfigError, load_settings

TOKEN = "123456:" + "A" * 35


def settings_error(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(ConfigError) as exc:
        load_settings(_env_file=None)
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_defaults_are_polling_with_health_on_8081(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WEBHOOK_URL", "REDIS_URL", "HEALTH_PORT", "WEBHOOK_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    s = load_settings(_env_file=None)
    assert (s.webhook_url, s.health_port, s.webhook_port) == ("", 8081, 8080) and not s.redis_url


def test_a_webhook_with_a_valid_secret_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("WEBHOOK_URL", "https://coach.example.org/tg")
    monkeypatch.setenv("WEBHOOK_SECRET", "A-z_09" * 40)
    s = load_settings(_env_file=None)
    assert s.webhook_secret.startswith("A-z_09") and "A-z_09" not in repr(s)  # never printed


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"WEBHOOK_URL": "https://coach.example.org/tg"}, "WEBHOOK_SECRET is not"),
        ({"WEBHOOK_URL": "http://coach.example.org/tg", "WEBHOOK_SECRET": "abc"}, "https://"),
        ({"WEBHOOK_URL": "https://x.org/tg", "WEBHOOK_SECRET": "has space"}, "1-256 characters"),
        ({"WEBHOOK_URL": "https://x.org/tg", "WEBHOOK_SECRET": "x" * 257}, "1-256 characters"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must look like redis://"),
        ({"HEALTH_PORT": "http"}, "HEALTH_PORT='http' is not valid"),
        ({"STARTUP_TIMEOUT": "-1"}, "STARTUP_TIMEOUT='-1' is not valid"),
        ({"BOT_TOKEN": PLACEHOLDER_TOKEN}, "still the example from .env.example"),
    ],
)
def test_ops_setting_mistakes(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str) -> None:
    message = settings_error(monkeypatch, **env)
    assert expected in message, message


def test_bad_values_name_the_default_and_never_echo_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    message = settings_error(monkeypatch, RATE_PER_SECOND="abc")
    assert message.startswith("RATE_PER_SECOND='abc' is not valid") and "(default 30.0)" in message
    assert "Fix it in .env or the environment" in message
    message = settings_error(monkeypatch, WEBHOOK_URL="https://x.org/tg", WEBHOOK_SECRET="s3cr3t with space")
    assert "s3cr3t" not in message
