"""Staff accounts: password hashing, login, rate limits, session expiry."""

from datetime import timedelta

import pytest

from citizenbot.handoff.staff import (
    MAX_FAILURES_PER_USER,
    StaffDirectory,
    StaffError,
    TooManyAttempts,
    hash_password,
    verify_password,
)
from citizenbot.store.models import utcnow

PASSWORD = "correct horse battery"


@pytest.fixture
def directory(fresh_database):
    d = StaffDirectory(fresh_database)
    d.create("anna", "Anna", "nurse", PASSWORD)
    return d


def test_passwords_are_hashed_with_salt():
    a, b = hash_password(PASSWORD), hash_password(PASSWORD)
    assert a != b and a.startswith("scrypt$") and PASSWORD not in a
    assert verify_password(PASSWORD, a) and not verify_password("wrong password!", a)
    assert not verify_password(PASSWORD, "md5$x")


@pytest.mark.parametrize("args", [("a", "A", "nurse", PASSWORD), ("bob", "Bob", "pilot", PASSWORD), ("bob", "Bob", "nurse", "short"), ("bob", " ", "nurse", PASSWORD)])
def test_bad_accounts_are_refused(directory, args):
    with pytest.raises(StaffError):
        directory.create(*args)


def test_login_and_session(directory):
    assert directory.login("anna", "wrong password!", "10.0.0.1") is None
    staff, token = directory.login("Anna", PASSWORD, "10.0.0.1")
    assert staff.role == "nurse" and staff.queues == ("nurse",)
    assert directory.session_staff(token).username == "anna"
    assert directory.session_staff("forged") is None
    directory.logout(token)
    assert directory.session_staff(token) is None


def test_sessions_expire_when_idle_and_after_their_lifetime(directory):
    now = utcnow()
    _, token = directory.login("anna", PASSWORD, "10.0.0.1", now=now)
    assert directory.session_staff(token, now=now + timedelta(minutes=29)) is not None
    assert directory.session_staff(token, now=now + timedelta(minutes=29 + 31)) is None  # idle 31 min
    _, token = directory.login("anna", PASSWORD, "10.0.0.1", now=now)
    t = now
    for _ in range(20):  # active all the time, but 8 h is the most
        t += timedelta(minutes=25)
        if directory.session_staff(token, now=t) is None:
            break
    assert t - now <= timedelta(hours=8, minutes=25)
    assert directory.session_staff(token, now=t) is None


def test_failed_logins_are_rate_limited_even_with_the_right_password(directory):
    for _ in range(MAX_FAILURES_PER_USER):
        assert directory.login("anna", "wrong password!", "10.0.0.2") is None
    with pytest.raises(TooManyAttempts):
        directory.login("anna", PASSWORD, "10.0.0.3")
    later = utcnow() + timedelta(minutes=16)
    assert directory.login("anna", PASSWORD, "10.0.0.3", now=later) is not None


def test_changing_a_password_ends_sessions(directory):
    _, token = directory.login("anna", PASSWORD, "10.0.0.1")
    directory.set_password("anna", "another long password")
    assert directory.session_staff(token) is None
    assert directory.login("anna", "another long password", "10.0.0.1") is not None


def test_known_and_unknown_usernames_cost_the_same_password_work(directory, monkeypatch):
    import hashlib

    calls = []
    real = hashlib.scrypt

    def counting(*args, **kwargs):
        calls.append(kwargs.get("n"))
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    assert directory.login("anna", "wrong password!", "10.0.0.9") is None
    known = list(calls)
    calls.clear()
    assert directory.login("nobody-here", "wrong password!", "10.0.0.9") is None
    assert calls == known and len(known) == 1  # one scrypt with the same parameters each


def test_the_lockout_is_per_account_other_accounts_still_log_in(directory):
    directory.create("ville", "Ville", "nurse", PASSWORD)
    for _ in range(MAX_FAILURES_PER_USER):
        assert directory.login("anna", "wrong password!", "10.0.0.2") is None
    with pytest.raises(TooManyAttempts):
        directory.login("anna", PASSWORD, "10.0.0.4")
    assert directory.login("ville", PASSWORD, "10.0.0.4") is not None
