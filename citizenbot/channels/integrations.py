"""Who is calling the REST channel: the web gateway, another integration, or nobody known.

- The web gateway presents ``REST_CHANNEL_KEY`` and addresses any conversation (its sender ids are
  the widget's signed sessions).
- Another integration (a city's own website backend, a kiosk) presents its own key, configured
  only as a SHA-256 hash in ``REST_INTEGRATIONS`` (``name=hexdigest``, several separated by commas;
  ``citizenbot rest-key NAME`` makes a key and its entry). Its sender ids are namespaced
  (``ext:NAME:sender``), so it reaches only the conversations it opened, never a widget's or another
  integration's, and Rasa's HTTP API and the staff console see whose they are.
- Without a key: only in development (``CITIZENBOT_ENV``) and only while no ``REST_CHANNEL_KEY``
  is set, for the local tools (``make shell``, ``make eval``, the end-to-end tests).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from citizenbot.settings import DEVELOPMENT, ConfigurationError, Settings

NAMESPACE = "ext:"
MAX_SENDER = 128
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
_HASH_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Caller:
    """An admitted caller; ``integration`` None: the web gateway or a local tool (no namespace)."""

    integration: str | None = None

    def conversation_id(self, sender: str) -> str:
        return sender if self.integration is None else f"{NAMESPACE}{self.integration}:{sender}"


def key_hash(key: str) -> str:
    # Keys are long random values (``new_key``), not passwords: one SHA-256 is enough to keep the
    # configuration from holding the keys themselves.
    return hashlib.sha256(key.encode()).hexdigest()


def new_key(name: str) -> tuple[str, str]:
    """A key for integration ``name`` and its ``REST_INTEGRATIONS`` entry."""
    if not _NAME_RE.match(name):
        raise ValueError("an integration's name is 1-32 lower-case letters, digits or '-'")
    key = secrets.token_urlsafe(32)
    return key, f"{name}={key_hash(key)}"


def parse(raw: str) -> dict[str, str]:
    """``REST_INTEGRATIONS`` as {hash: name}; a malformed entry is a configuration error."""
    out: dict[str, str] = {}
    for entry in filter(None, (e.strip() for e in re.split(r"[,\s]+", raw or ""))):
        name, _, digest = entry.partition("=")
        if not _NAME_RE.match(name) or not _HASH_RE.match(digest.lower()):
            raise ConfigurationError(
                f"REST_INTEGRATIONS: {entry[:40]!r} is not name=<sha256 hex> (make one with `citizenbot rest-key NAME`)")
        out[digest.lower()] = name
    return out


def identify(authorization: str | None, settings: Settings) -> Caller | None:
    """The caller presenting ``Authorization: Bearer <key>``, or None when it may not call."""
    header = authorization or ""
    key = header[len("Bearer "):] if header.startswith("Bearer ") else ""
    gateway = settings.rest_channel_key
    if key and gateway and hmac.compare_digest(key.encode(), gateway.encode()):
        return Caller()
    if key:
        digest = key_hash(key)
        for known, name in parse(settings.rest_integrations).items():
            if hmac.compare_digest(digest, known):
                return Caller(name)
        return None
    return Caller() if settings.environment == DEVELOPMENT and not gateway else None
