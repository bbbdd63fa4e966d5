"""Studio's tables: proposed and approved response versions, their reviews, experiments.

Same declarative base and Alembic history as the transcript record (migration 0004_studio).
A version row is never updated: its text, the baseline it was written against and who proposed
it are fixed at insert. What happens to it later (approved, rejected, retired) is a new row of
``response_reviews``, so the table of decisions is append-only and a version's status is its
newest review. Experiments change status (running, paused, stopped) in place; every change is
an audit-log entry with its reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped

from bot.transcripts.models import Base

#: What a review records about a version; a version without a review is "proposed".
REVIEW_STATUSES = ("approved", "rejected", "retired")
EXPERIMENT_STATUSES = ("running", "paused", "stopped")


class ResponseVersion(Base):
    """One proposed text for one variant of one response (immutable once written)."""

    __tablename__ = "response_versions"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    response: Mapped[str] = Column(String(128), nullable=False)
    variant: Mapped[str] = Column(String(64), nullable=False)
    version: Mapped[int] = Column(Integer, nullable=False)
    text: Mapped[str] = Column(Text, nullable=False)
    #: SHA-256 of the response's domain.yml text when the version was proposed.
    baseline_hash: Mapped[str] = Column(String(64), nullable=False)
    proposed_by: Mapped[str] = Column(String(64), nullable=False)
    proposed_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    __table_args__ = (
        UniqueConstraint("response", "variant", "version", name="uq_response_versions_number"),
        Index("ix_response_versions_response", "response", "id"),
    )


class ResponseReview(Base):
    """A decision on a version: approved or rejected (with a comment), or retired."""

    __tablename__ = "response_reviews"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = Column(
        Integer, ForeignKey("response_versions.id", ondelete="CASCADE"), nullable=False
    )
    status: Mapped[str] = Column(String(16), nullable=False)
    actor: Mapped[str] = Column(String(64), nullable=False)
    at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    comment: Mapped[str | None] = Column(Text)
    __table_args__ = (
        CheckConstraint(f"status IN {REVIEW_STATUSES}", name="ck_response_reviews_status"),
        Index("ix_response_reviews_version", "version_id", "id"),
    )


class Experiment(Base):
    """A response split between approved variants by weight."""

    __tablename__ = "experiments"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    response: Mapped[str] = Column(String(128), nullable=False)
    #: Variant name -> weight (``baseline`` is the live text).
    arms: Mapped[dict[str, Any]] = Column(JSON, nullable=False)
    min_sample: Mapped[int] = Column(Integer, nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False)
    pause_reason: Mapped[str | None] = Column(Text)
    created_by: Mapped[str] = Column(String(64), nullable=False)
    created_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    changed_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    __table_args__ = (
        CheckConstraint(f"status IN {EXPERIMENT_STATUSES}", name="ck_experiments_status"),
        Index("ix_experiments_response", "response", "id"),
    )
