"""Review records: queue items, reviews, turn annotations, samples, legal holds, erasures.

Same declarative base and Alembic history as the transcript record (migration 0003_review).
Reviews are append-only: a changed decision is a new row that names the one it supersedes,
never an ``UPDATE``; the audit log carries one entry per review. Queue items and samples
belong to their conversation (``ON DELETE CASCADE``: a purge removes them with it). Legal holds
and erasure requests name a conversation or a customer by id, not by foreign key, so they
outlive the rows they protect or will erase.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped

from bot.transcripts.models import Base

#: What a reviewer may conclude; ``escalate`` sends the item to a second reviewer.
REVIEW_OUTCOMES = ("no_issue", "coaching", "escalate", "breach")


class ReviewItem(Base):
    """One conversation in one queue (a rule queue or the day's ``sample``)."""

    __tablename__ = "review_items"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_pk: Mapped[int] = Column(
        Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    queue: Mapped[str] = Column(String(32), nullable=False)
    sample_id: Mapped[int | None] = Column(
        Integer, ForeignKey("review_samples.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    claimed_by: Mapped[str | None] = Column(String(64))
    claimed_at: Mapped[datetime | None] = Column(DateTime(timezone=True))
    __table_args__ = (
        UniqueConstraint("conversation_pk", "queue", name="uq_review_items_conv_queue"),
        Index("ix_review_items_queue", "queue", "id"),
    )


class Review(Base):
    """A reviewer's decision on an item; never updated, superseded by a newer row."""

    __tablename__ = "reviews"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = Column(
        Integer, ForeignKey("review_items.id", ondelete="CASCADE"), nullable=False)
    reviewer: Mapped[str] = Column(String(64), nullable=False)
    outcome: Mapped[str] = Column(String(16), nullable=False)
    reason: Mapped[str] = Column(String(200), nullable=False)
    note: Mapped[str | None] = Column(Text)
    supersedes_id: Mapped[int | None] = Column(Integer, ForeignKey("reviews.id"))
    audit_seq: Mapped[int] = Column(Integer, nullable=False)
    created_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    __table_args__ = (
        CheckConstraint(f"outcome IN {REVIEW_OUTCOMES}", name="ck_reviews_outcome"),
        Index("ix_reviews_item", "item_id", "id"),
    )


class TurnAnnotation(Base):
    """A reviewer's note on one turn of a reviewed conversation."""

    __tablename__ = "turn_annotations"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = Column(
        Integer, ForeignKey("review_items.id", ondelete="CASCADE"), nullable=False)
    turn_id: Mapped[int] = Column(
        Integer, ForeignKey("turns.id", ondelete="CASCADE"), nullable=False)
    author: Mapped[str] = Column(String(64), nullable=False)
    note: Mapped[str] = Column(Text, nullable=False)
    created_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    __table_args__ = (Index("ix_turn_annotations_item", "item_id", "id"),)


class ReviewSample(Base):
    """One day's risk-weighted draw: enough to redo it (seed, rate, population, weights)."""

    __tablename__ = "review_samples"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[date] = Column(Date, nullable=False, unique=True)
    seed: Mapped[str] = Column(String(64), nullable=False)
    rate: Mapped[float] = Column(Float, nullable=False)
    population_size: Mapped[int] = Column(Integer, nullable=False)
    population_ids: Mapped[list[str]] = Column(JSON, nullable=False)
    weights: Mapped[list[float]] = Column(JSON, nullable=False)
    drawn_ids: Mapped[list[str]] = Column(JSON, nullable=False)
    drawn_by: Mapped[str] = Column(String(64), nullable=False)
    drawn_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    params: Mapped[dict[str, Any]] = Column(JSON, nullable=False)


class LegalHold(Base):
    """A hold on one conversation or on every conversation of one customer (sender id)."""

    __tablename__ = "legal_holds"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str | None] = Column(String(64))
    sender_id: Mapped[str | None] = Column(String(255))
    reason: Mapped[str] = Column(String(500), nullable=False)
    placed_by: Mapped[str] = Column(String(64), nullable=False)
    placed_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    lifted_by: Mapped[str | None] = Column(String(64))
    lifted_at: Mapped[datetime | None] = Column(DateTime(timezone=True))
    lift_reason: Mapped[str | None] = Column(String(500))
    __table_args__ = (
        CheckConstraint("(conversation_id IS NULL) <> (sender_id IS NULL)",
                        name="ck_legal_holds_target"),
        Index("ix_legal_holds_conversation", "conversation_id"),
        Index("ix_legal_holds_sender", "sender_id"),
    )


class ErasureRequest(Base):
    """A customer's erasure request that a hold deferred; carried out when the hold lifts."""

    __tablename__ = "erasure_requests"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    sender_id: Mapped[str] = Column(String(255), nullable=False)
    requested_by: Mapped[str] = Column(String(64), nullable=False)
    requested_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    carried_out_at: Mapped[datetime | None] = Column(DateTime(timezone=True))
    carried_out_by: Mapped[str | None] = Column(String(64))
    __table_args__ = (Index("ix_erasure_requests_sender", "sender_id"),)
