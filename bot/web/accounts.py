"""Console users, their sessions and failed logins in the transcript database.

Every change to a user is written in the same transaction as its audit entry, so there is no
user change without its record. Sessions end when their user is disabled or their password is
reset. The CLI (``candor users``) and the console's admin pages both call these functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.errors import CandorError, Errors
from bot.settings.console import ConsoleSecurity
from bot.transcripts import audit_log
from bot.transcripts.db import Database
from bot.web.models import ROLES, ConsoleSession, ConsoleUser, ConsoleUserRole, LoginFailure
from bot.web.passwords import hash_password

USERNAME = re.compile(r"^[a-z0-9._-]{3,64}$")


@dataclass(frozen=True)
class Account:
    """A console user as the web layer sees it."""

    id: int
    username: str
    roles: frozenset[str]
    disabled: bool
    password_hash: str


def now_utc() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(timezone.utc)


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def check_username(username: str) -> str:
    """Raise E709 unless ``username`` is a valid console user name."""
    if not USERNAME.match(username):
        raise CandorError(Errors.E709.format(username=username))
    return username


def check_roles(roles: Iterable[str]) -> frozenset[str]:
    """Raise E706/E711 for unknown roles or none at all."""
    wanted = frozenset(r.strip() for r in roles if r.strip())
    unknown = sorted(wanted - set(ROLES))
    if unknown:
        raise CandorError(Errors.E706.format(roles=", ".join(unknown), allowed=", ".join(ROLES)))
    if not wanted:
        raise CandorError(Errors.E711.format(allowed=", ".join(ROLES)))
    return wanted


def _account(s: Session, user: ConsoleUser) -> Account:
    roles = s.execute(select(ConsoleUserRole.role).where(ConsoleUserRole.user_id == user.id))
    return Account(user.id, user.username, frozenset(roles.scalars()), user.disabled_at is not None,
                   user.password_hash)


def find_account(s: Session, username: str) -> Account | None:
    """The account named ``username``, or None."""
    user = s.execute(select(ConsoleUser).where(ConsoleUser.username == username)).scalars().first()
    return _account(s, user) if user else None


def _user(s: Session, username: str) -> ConsoleUser:
    user = s.execute(select(ConsoleUser).where(ConsoleUser.username == username)).scalars().first()
    if user is None:
        raise CandorError(Errors.E705.format(username=username))
    return user


def add_user(db: Database, sec: ConsoleSecurity, username: str, password: str,
             roles: Iterable[str], actor: str) -> Account:
    """Create a user (E704 if the name is taken); audited as ``user_added``."""
    check_username(username)
    wanted = check_roles(roles)
    hashed = hash_password(password, sec.min_password_chars)
    with db.begin() as s:
        audit_log.serialise(s)
        if find_account(s, username) is not None:
            raise CandorError(Errors.E704.format(username=username))
        now = now_utc()
        user = ConsoleUser(username=username, password_hash=hashed, created_at=now,
                           password_changed_at=now)
        s.add(user)
        s.flush()
        s.add_all([ConsoleUserRole(user_id=user.id, role=r) for r in sorted(wanted)])
        audit_log.append_in(s, sec.audit, actor, "user_added",
                            {"username": username, "roles": sorted(wanted)})
        s.flush()
        return _account(s, user)


def _end_sessions(s: Session, user_id: int) -> None:
    s.execute(update(ConsoleSession).where(ConsoleSession.user_id == user_id,
                                           ConsoleSession.ended_at.is_(None))
              .values(ended_at=now_utc()))


def disable_user(db: Database, sec: ConsoleSecurity, username: str, actor: str) -> None:
    """Disable a user and end their sessions; audited as ``user_disabled``."""
    with db.begin() as s:
        audit_log.serialise(s)
        user = _user(s, username)
        user.disabled_at = user.disabled_at or now_utc()
        _end_sessions(s, user.id)
        audit_log.append_in(s, sec.audit, actor, "user_disabled", {"username": username})


def reset_password(db: Database, sec: ConsoleSecurity, username: str, password: str,
                   actor: str) -> None:
    """Set a new password and end the user's sessions; audited as ``password_reset``."""
    hashed = hash_password(password, sec.min_password_chars)
    with db.begin() as s:
        audit_log.serialise(s)
        user = _user(s, username)
        user.password_hash, user.password_changed_at = hashed, now_utc()
        _end_sessions(s, user.id)
        s.execute(delete(LoginFailure).where(LoginFailure.username == username))
        audit_log.append_in(s, sec.audit, actor, "password_reset", {"username": username})


def rehash(db: Database, user_id: int, new_hash: str) -> None:
    """Store a hash re-made with today's argon2 parameters (same password)."""
    with db.begin() as s:
        s.execute(update(ConsoleUser).where(ConsoleUser.id == user_id)
                  .values(password_hash=new_hash))


def list_accounts(db: Database) -> list[Account]:
    """Every user, by name."""
    with db.begin() as s:
        users = s.execute(select(ConsoleUser).order_by(ConsoleUser.username)).scalars().all()
        return [_account(s, u) for u in users]


def recent_failures(db: Database, username: str, address: str,
                    since: datetime) -> tuple[int, int]:
    """Failed logins since ``since`` for the account and for the address."""
    lf = LoginFailure
    with db.begin() as s:
        by_user = s.execute(select(func.count()).where(lf.username == username, lf.at >= since))
        by_addr = s.execute(select(func.count()).where(lf.address == address, lf.at >= since))
        return int(by_user.scalar_one()), int(by_addr.scalar_one())


def record_failure(s: Session, username: str, address: str) -> None:
    """Count one failed login (the name as typed, cut to 64 characters)."""
    s.add(LoginFailure(username=username[:64], address=address[:64], at=now_utc()))


def open_session(s: Session, user_id: int, token_hash: str, address: str) -> None:
    """Store a new session by the hash of its token."""
    now = now_utc()
    s.add(ConsoleSession(id=token_hash, user_id=user_id, created_at=now, last_seen_at=now,
                         address=address[:64]))


@dataclass(frozen=True)
class LiveSession:
    """A session row with its account."""

    token_hash: str
    created_at: datetime
    last_seen_at: datetime
    ended: bool
    account: Account


def load_session(db: Database, token_hash: str) -> LiveSession | None:
    """The session row and its account, or None."""
    with db.begin() as s:
        row = s.get(ConsoleSession, token_hash)
        if row is None:
            return None
        user = s.get(ConsoleUser, row.user_id)
        return LiveSession(row.id, aware(row.created_at), aware(row.last_seen_at),
                           row.ended_at is not None, _account(s, user))


def touch_session(db: Database, token_hash: str) -> None:
    """Move the idle timeout forward."""
    with db.begin() as s:
        s.execute(update(ConsoleSession).where(ConsoleSession.id == token_hash)
                  .values(last_seen_at=now_utc()))


def end_session(db: Database, token_hash: str) -> None:
    """End a session (logout or timeout); the row stays as a record."""
    with db.begin() as s:
        s.execute(update(ConsoleSession).where(ConsoleSession.id == token_hash,
                                               ConsoleSession.ended_at.is_(None))
                  .values(ended_at=now_utc()))
