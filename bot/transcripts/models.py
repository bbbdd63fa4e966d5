"""The transcript record: SQLAlchemy models in 2.0 style on SQLAlchemy 1.4.

Typed ``x: Mapped[T] = Column(...)`` (1.4 has ``Mapped`` but not ``mapped_column``), so the move
to 2.0 is a rename. Turns are ordered by their autoincrement id, never by a float timestamp:
two replicas' clocks may disagree, the order in which the writer received the events does not.
Every text column holds redacted text only (the writer redacts before it writes); rule hits
hold the rule id and regulation reference, never the matched value (STYLE.md practice 5).
The schema itself is created by the Alembic migrations in ``migrations/``, not ``create_all``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, declarative_base

Base: Any = declarative_base()

#: Conversation outcomes: still going, ended well, passed to a person, left without ending.
OUTCOMES = ("open", "resolved", "handed_off", "abandoned")
#: Where a data-rights request stands: taken in chat, being worked on, answered.
DATA_RIGHTS_STATUSES = ("received", "in_progress", "completed")


def _conversation_fk() -> Column:
    return Column(
        Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=False
    )


class Conversation(Base):
    """One Rasa session of one customer, plus the writer's projection state."""

    __tablename__ = "conversations"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = Column(String(64), nullable=False, unique=True)
    sender_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    channel: Mapped[str | None] = Column(String(64))
    started_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    ended_at: Mapped[datetime | None] = Column(DateTime(timezone=True))
    last_event_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    model_version: Mapped[str | None] = Column(String(128))
    rulebook_version: Mapped[str | None] = Column(String(64))
    outcome: Mapped[str] = Column(String(16), nullable=False, default="open")
    # Projection state: what the next bot turn needs to know about the turns before it.
    last_action: Mapped[str | None] = Column(String(128))
    last_user_at: Mapped[float | None] = Column(Float)
    __table_args__ = (
        CheckConstraint(f"outcome IN {OUTCOMES}", name="ck_conversations_outcome"),
        Index("ix_conversations_started", "started_at", "id"),
        Index("ix_conversations_outcome_started", "outcome", "started_at", "id"),
        Index("ix_conversations_channel_started", "channel", "started_at", "id"),
    )


class Turn(Base):
    """A customer or bot message (redacted), with NLU and dialogue facts."""

    __tablename__ = "turns"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_pk: Mapped[int] = _conversation_fk()
    actor: Mapped[str] = Column(String(8), nullable=False)  # "user" | "bot"
    text: Mapped[str | None] = Column(Text)
    intent: Mapped[str | None] = Column(String(128))
    confidence: Mapped[float | None] = Column(Float)
    action: Mapped[str | None] = Column(String(128))
    response: Mapped[str | None] = Column(String(128))
    variant: Mapped[str | None] = Column(String(64))
    #: The approved version of ``response`` shown (0: the domain.yml baseline; migration 0004).
    response_version: Mapped[int | None] = Column(Integer)
    ai_label: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    latency_ms: Mapped[float | None] = Column(Float)
    sent_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    #: Detector types that fired on a customer turn, comma-separated (types only, no values).
    detectors: Mapped[str | None] = Column(String(255))
    __table_args__ = (
        Index("ix_turns_conversation", "conversation_pk", "id"),
        Index("ix_turns_intent", "intent", "conversation_pk"),
        Index("ix_turns_response", "response", "conversation_pk"),
    )


class RuleHit(Base):
    """A compliance rule that fired on (or was carried out by) a bot turn."""

    __tablename__ = "rule_hits"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_pk: Mapped[int] = _conversation_fk()
    turn_id: Mapped[int] = Column(
        Integer, ForeignKey("turns.id", ondelete="CASCADE"), nullable=False
    )
    rule_id: Mapped[str] = Column(String(128), nullable=False)
    regulation: Mapped[str | None] = Column(Text)
    __table_args__ = (
        Index("ix_rule_hits_rule", "rule_id", "conversation_pk"),
        Index("ix_rule_hits_conversation", "conversation_pk"),
        Index("ix_rule_hits_turn", "turn_id"),
    )


