"""All configuration read from the environment, in one place.

Nothing here touches the network or the disk at import: values are read when a function asks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The languages served when SERVED_LANGUAGES is not set (the order is the order of every listing).
DEFAULT_LANGUAGES = ("fi", "sv", "en")


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
    open311_jurisdiction_id: str = ""


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
        rasa_token=_env("RASA_TOKEN", "dev-token-change-me"),
        web_secret=_env("WEB_SECRET", "dev-secret-change-me"),
        socketio_redis_url=_env("SOCKETIO_REDIS_URL", ""),
        secure_cookies=_env("SECURE_COOKIES", "false").lower() in ("1", "true", "yes"),
        open311_jurisdiction_id=_env("OPEN311_JURISDICTION_ID", ""),
    )


def served_languages() -> tuple[str, ...]:
    """The languages the assistant serves: ``SERVED_LANGUAGES`` (comma-separated ISO 639-1 codes),
    default fi, sv, en. The one list the Python code uses: language detection is restricted to it,
    every text and training example must exist in each, and the gateway, the staff console and
    the trainer tools accept exactly these. (The widget's own texts and language switch are in
    web/src/core.js.)"""
    raw = _env("SERVED_LANGUAGES", ",".join(DEFAULT_LANGUAGES))
    codes = tuple(dict.fromkeys(code.strip().lower() for code in raw.split(",") if code.strip()))
    return codes or DEFAULT_LANGUAGES
