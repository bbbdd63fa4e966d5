"""One conversation as the console's transcript page shows it: turns with their rule trace.

A bot turn's trace joins what Candor recorded for it (rules fired with their regulation
references, response id and variant, AI label) with the customer turn it answered (intent,
confidence, the detector types that fired on it). Detector types only: the transcript never
held the matched values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.transcripts import models as m
from bot.transcripts.console_queries import VULNERABLE_RULE
from bot.transcripts.current_csat import current_row
from bot.transcripts.db import Database
from bot.transcripts.projection import detector_names
from bot.transcripts.records import aware

TOP_FACTORS = 3


@dataclass(frozen=True)
class RuleFired:
    rule_id: str
    regulation: str | None


@dataclass(frozen=True)
class TurnView:
    """A turn and, for a bot turn, the customer turn it answered (``answered_*``)."""

    id: int
    actor: str
    sent_at: datetime
    text: str | None
    intent: str | None
    confidence: float | None
    response: str | None
    variant: str | None
    ai_label: bool
    latency_ms: float | None
    detectors: tuple[str, ...]
    rules: tuple[RuleFired, ...]
    answered_intent: str | None = None
    answered_confidence: float | None = None
    answered_detectors: tuple[str, ...] = ()
    response_version: int | None = None


@dataclass(frozen=True)
class CsatView:
    value: float
    model_version: str
    raising: list[dict[str, Any]]
    lowering: list[dict[str, Any]]


@dataclass(frozen=True)
class TranscriptView:
    """Everything the transcript page shows."""

    conversation_id: str
    subject_sender: str
    channel: str | None
    started_at: datetime
    ended_at: datetime | None
    outcome: str
    model_version: str | None
    rulebook_version: str | None
    turns: list[TurnView]
    handoffs: list[tuple[str, datetime]]
    complaints: list[tuple[str, datetime]]
    survey: tuple[int, str | None] | None
    csat: CsatView | None

    @property
    def vulnerable(self) -> bool:
        return any(r.rule_id == VULNERABLE_RULE for t in self.turns for r in t.rules)


def _turns(s: Session, pk: int) -> list[TurnView]:
    rules: dict[int, list[RuleFired]] = {}
    for hit in s.execute(select(m.RuleHit).where(m.RuleHit.conversation_pk == pk)
                         .order_by(m.RuleHit.id)).scalars():
        rules.setdefault(hit.turn_id, []).append(RuleFired(hit.rule_id, hit.regulation))
    views: list[TurnView] = []
    last_user: m.Turn | None = None
    for t in s.execute(select(m.Turn).where(m.Turn.conversation_pk == pk)
                       .order_by(m.Turn.id)).scalars():
        answered = last_user if t.actor == "bot" else None
        views.append(TurnView(
            t.id, t.actor, aware(t.sent_at), t.text, t.intent, t.confidence, t.response,
            t.variant, bool(t.ai_label), t.latency_ms, detector_names(t.detectors),
            tuple(rules.get(t.id, ())),
            answered.intent if answered else None, answered.confidence if answered else None,
            detector_names(answered.detectors) if answered else (), t.response_version,
        ))
        if t.actor == "user":
            last_user = t
    return views


def _csat(s: Session, pk: int) -> CsatView | None:
    row = current_row(s, pk)
    if row is None:
        return None
    explanation = row.explanation or {}
    return CsatView(row.value, row.model_version,
                    list(explanation.get("raising") or [])[:TOP_FACTORS],
                    list(explanation.get("lowering") or [])[:TOP_FACTORS])


def transcript_view(db: Database, conversation_id: str) -> TranscriptView | None:
    """The transcript page's data, or None when there is no such conversation."""
    with db.begin() as s:
        c = s.execute(select(m.Conversation).where(
            m.Conversation.conversation_id == conversation_id)).scalars().first()
        if c is None:
            return None
        handoffs = [(h.status, aware(h.created_at)) for h in s.execute(
            select(m.Handoff).where(m.Handoff.conversation_pk == c.id)).scalars()]
        complaints = [(x.category, aware(x.created_at)) for x in s.execute(
            select(m.Complaint).where(m.Complaint.conversation_pk == c.id)).scalars()]
        survey = s.execute(select(m.Survey).where(m.Survey.conversation_pk == c.id)
                           ).scalars().first()
        return TranscriptView(
            c.conversation_id, c.sender_id, c.channel, aware(c.started_at),
            aware(c.ended_at) if c.ended_at else None, c.outcome, c.model_version,
            c.rulebook_version, _turns(s, c.id), handoffs, complaints,
            (survey.rating, survey.comment) if survey else None, _csat(s, c.id),
        )


def is_vulnerable(db: Database, conversation_id: str) -> bool:
    """Whether the conversation has a ``vulnerable-customer`` rule hit (checked before loading)."""
    query = (select(m.RuleHit.id).join(m.Conversation, m.RuleHit.conversation_pk ==
                                       m.Conversation.id)
             .where(m.Conversation.conversation_id == conversation_id,
                    m.RuleHit.rule_id == VULNERABLE_RULE).limit(1))
    with db.begin() as s:
        return s.execute(query).first() is not None
