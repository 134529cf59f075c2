"""Staff accounts, passwords, sessions and login rate limits. Owns the staff_* tables."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import delete, func, select

from citizenbot.store.db import Database
from citizenbot.store.models import as_utc, utcnow
from citizenbot.store.staff_models import LoginAttempt, StaffSession, StaffUser

# analyst: the analytics page only (aggregates, never a conversation)
ROLES = ("nurse", "agent", "admin", "trainer", "analyst")
ANALYTICS_ROLES = ("analyst", "admin")  # who sees the analytics page and its live updates
QUEUES_OF_ROLE = {"nurse": ("nurse",), "agent": ("agent",), "admin": ("nurse", "agent"), "trainer": (), "analyst": ()}
SESSION_LIFETIME = timedelta(hours=8)
SESSION_IDLE = timedelta(minutes=30)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 12
_USERNAME_RE = re.compile(r"^[a-z0-9._-]{3,50}$")
# scrypt: memory-hard password hashing from the standard library (n=2^14, r=8, p=1: ~16 MB, ~50 ms)
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class StaffError(ValueError):
    pass


class TooManyAttempts(Exception):
    pass


@dataclass(frozen=True)
class Staff:
    id: int
    username: str
    first_name: str
    role: str

    @property
    def queues(self) -> tuple[str, ...]:
        return QUEUES_OF_ROLE.get(self.role, ())

    def as_json(self) -> dict:
        return {"id": self.id, "username": self.username, "first_name": self.first_name, "role": self.role,
                "queues": list(self.queues)}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    return "scrypt${n}${r}${p}${salt}${hash}".format(
        **SCRYPT, salt=base64.b64encode(salt).decode(), hash=base64.b64encode(digest).decode()
    )


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), dklen=32, n=int(n), r=int(r), p=int(p))
        return hmac.compare_digest(digest, base64.b64decode(expected))
    except (ValueError, TypeError):
        return False


@lru_cache(maxsize=1)
def _unknown_user_hash() -> str:
    """A hash no password matches in practice, made once, checked when the username is unknown."""
    return hash_password(secrets.token_urlsafe(32))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()




def _staff(row: StaffUser) -> Staff:
    return Staff(row.id, row.username, row.first_name, row.role)


class StaffDirectory:
    def __init__(self, database: Database):
        self.database = database
        _unknown_user_hash()  # made now, so that no first unknown username costs a second scrypt

    def create(self, username: str, first_name: str, role: str, password: str) -> Staff:
        username = username.strip().lower()
        if not _USERNAME_RE.match(username):
            raise StaffError("username: 3-50 characters a-z, 0-9, . _ -")
        if role not in ROLES:
            raise StaffError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD:
            raise StaffError(f"password must have at least {MIN_PASSWORD} characters")
        if not first_name.strip():
            raise StaffError("first name is needed (residents see it)")
        with self.database.session() as session:
            if session.execute(select(StaffUser.id).where(StaffUser.username == username)).first():
                raise StaffError(f"user {username} exists")
            row = StaffUser(username=username, first_name=first_name.strip(), role=role,
                            password_hash=hash_password(password))
            session.add(row)
            session.flush()
            return _staff(row)

    def set_password(self, username: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise StaffError(f"password must have at least {MIN_PASSWORD} characters")
        with self.database.session() as session:
            row = session.execute(select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
            if row is None:
                raise StaffError(f"no user {username}")
            row.password_hash = hash_password(password)
            session.execute(delete(StaffSession).where(StaffSession.user_id == row.id))

    def list(self) -> list[Staff]:
        with self.database.session() as session:
            return [_staff(r) for r in session.execute(select(StaffUser).order_by(StaffUser.username)).scalars()]

    def get(self, user_id: int) -> Staff | None:
        with self.database.session() as session:
            row = session.get(StaffUser, user_id)
            return _staff(row) if row and row.active else None

    # --- login and sessions --------------------------------------------------------------------

    def login(self, username: str, password: str, address: str, now: datetime | None = None) -> tuple[Staff, str] | None:
        """A session token for a right password; None for a wrong one; TooManyAttempts when the
        username or the address failed too often recently (checked before the password)."""
        now = now or utcnow()
        username = (username or "").strip().lower()[:100]
        with self.database.session() as session:
            since = now - FAILURE_WINDOW
            by_user = session.execute(
                select(func.count()).select_from(LoginAttempt).where(
                    LoginAttempt.username == username, LoginAttempt.success.is_(False), LoginAttempt.at >= since)
            ).scalar_one()
            by_address = session.execute(
                select(func.count()).select_from(LoginAttempt).where(
                    LoginAttempt.address == address, LoginAttempt.success.is_(False), LoginAttempt.at >= since)
            ).scalar_one()
            if by_user >= MAX_FAILURES_PER_USER or by_address >= MAX_FAILURES_PER_ADDRESS:
                raise TooManyAttempts()
            row = session.execute(select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
            # one scrypt for an unknown user as for a known one: timing does not reveal which usernames exist
            ok = verify_password(password or "", row.password_hash if row else _unknown_user_hash())
            ok = ok and row is not None and row.active
            session.add(LoginAttempt(username=username, address=address[:64], success=ok, at=now))
            if not ok:
                return None
            token = secrets.token_urlsafe(32)
            session.add(StaffSession(token_hash=_token_hash(token), user_id=row.id, created_at=now,
                                     expires_at=now + SESSION_LIFETIME, last_seen=now))
            return _staff(row), token

    def session_staff(self, token: str | None, now: datetime | None = None) -> Staff | None:
        """The staff member of a live session (not expired, not idle too long); refreshes it."""
        if not token:
            return None
        now = now or utcnow()
        with self.database.session() as session:
            row = session.get(StaffSession, _token_hash(token))
            if row is None:
                return None
            if as_utc(row.expires_at) <= now or as_utc(row.last_seen) + SESSION_IDLE <= now:
                session.delete(row)
                return None
            user = session.get(StaffUser, row.user_id)
            if user is None or not user.active:
                return None
            row.last_seen = now
            return _staff(user)

    def logout(self, token: str | None) -> None:
        if token:
            with self.database.session() as session:
                session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))
