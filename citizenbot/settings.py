"""All configuration read from the environment, in one place.

Nothing here touches the network or the disk at import: values are read when a function asks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The languages served when SERVED_LANGUAGES is not set (the order is the order of every listing).
DEFAULT_LANGUAGES = ("fi", "sv", "en", "ru", "uk", "et", "ar", "so", "fa")
# The languages the content is written in (kb/answers/*.yml, the city's data); the others are
# translated from them (kb/answers/<lang>/, with their translation status) and city data a
# translation lacks falls back to English, then Finnish (citizenbot.content).
SOURCE_LANGUAGES = ("fi", "sv", "en")
FALLBACK_ORDER = ("en", "fi")
# The development secrets `make run` uses; outside development the servers refuse to start with them.
DEV_RASA_TOKEN = "dev-token-change-me"
DEV_WEB_SECRET = "dev-secret-change-me"
DEVELOPMENT = "development"


class ConfigurationError(RuntimeError):
    """The environment is not fit to start a server in; the message says what to set."""


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    database_url: str
    kb_dir: Path
    city: str
    open311_base_url: str
    open311_api_key: str
    open311_timeout: float
    outbox_interval: float
    analytics_interval: float  # seconds between analytics roll-ups (the action server)
    default_lang: str
    languages: tuple[str, ...]
    rasa_url: str
    rasa_token: str
    web_secret: str
    socketio_redis_url: str
    secure_cookies: bool
    max_message_chars: int
    environment: str  # CITIZENBOT_ENV: "development" (default) or anything else, e.g. "production"
    rasa_host: str  # RASA_HOST: the interface the Rasa server listens on (loopback by default)
    actions_host: str  # ACTIONS_HOST: the interface the action server listens on (loopback by default)
    rest_channel_key: str  # REST_CHANNEL_KEY: the web gateway's key to the REST channel
    rest_integrations: str  # REST_INTEGRATIONS: other integrations' keys, name=sha256 (channels/integrations.py)
    trusted_proxies: str  # TRUSTED_PROXIES: reverse proxies whose X-Forwarded-For is believed (none by default)
    open311_jurisdiction_id: str = ""
    # PUBLIC_BASE_URL: where residents and the city reach the web process (https://chat.city.fi);
    # a fault report's photo is sent to the city as a link under it (none when unset)
    public_base_url: str = ""


# The longest resident's message read whole, on every channel (README, "Reliability and security").
# 4,000: the longest of the 1,108 messages in the Helsinki feedback history had 3,591 characters
# (3 were over 2,000), and name matching is linear (100 KB in about 0.2 s).
DEFAULT_MAX_MESSAGE_CHARS = 4000


def get_settings() -> Settings:
    return Settings(
        database_url=_env("DATABASE_URL", f"sqlite:///{PROJECT_ROOT / 'var' / 'citizenbot.db'}"),
        kb_dir=Path(_env("KB_DIR", str(PROJECT_ROOT / "kb"))),
        city=_env("CITY", "tampere"),
        open311_base_url=_env("OPEN311_BASE_URL", ""),
        open311_api_key=_env("OPEN311_API_KEY", ""),
        open311_timeout=float(_env("OPEN311_TIMEOUT", "5")),
        outbox_interval=float(_env("OUTBOX_INTERVAL", "30")),
        analytics_interval=float(_env("ANALYTICS_INTERVAL", "60")),
        default_lang=_env("DEFAULT_LANG", "fi"),
        languages=served_languages(),
        rasa_url=_env("RASA_URL", f"http://localhost:{_env('RASA_PORT', '5005')}"),
        rasa_token=_env("RASA_TOKEN", DEV_RASA_TOKEN),
        web_secret=_env("WEB_SECRET", DEV_WEB_SECRET),
        socketio_redis_url=_env("SOCKETIO_REDIS_URL", ""),
        secure_cookies=_env("SECURE_COOKIES", "false").lower() in ("1", "true", "yes"),
        open311_jurisdiction_id=_env("OPEN311_JURISDICTION_ID", ""),
        public_base_url=_env("PUBLIC_BASE_URL", ""),
        max_message_chars=max_message_chars(),
        environment=_env("CITIZENBOT_ENV", DEVELOPMENT).strip().lower(),
        rasa_host=_env("RASA_HOST", "127.0.0.1"),
        actions_host=_env("ACTIONS_HOST", "127.0.0.1"),
        trusted_proxies=_env("TRUSTED_PROXIES", ""),
        rest_channel_key=_env("REST_CHANNEL_KEY", ""),
        rest_integrations=_env("REST_INTEGRATIONS", ""),
    )


def check_server_secrets(settings: Settings | None = None) -> None:
    """Outside development (``CITIZENBOT_ENV`` other than "development") a server must not start
    with the published development secrets: anyone could then read residents' conversations
    through Rasa's HTTP API (RASA_TOKEN) or forge widget sessions (WEB_SECRET); nor without the
    gateway's REST_CHANNEL_KEY (the REST channel then refuses callers without a key), nor with
    malformed REST_INTEGRATIONS."""
    settings = settings or get_settings()
    if settings.environment == DEVELOPMENT:
        return
    weak = [name for name, value, default in (("RASA_TOKEN", settings.rasa_token, DEV_RASA_TOKEN),
                                              ("WEB_SECRET", settings.web_secret, DEV_WEB_SECRET))
            if value == default or len(value) < 16]
    if len(settings.rest_channel_key) < 16:
        weak.append("REST_CHANNEL_KEY")  # the gateway's key: outside development every caller needs one
    from citizenbot.channels.integrations import parse

    parse(settings.rest_integrations)
    if weak:
        raise ConfigurationError(
            f"CITIZENBOT_ENV={settings.environment}: set {' and '.join(weak)} to a long random value "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`); the development "
            "defaults are public and values shorter than 16 characters are refused"
        )


def max_message_chars() -> int:
    """``MAX_MESSAGE_CHARS``: a resident's message is cut to this length by every channel."""
    return max(1, int(_env("MAX_MESSAGE_CHARS", str(DEFAULT_MAX_MESSAGE_CHARS))))


def served_languages() -> tuple[str, ...]:
    """The languages the assistant serves: ``SERVED_LANGUAGES`` (comma-separated ISO 639-1 codes),
    default fi, sv, en, ru, uk, et, ar, so, fa (a city can serve fewer). The one list the Python code uses: language detection is restricted to it,
    every text and training example must exist in each, and the gateway, the staff console and
    the trainer tools accept exactly these. (The widget's own texts and language switch are in
    web/src/strings/.)"""
    raw = _env("SERVED_LANGUAGES", ",".join(DEFAULT_LANGUAGES))
    codes = tuple(dict.fromkeys(code.strip().lower() for code in raw.split(",") if code.strip()))
    return codes or DEFAULT_LANGUAGES
