"""Legal holds: placing and lifting them (audited), and which conversations they cover.

A hold names one conversation or one customer (sender id, covering every conversation of
theirs, present and future). Retention purge and erasure ask :func:`held` which rows they must
skip (:mod:`bot.transcripts.retention`); lifting a hold there also carries out the erasure
requests it deferred. The audit entries carry the reason the compliance user gave and name
the customer by keyed hash, never by sender id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import CandorError, Errors
from bot.settings.console import AuditKeys
from bot.transcripts import audit_log as chain
from bot.transcripts import models as m
from bot.transcripts import review_models as rm
from bot.transcripts.audit_chain import subject_hash
from bot.transcripts.db import Database
from bot.transcripts.records import aware

MAX_REASON = 500


@dataclass(frozen=True)
class Hold:
    """A hold as the holds page lists it."""

    id: int
    conversation_id: str | None
    sender_id: str | None
    reason: str
    placed_by: str
    placed_at: datetime
    lifted_by: str | None
    lifted_at: datetime | None
    lift_reason: str | None


@dataclass(frozen=True)
class Skipped:
    """A conversation a purge or erasure left in place, and the hold that kept it."""

    conversation_id: str
    hold_id: int
    reason: str


def _hold(h: rm.LegalHold) -> Hold:
    return Hold(h.id, h.conversation_id, h.sender_id, h.reason, h.placed_by,
                aware(h.placed_at), h.lifted_by, aware(h.lifted_at) if h.lifted_at else None,
                h.lift_reason)


def _subject(keys: AuditKeys, hold: rm.LegalHold) -> str | None:
    return subject_hash(keys.current, hold.sender_id) if hold.sender_id else None


def _reason(reason: str) -> str:
    if not reason.strip() or len(reason) > MAX_REASON:
        raise CandorError(Errors.E725.format(problem=f"give a reason of 1-{MAX_REASON} characters."))
    return reason.strip()


def place(db: Database, keys: AuditKeys, actor: str, reason: str,
          conversation_id: str | None = None, sender_id: str | None = None) -> int:
    """Hold one conversation or one customer; return the hold's id."""
    reason = _reason(reason)
    if (conversation_id is None) == (sender_id is None):
        raise CandorError(Errors.E725.format(problem="hold a conversation id or a sender id."))
    with db.begin() as s:
        chain.serialise(s)
        if conversation_id is not None and s.execute(select(m.Conversation.id).where(
                m.Conversation.conversation_id == conversation_id)).first() is None:
            raise CandorError(Errors.E725.format(problem=f"no conversation {conversation_id}."))
        hold = rm.LegalHold(conversation_id=conversation_id, sender_id=sender_id, reason=reason,
                            placed_by=actor, placed_at=datetime.now(timezone.utc))
        s.add(hold)
        s.flush()
        chain.append_in(s, keys, actor, "hold_placed",
                        {"hold_id": hold.id, "conversation_id": conversation_id,
                         "customer": sender_id is not None, "reason": reason},
                        _subject(keys, hold))
        return int(hold.id)


def lift_in(s: Session, keys: AuditKeys, hold_id: int, actor: str, reason: str) -> Hold:
    """Lift an active hold inside the caller's transaction (E726 when there is none)."""
    reason = _reason(reason)
    hold = s.get(rm.LegalHold, hold_id)
    if hold is None or hold.lifted_at is not None:
        raise CandorError(Errors.E726.format(hold_id=hold_id))
    hold.lifted_by, hold.lifted_at = actor, datetime.now(timezone.utc)
    hold.lift_reason = reason
    chain.append_in(s, keys, actor, "hold_lifted",
                    {"hold_id": hold_id, "conversation_id": hold.conversation_id,
                     "reason": reason},
                    _subject(keys, hold))
    return _hold(hold)


def active(s: Session) -> list[rm.LegalHold]:
    """Every hold not lifted."""
    return list(s.execute(select(rm.LegalHold).where(rm.LegalHold.lifted_at.is_(None))
                          .order_by(rm.LegalHold.id)).scalars())


def held(s: Session, candidates: Sequence[tuple[str, str]]) -> dict[str, Skipped]:
    """Of ``(conversation_id, sender_id)`` pairs, those an active hold covers, by id."""
    holds = active(s)
    by_conversation = {h.conversation_id: h for h in holds if h.conversation_id}
    by_sender = {h.sender_id: h for h in holds if h.sender_id}
    out: dict[str, Skipped] = {}
    for cid, sender in candidates:
        hold = by_conversation.get(cid) or by_sender.get(sender)
        if hold is not None:
            out[cid] = Skipped(cid, hold.id, hold.reason)
    return out


def list_holds(db: Database, include_lifted: bool = True) -> list[Hold]:
    """Holds, newest first."""
    query = select(rm.LegalHold).order_by(rm.LegalHold.id.desc())
    if not include_lifted:
        query = query.where(rm.LegalHold.lifted_at.is_(None))
    with db.begin() as s:
        return [_hold(h) for h in s.execute(query).scalars()]