class Handoff(Base):
    """The customer was passed to (or queued for) a person."""

    __tablename__ = "handoffs"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_pk: Mapped[int] = _conversation_fk()
    status: Mapped[str] = Column(String(32), nullable=False)
    created_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    __table_args__ = (Index("ix_handoffs_conversation", "conversation_pk"),)


class Complaint(Base):
    """A complaint recorded by the complaint intake, with its category."""

    __tablename__ = "complaints"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_pk: Mapped[int] = _conversation_fk()
    category: Mapped[str] = Column(String(64), nullable=False)
    created_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    __table_args__ = (Index("ix_complaints_conversation", "conversation_pk"),)


class DataRightsRequest(Base):
    """A customer's data-protection request taken in chat, for the bank's privacy team.

    ``kinds`` says what was asked (``access``, ``rectification``, ``erasure``, ``objection``,
    comma-separated; ``unspecified`` when only the NLU intent fired); ``due_at`` is when the
    customer was told to expect the outcome (``bank.yml`` ``data_rights.response_days``). The
    request text itself stays in the redacted transcript, never here.
    """

    __tablename__ = "data_rights_requests"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_pk: Mapped[int] = _conversation_fk()
    kinds: Mapped[str] = Column(String(128), nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default="received")
    created_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    due_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    __table_args__ = (
        CheckConstraint(f"status IN {DATA_RIGHTS_STATUSES}", name="ck_data_rights_status"),
        Index("ix_data_rights_conversation", "conversation_pk"),
        Index("ix_data_rights_status_due", "status", "due_at", "id"),
    )


class Survey(Base):
    """The customer's own rating (1-5) and optional redacted comment; one per conversation."""

    __tablename__ = "surveys"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_pk: Mapped[int] = Column(
        Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    rating: Mapped[int] = Column(Integer, nullable=False)
    comment: Mapped[str | None] = Column(Text)
    source: Mapped[str] = Column(String(16), nullable=False, default="widget")
    created_at: Mapped[datetime] = Column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="ck_surveys_rating"),
        Index("ix_surveys_rating", "rating", "conversation_pk"),
    )


class CsatScore(Base):
    """A predicted CSAT score and its explanation, per conversation and model version."""

    __tablename__ = "csat_scores"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_pk: Mapped[int] = _conversation_fk()
    model_version: Mapped[str] = Column(String(64), nullable=False)
    value: Mapped[float] = Column(Float, nullable=False)
    predicted_class: Mapped[int | None] = Column(Integer)
    turn_scores: Mapped[list[float] | None] = Column(JSON)
    explanation: Mapped[dict[str, Any]] = Column(JSON, nullable=False)
    created_at: Mapped[datetime] = Column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    __table_args__ = (
        UniqueConstraint("conversation_pk", "model_version", name="uq_csat_scores_conv_model"),
        Index("ix_csat_scores_band", "value", "conversation_pk"),
    )


class AuditEntry(Base):
    """Who did what and when; counts and ids, never content. Append-only, HMAC-chained.

    ``mac`` = HMAC(key ``key_id``, canonical JSON of the entry + ``prev_mac``): see
    :mod:`bot.transcripts.audit_chain`. Customers appear only as keyed hashes (``subject``).
    """

    __tablename__ = "audit_log"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = Column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    actor: Mapped[str] = Column(String(128), nullable=False)
    action: Mapped[str] = Column(String(32), nullable=False)
    details: Mapped[dict[str, Any]] = Column(JSON, nullable=False)
    seq: Mapped[int] = Column(Integer, nullable=False)
    subject: Mapped[str | None] = Column(String(80))
    key_id: Mapped[str] = Column(String(16), nullable=False)
    prev_mac: Mapped[str] = Column(String(64), nullable=False)
    mac: Mapped[str] = Column(String(64), nullable=False)
    __table_args__ = (
        UniqueConstraint("seq", name="uq_audit_log_seq"),
        Index("ix_audit_log_action", "action", "id"),
    )


class ProcessedEvent(Base):
    """Identity of every event already applied: what makes redelivery harmless."""

    __tablename__ = "processed_events"
    event_key: Mapped[str] = Column(String(64), primary_key=True)
    received_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    __table_args__ = (Index("ix_processed_events_received", "received_at"),)
