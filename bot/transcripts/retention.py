"""Retention purge and erasure on request (GDPR Art. 17), each leaving an audit entry.

The audit entry says what was removed (how many conversations, turns, rule hits; the removed
conversation ids; the cut-off, or a keyed hash of the subject's sender id) and never any
content. It joins the console's HMAC-chained audit log (:mod:`bot.transcripts.audit_log`) in the same
transaction as the removal, with the key from ``CANDOR_AUDIT_KEY``.
Conversations under a legal hold (:mod:`bot.transcripts.holds`) are skipped and reported (the
audit entry lists them with the hold's id); a held customer's erasure request is recorded and
carried out when the hold is lifted (:func:`lift_hold`).
Rows go with their conversation through ``ON DELETE CASCADE``. Event identities in
``processed_events`` hold no content and are kept for the retention period, so a late broker
redelivery cannot resurrect an erased conversation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import MetaData, Table, create_engine, delete, func, inspect, select
from sqlalchemy.orm import Session

from bot.errors import CandorError, Errors
from bot.settings import load_settings
from bot.settings.console import AuditKeys
from bot.transcripts import audit_log as chain
from bot.transcripts import models as m
from bot.transcripts import review_models as rm
from bot.transcripts.audit_chain import subject_hash as keyed_subject_hash
from bot.transcripts.db import Database, database
from bot.transcripts.holds import Hold, Skipped, held, lift_in


@dataclass(frozen=True)
class Removal:
    """What a purge or an erasure removed (also what its audit entry says), and what it skipped.

    ``skipped`` are conversations under a legal hold; ``deferred_request`` is the erasure
    request recorded because a hold kept some of the customer's conversations.
    """

    conversations: int
    turns: int
    rule_hits: int
    conversation_ids: tuple[str, ...]
    skipped: tuple[Skipped, ...] = ()
    deferred_request: int | None = None


def retention_days(env: Mapping[str, str] | None = None) -> int:
    """``CANDOR_RETENTION_DAYS`` or the default (E012 for anything but 1 day or more)."""
    return load_settings(env).retention_days


def subject_hash(sender_id: str, keys: AuditKeys | None = None) -> str:
    """How the audit log names an erased customer: provable with the key, not readable."""
    return keyed_subject_hash((keys or AuditKeys.from_env()).current, sender_id)


def _remove(s: Session, where: Any) -> Removal:
    c = m.Conversation
    rows = s.execute(select(c.id, c.conversation_id, c.sender_id).where(where)
                     .order_by(c.id)).all()
    skipped = held(s, [(cid, sender) for _, cid, sender in rows])
    kept = [(pk, cid) for pk, cid, _ in rows if cid not in skipped]
    pks = [pk for pk, _ in kept]
    if not pks:
        return Removal(0, 0, 0, (), tuple(skipped.values()))
    count = lambda model: int(s.execute(  # noqa: E731
        select(func.count()).select_from(model).where(model.conversation_pk.in_(pks))).scalar_one())
    turns, hits = count(m.Turn), count(m.RuleHit)
    for model in (m.RuleHit, m.Turn, m.Handoff, m.Complaint, m.Survey, m.CsatScore):
        s.execute(delete(model).where(model.conversation_pk.in_(pks)))
    s.execute(delete(c).where(c.id.in_(pks)))
    return Removal(len(pks), turns, hits, tuple(cid for _, cid in kept), tuple(skipped.values()))


def _audit(s: Session, keys: AuditKeys, actor: str, action: str, removal: Removal,
           subject: str | None = None, **extra: Any) -> None:
    details = {"conversations": removal.conversations, "turns": removal.turns,
               "rule_hits": removal.rule_hits,
               "conversation_ids": list(removal.conversation_ids),
               "skipped": [{"conversation_id": x.conversation_id, "hold_id": x.hold_id}
                           for x in removal.skipped], **extra}
    chain.append_in(s, keys, actor, action, details, subject)


def purge(days: int, actor: str, db: Database | None = None,
          now: datetime | None = None, keys: AuditKeys | None = None) -> Removal:
    """Remove conversations whose last event is older than ``days`` days."""
    if days < 1:
        raise CandorError(Errors.E305.format(days=days))
    keys = keys or AuditKeys.from_env()
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    with (db or database()).begin() as s:
        chain.serialise(s)
        removal = _remove(s, m.Conversation.last_event_at < cutoff)
        s.execute(delete(m.ProcessedEvent).where(m.ProcessedEvent.received_at < cutoff))
        _audit(s, keys, actor, "purge", removal, retention_days=days, cutoff=cutoff.isoformat())
    return removal


def erase(sender_id: str, actor: str, db: Database | None = None,
          tracker_url: str | None = None, keys: AuditKeys | None = None) -> Removal:
    """Remove every conversation of one customer (and their tracker-store events if given).

    Conversations under a legal hold stay; the request is then recorded and carried out
    when the hold is lifted (:func:`lift_hold`), and the tracker store is left alone too.
    """
    keys = keys or AuditKeys.from_env()
    with (db or database()).begin() as s:
        chain.serialise(s)
        removal = _remove(s, m.Conversation.sender_id == sender_id)
        if removal.skipped:
            removal = replace(removal, deferred_request=_defer(s, sender_id, actor))
        tracker_events = (_erase_tracker(sender_id, tracker_url)
                          if tracker_url and not removal.skipped else None)
        _audit(s, keys, actor, "erase", removal, subject=subject_hash(sender_id, keys),
               tracker_events=tracker_events, deferred_request=removal.deferred_request)
    return removal


def _defer(s: Session, sender_id: str, actor: str) -> int:
    pending = s.execute(select(rm.ErasureRequest.id).where(
        rm.ErasureRequest.sender_id == sender_id,
        rm.ErasureRequest.carried_out_at.is_(None))).scalar()
    if pending is not None:
        return int(pending)
    request = rm.ErasureRequest(sender_id=sender_id, requested_by=actor,
                                requested_at=datetime.now(timezone.utc))
    s.add(request)
    s.flush()
    return int(request.id)


def lift_hold(db: Database, keys: AuditKeys, hold_id: int, actor: str, reason: str,
              tracker_url: str | None = None) -> tuple[Hold, list[Removal]]:
    """Lift a hold, then carry out every deferred erasure no other hold still blocks.

    With ``tracker_url``, a carried-out erasure also deletes the customer's tracker-store
    events; otherwise ``candor transcripts erase SENDER --tracker-url URL`` finishes that.
    """
    with db.begin() as s:
        chain.serialise(s)
        hold = lift_in(s, keys, hold_id, actor, reason)
        done: list[Removal] = []
        for request in s.execute(select(rm.ErasureRequest).where(
                rm.ErasureRequest.carried_out_at.is_(None)).order_by(rm.ErasureRequest.id)
                ).scalars():
            removal = _remove(s, m.Conversation.sender_id == request.sender_id)
            tracker_events = None
            if not removal.skipped:
                request.carried_out_at = datetime.now(timezone.utc)
                request.carried_out_by = actor
                tracker_events = (_erase_tracker(request.sender_id, tracker_url)
                                  if tracker_url else None)
            _audit(s, keys, actor, "erase", removal,
                   subject=subject_hash(request.sender_id, keys), erasure_request=request.id,
                   deferred_request=request.id if removal.skipped else None,
                   tracker_events=tracker_events)
            done.append(removal)
    return hold, done


def _erase_tracker(sender_id: str, url: str) -> int:
    """Delete the customer's events from Rasa's SQL tracker store (its ``events`` table)."""
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        events = Table("events", MetaData(), autoload_with=engine)
        with engine.begin() as conn:
            return int(conn.execute(delete(events).where(events.c.sender_id == sender_id)).rowcount)
    finally:
        engine.dispose()


def audit_log(db: Database | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Newest audit entries first."""
    query = select(m.AuditEntry).order_by(m.AuditEntry.id.desc()).limit(limit)
    with (db or database()).begin() as s:
        return [{"id": e.id, "seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
                 "subject": e.subject, "details": e.details} for e in s.execute(query).scalars()]
