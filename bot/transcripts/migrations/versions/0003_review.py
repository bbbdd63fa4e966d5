"""Review: queue items, append-only reviews, turn annotations, samples, legal holds, erasures.

See :mod:`bot.transcripts.review_models` for what each table is for.

Revision ID: 0003_review
Revises: 0002_console
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_review"
down_revision = "0002_console"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _samples_and_items() -> None:
    op.create_table(
        "review_samples",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("rate", sa.Float(), nullable=False),
        sa.Column("population_size", sa.Integer(), nullable=False),
        sa.Column("population_ids", sa.JSON(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("drawn_ids", sa.JSON(), nullable=False),
        sa.Column("drawn_by", sa.String(length=64), nullable=False),
        _when("drawn_at"),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day"),
    )
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_pk", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=32), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=True),
        _when("created_at"),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        _when("claimed_at", nullable=True),
        sa.ForeignKeyConstraint(["conversation_pk"], ["conversations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sample_id"], ["review_samples.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_pk", "queue", name="uq_review_items_conv_queue"),
    )
    op.create_index("ix_review_items_queue", "review_items", ["queue", "id"])


def _reviews() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        _when("created_at"),
        sa.CheckConstraint("outcome IN ('no_issue', 'coaching', 'escalate', 'breach')",
                           name="ck_reviews_outcome"),
        sa.ForeignKeyConstraint(["item_id"], ["review_items.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["supersedes_id"], ["reviews.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reviews_item", "reviews", ["item_id", "id"])
    op.create_table(
        "turn_annotations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _when("created_at"),
        sa.ForeignKeyConstraint(["item_id"], ["review_items.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["turn_id"], ["turns.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_turn_annotations_item", "turn_annotations", ["item_id", "id"])


def _holds() -> None:
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=True),
        sa.Column("sender_id", sa.String(length=255), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("placed_by", sa.String(length=64), nullable=False),
        _when("placed_at"),
        sa.Column("lifted_by", sa.String(length=64), nullable=True),
        _when("lifted_at", nullable=True),
        sa.Column("lift_reason", sa.String(length=500), nullable=True),
        sa.CheckConstraint("(conversation_id IS NULL) <> (sender_id IS NULL)",
                           name="ck_legal_holds_target"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_legal_holds_conversation", "legal_holds", ["conversation_id"])
    op.create_index("ix_legal_holds_sender", "legal_holds", ["sender_id"])
    op.create_table(
        "erasure_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        _when("requested_at"),
        _when("carried_out_at", nullable=True),
        sa.Column("carried_out_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_erasure_requests_sender", "erasure_requests", ["sender_id"])


def upgrade() -> None:
    """Add the review tables."""
    _samples_and_items()
    _reviews()
    _holds()


def downgrade() -> None:
    """Remove everything :func:`upgrade` added."""
    for table in ("erasure_requests", "legal_holds", "turn_annotations", "reviews",
                  "review_items", "review_samples"):
        op.drop_table(table)
