"""Appending to and reading the audit log (the ``audit_log`` table), chained by HMAC.

Appends are serialised, so two processes never chain to the same predecessor: PostgreSQL takes
a transaction-level advisory lock; SQLite takes the database's write lock before reading the
head (a no-op ``UPDATE`` as the first statement of the transaction). The unique ``seq`` is the
last guard: a lost race fails the insert instead of forking the chain.

Only this module writes the table, and only with ``INSERT``; nothing in Candor updates or
deletes an audit row.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.settings.console import AuditKeys
from bot.transcripts import models as m
from bot.transcripts.audit_chain import GENESIS, ChainEntry, VerifyReport, compute_mac, verify
from bot.transcripts.db import Database

LOCK_ID = 0x43414E45  # "CANE": the audit chain's advisory lock
_READ_BATCH = 5000


def _iso(at: datetime) -> str:
    aware = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).isoformat(timespec="microseconds")


def serialise(session: Session) -> None:
    """Take the audit chain's lock for the rest of the caller's transaction.

    On SQLite, call it first in a transaction that also changes other tables, so the
    transaction never holds a stale read snapshot when it asks for the write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SELECT pg_advisory_xact_lock({LOCK_ID})"))
    else:  # SQLite: the write lock, taken before the head is read
        session.execute(text("UPDATE audit_log SET seq = seq WHERE 1 = 0"))


def append_in(session: Session, keys: AuditKeys, actor: str, action: str,
              details: Mapping[str, Any] | None = None, subject: str | None = None,
              now: datetime | None = None) -> int:
    """Append one entry inside the caller's transaction; return its sequence number.

    ``subject`` is already a keyed hash (:func:`bot.transcripts.audit_chain.subject_hash`), never a
    sender id. Call it before other writes of the transaction on SQLite (see the module doc).
    """
    serialise(session)
    head = session.execute(select(m.AuditEntry.seq, m.AuditEntry.mac)
                           .order_by(m.AuditEntry.seq.desc()).limit(1)).first()
    seq = (int(head.seq) + 1) if head else 1
    prev = str(head.mac) if head else GENESIS
    at = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    entry = ChainEntry(0, seq, _iso(at), actor, action, subject, dict(details or {}),
                       keys.current_id, prev, "")
    mac = compute_mac(keys.current, entry, prev)
    session.add(m.AuditEntry(at=at, actor=actor, action=action, details=dict(details or {}),
                             seq=seq, subject=subject, key_id=keys.current_id, prev_mac=prev,
                             mac=mac))
    session.flush()
    return seq


def append(db: Database, keys: AuditKeys, actor: str, action: str,
           details: Mapping[str, Any] | None = None, subject: str | None = None) -> int:
    """Append one entry in its own transaction."""
    with db.begin() as session:
        return append_in(session, keys, actor, action, details, subject)


def _entry(row: m.AuditEntry) -> ChainEntry:
    return ChainEntry(row.id, row.seq, _iso(row.at), row.actor, row.action, row.subject,
                      row.details, row.key_id, row.prev_mac, row.mac)


def chain_entries(db: Database) -> Iterator[ChainEntry]:
    """Every entry in storage order (row id), read in batches."""
    last = 0
    while True:
        with db.begin() as session:
            rows = list(session.execute(select(m.AuditEntry).where(m.AuditEntry.id > last)
                                        .order_by(m.AuditEntry.id).limit(_READ_BATCH)).scalars())
            batch = [_entry(r) for r in rows]
        if not batch:
            return
        yield from batch
        last = batch[-1].row_id


def verify_log(db: Database, keys: AuditKeys) -> VerifyReport:
    """Recompute the whole chain (``candor audit verify`` and the console's status)."""
    return verify(list(chain_entries(db)), keys.by_id())


def recent(db: Database, limit: int = 50) -> list[ChainEntry]:
    """The newest entries first."""
    with db.begin() as session:
        rows = session.execute(select(m.AuditEntry).order_by(m.AuditEntry.id.desc())
                               .limit(limit)).scalars()
        return [_entry(r) for r in rows]
