"""Resident sessions: a random conversation id and an HMAC token that proves it was issued here.

The widget keeps both in the browser. A resident can only read and write the conversation whose
token they hold; ids alone (which staff see) are not enough.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

_ID_RE = re.compile(r"^[0-9a-f]{32}$")


def new_session(secret: str) -> tuple[str, str]:
    session_id = secrets.token_hex(16)
    return session_id, sign(secret, session_id)


def sign(secret: str, session_id: str) -> str:
    return hmac.new(secret.encode(), session_id.encode(), hashlib.sha256).hexdigest()[:40]


def verify(secret: str, session_id: object, token: object) -> bool:
    if not isinstance(session_id, str) or not isinstance(token, str) or not _ID_RE.match(session_id):
        return False
    return hmac.compare_digest(sign(secret, session_id), token)
