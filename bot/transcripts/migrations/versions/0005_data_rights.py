"""Data-rights requests taken in chat (GDPR Art. 15-17 and 21, CCPA/CPRA), for the privacy team.

Revision ID: 0005_data_rights
Revises: 0004_studio
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_data_rights"
down_revision = "0004_studio"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_rights_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_pk", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('received', 'in_progress', 'completed')", name="ck_data_rights_status"
        ),
        sa.ForeignKeyConstraint(["conversation_pk"], ["conversations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("data_rights_requests", schema=None) as batch_op:
        batch_op.create_index("ix_data_rights_conversation", ["conversation_pk"], unique=False)
        batch_op.create_index(
            "ix_data_rights_status_due", ["status", "due_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("data_rights_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_data_rights_status_due")
        batch_op.drop_index("ix_data_rights_conversation")
    op.drop_table("data_rights_requests")
