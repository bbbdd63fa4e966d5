"""Reading whole transcripts: conversations with their turns, rule hits, handoffs, complaints.

Shared by the export, the CSAT adapter's records and the console's transcript view. Turns of a
batch of conversations are loaded with one query per table (no N+1), ordered by turn id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.transcripts import models as m


class RuleHitRecord(TypedDict):
    rule_id: str
    regulation: str | None


class TurnRecord(TypedDict):
    """One turn as exported (crosses a process boundary: JSON lines, CSV, the console)."""

    turn_id: int
    role: str
    text: str | None
    intent: str | None
    confidence: float | None
    action: str | None
    response: str | None
    variant: str | None
    response_version: int | None
    ai_label: bool
    latency_ms: float | None
    timestamp: float
    sent_at: str
    rule_hits: list[RuleHitRecord]
    rule_ids: list[str]


class TranscriptRecord(TypedDict):
    """One conversation with everything recorded about it."""

    conversation_id: str
    sender_id: str
    channel: str | None
    started_at: str
    ended_at: str | None
    outcome: str
    ended: bool
    model_version: str | None
    rulebook_version: str | None
    turns: list[TurnRecord]
    handoffs: list[dict[str, Any]]
    complaints: list[dict[str, Any]]
    survey: int | None


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything was written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def iso(value: datetime | None) -> str | None:
    """Format as ISO 8601 in UTC (None stays None)."""
    return aware(value).isoformat() if value is not None else None


def _by_conversation(session: Session, model: Any, pks: Sequence[int]) -> dict[int, list[Any]]:
    rows = session.execute(
        select(model).where(model.conversation_pk.in_(pks)).order_by(model.id)
    ).scalars()
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.conversation_pk].append(row)
    return grouped


def _turn(turn: m.Turn, hits: list[m.RuleHit]) -> TurnRecord:
    sent = aware(turn.sent_at)
    return TurnRecord(
        turn_id=turn.id, role=turn.actor, text=turn.text, intent=turn.intent,
        confidence=turn.confidence, action=turn.action, response=turn.response,
        variant=turn.variant, response_version=turn.response_version,
        ai_label=bool(turn.ai_label), latency_ms=turn.latency_ms,
        timestamp=sent.timestamp(), sent_at=sent.isoformat(),
        rule_hits=[RuleHitRecord(rule_id=h.rule_id, regulation=h.regulation) for h in hits],
        rule_ids=[h.rule_id for h in hits],
    )


def load_records(
    session: Session, conversations: Sequence[m.Conversation]
) -> list[TranscriptRecord]:
    """Full records of ``conversations``, in the order given."""
    pks = [c.id for c in conversations]
    if not pks:
        return []
    turns = _by_conversation(session, m.Turn, pks)
    hits: dict[int, list[m.RuleHit]] = defaultdict(list)
    for hit in _by_conversation(session, m.RuleHit, pks).values():
        for h in hit:
            hits[h.turn_id].append(h)
    handoffs = _by_conversation(session, m.Handoff, pks)
    complaints = _by_conversation(session, m.Complaint, pks)
    surveys = {s.conversation_pk: s.rating for s in session.execute(
        select(m.Survey).where(m.Survey.conversation_pk.in_(pks))).scalars()}
    return [
        TranscriptRecord(
            conversation_id=c.conversation_id, sender_id=c.sender_id, channel=c.channel,
            started_at=iso(c.started_at) or "", ended_at=iso(c.ended_at), outcome=c.outcome,
            ended=c.outcome != "open", model_version=c.model_version,
            rulebook_version=c.rulebook_version,
            turns=[_turn(t, hits.get(t.id, [])) for t in turns.get(c.id, [])],
            handoffs=[{"status": h.status, "at": iso(h.created_at)}
                      for h in handoffs.get(c.id, [])],
            complaints=[{"category": x.category, "at": iso(x.created_at)}
                        for x in complaints.get(c.id, [])],
            survey=surveys.get(c.id),
        )
        for c in conversations
    ]


def iter_records(
    session: Session, since: datetime | None = None, until: datetime | None = None,
    batch: int = 500,
) -> Iterator[TranscriptRecord]:
    """Every conversation started in ``[since, until)``, oldest first, in batches (keyset)."""
    last_id = 0
    while True:
        query = select(m.Conversation).where(m.Conversation.id > last_id)
        if since is not None:
            query = query.where(m.Conversation.started_at >= since)
        if until is not None:
            query = query.where(m.Conversation.started_at < until)
        chunk = list(session.execute(query.order_by(m.Conversation.id).limit(batch)).scalars())
        if not chunk:
            return
        yield from load_records(session, chunk)
        last_id = chunk[-1].id
