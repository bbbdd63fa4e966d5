"""Studio: response versions, their reviews, experiments, and the version of each bot turn.

Revision ID: 0004_studio
Revises: 0003_review
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_studio"
down_revision = "0003_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the Studio tables and ``turns.response_version``."""
    op.create_table(
        "response_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("response", sa.String(length=128), nullable=False),
        sa.Column("variant", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("baseline_hash", sa.String(length=64), nullable=False),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("response", "variant", "version",
                            name="uq_response_versions_number"),
    )
    with op.batch_alter_table("response_versions", schema=None) as batch_op:
        batch_op.create_index("ix_response_versions_response", ["response", "id"], unique=False)
    op.create_table(
        "response_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('approved', 'rejected', 'retired')",
                           name="ck_response_reviews_status"),
        sa.ForeignKeyConstraint(["version_id"], ["response_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("response_reviews", schema=None) as batch_op:
        batch_op.create_index("ix_response_reviews_version", ["version_id", "id"], unique=False)
    op.create_table(
        "experiments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("response", sa.String(length=128), nullable=False),
        sa.Column("arms", sa.JSON(), nullable=False),
        sa.Column("min_sample", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pause_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('running', 'paused', 'stopped')",
                           name="ck_experiments_status"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.create_index("ix_experiments_response", ["response", "id"], unique=False)
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("response_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Remove everything :func:`upgrade` added."""
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.drop_column("response_version")
    op.drop_table("experiments")
    op.drop_table("response_reviews")
    op.drop_table("response_versions")
