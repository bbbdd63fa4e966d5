"""Signing in and out, and resolving a request's cookie to a signed-in user.

Blocking database and argon2 work; the pages call these through a thread pool. Every outcome
is audited: ``login``, ``login_failed`` (with the user name only when it is a real account, so
a password typed into the name field is never recorded), ``login_throttled`` and ``logout``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.settings.console import ConsoleSecurity
from bot.transcripts import audit_log
from bot.transcripts.db import Database
from bot.web import accounts
from bot.web.accounts import Account
from bot.web.passwords import hash_password, needs_rehash, verify_password
from bot.web.sessions import expiry, new_token, token_id
from bot.web.throttle import login_verdict

#: The idle clock is moved at most this often: a write per page view is wasted work.
TOUCH_EVERY = timedelta(seconds=30)


@dataclass(frozen=True)
class LoginResult:
    """A session token on success; otherwise why not (``"invalid"`` or ``"throttled"``)."""

    token: str | None
    refused: str | None = None


def _refuse(db: Database, sec: ConsoleSecurity, username: str, address: str, exists: bool,
            action: str, reason: str) -> None:
    details = {"username": username if exists else None, "known_user": exists,
               "address": address, "reason": reason}
    with db.begin() as s:
        audit_log.serialise(s)
        accounts.record_failure(s, username, address)
        audit_log.append_in(s, sec.audit, username if exists else "(unknown)", action, details)


def log_in(db: Database, sec: ConsoleSecurity, username: str, password: str,
           address: str) -> LoginResult:
    """Check throttling, then the password; open a session on success."""
    since = accounts.now_utc() - sec.throttle_window
    by_user, by_addr = accounts.recent_failures(db, username[:64], address, since)
    verdict = login_verdict(by_user, by_addr, sec.account_failures, sec.address_failures)
    with db.begin() as s:
        account = accounts.find_account(s, username)
    exists = account is not None
    if not verdict.allowed:
        _refuse(db, sec, username, address, exists, "login_throttled", str(verdict.reason))
        return LoginResult(None, "throttled")
    good = verify_password(account.password_hash if account else None, password)
    if account is None or not good or account.disabled:
        reason = "disabled" if account and account.disabled and good else "bad_credentials"
        _refuse(db, sec, username, address, exists, "login_failed", reason)
        return LoginResult(None, "invalid")
    token = new_token()
    with db.begin() as s:
        audit_log.serialise(s)
        accounts.open_session(s, account.id, token_id(token), address)
        audit_log.append_in(s, sec.audit, account.username, "login", {"address": address})
    if needs_rehash(account.password_hash):
        accounts.rehash(db, account.id, hash_password(password, 1))
    return LoginResult(token)


def current_account(db: Database, sec: ConsoleSecurity, token: str) -> Account | None:
    """The signed-in account for a verified cookie token, or None (ended, timed out, disabled)."""
    live = accounts.load_session(db, token_id(token))
    if live is None or live.ended or live.account.disabled:
        return None
    now = accounts.now_utc()
    if expiry(live.created_at, live.last_seen_at, now, sec.idle, sec.absolute):
        accounts.end_session(db, live.token_hash)
        return None
    if now - live.last_seen_at >= TOUCH_EVERY:
        accounts.touch_session(db, live.token_hash)
    return live.account


def log_out(db: Database, sec: ConsoleSecurity, token: str, account: Account) -> None:
    """End the session and audit it."""
    accounts.end_session(db, token_id(token))
    audit_log.append(db, sec.audit, account.username, "logout")
