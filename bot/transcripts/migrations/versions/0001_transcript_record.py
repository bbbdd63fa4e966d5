"""The transcript record: conversations, turns, rule hits, handoffs, complaints, surveys,
csat scores, audit log and the processed-event identities that make writes idempotent.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23 12:15:21.853531
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('conversations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('conversation_id', sa.String(length=64), nullable=False),
    sa.Column('sender_id', sa.String(length=255), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_event_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('model_version', sa.String(length=128), nullable=True),
    sa.Column('rulebook_version', sa.String(length=64), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('last_action', sa.String(length=128), nullable=True),
    sa.Column('last_user_at', sa.Float(), nullable=True),
    sa.CheckConstraint("outcome IN ('open', 'resolved', 'handed_off', 'abandoned')", name='ck_conversations_outcome'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('conversation_id')
    )
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.create_index('ix_conversations_outcome_started', ['outcome', 'started_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversations_sender_id'), ['sender_id'], unique=False)
        batch_op.create_index('ix_conversations_started', ['started_at', 'id'], unique=False)

    op.create_table('processed_events',
    sa.Column('event_key', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_key')
    )
    with op.batch_alter_table('processed_events', schema=None) as batch_op:
        batch_op.create_index('ix_processed_events_received', ['received_at'], unique=False)

    op.create_table('complaints',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('conversation_pk', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conversation_pk'], ['conversations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_conversation', ['conversation_pk'], unique=False)

    op.create_table('csat_scores',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('conversation_pk', sa.Integer(), nullable=False),
    sa.Column('model_version', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('predicted_class', sa.Integer(), nullable=True),
    sa.Column('turn_scores', sa.JSON(), nullable=True),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_pk'], ['conversations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('conversation_pk', 'model_version', name='uq_csat_scores_conv_model')
    )
    with op.batch_alter_table('csat_scores', schema=None) as batch_op:
        batch_op.create_index('ix_csat_scores_band', ['value', 'conversation_pk'], unique=False)

    op.create_table('handoffs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('conversation_pk', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conversation_pk'], ['conversations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.create_index('ix_handoffs_conversation', ['conversation_pk'], unique=False)

    op.create_table('surveys',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('conversation_pk', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name='ck_surveys_rating'),
    sa.ForeignKeyConstraint(['conversation_pk'], ['conversations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('conversation_pk')
    )
    op.create_table('turns',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('conversation_pk', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('intent', sa.String(length=128), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('action', sa.String(length=128), nullable=True),
    sa.Column('response', sa.String(length=128), nullable=True),
    sa.Column('variant', sa.String(length=64), nullable=True),
    sa.Column('ai_label', sa.Boolean(), nullable=False),
    sa.Column('latency_ms', sa.Float(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conversation_pk'], ['conversations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('turns', schema=None) as batch_op:
        batch_op.create_index('ix_turns_conversation', ['conversation_pk', 'id'], unique=False)
        batch_op.create_index('ix_turns_intent', ['intent', 'conversation_pk'], unique=False)

    op.create_table('rule_hits',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('conversation_pk', sa.Integer(), nullable=False),
    sa.Column('turn_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=128), nullable=False),
    sa.Column('regulation', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['conversation_pk'], ['conversations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['turn_id'], ['turns.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rule_hits', schema=None) as batch_op:
        batch_op.create_index('ix_rule_hits_conversation', ['conversation_pk'], unique=False)
        batch_op.create_index('ix_rule_hits_rule', ['rule_id', 'conversation_pk'], unique=False)
        batch_op.create_index('ix_rule_hits_turn', ['turn_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('rule_hits', schema=None) as batch_op:
        batch_op.drop_index('ix_rule_hits_turn')
        batch_op.drop_index('ix_rule_hits_rule')
        batch_op.drop_index('ix_rule_hits_conversation')

    op.drop_table('rule_hits')
    with op.batch_alter_table('turns', schema=None) as batch_op:
        batch_op.drop_index('ix_turns_intent')
        batch_op.drop_index('ix_turns_conversation')

    op.drop_table('turns')
    op.drop_table('surveys')
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.drop_index('ix_handoffs_conversation')

    op.drop_table('handoffs')
    with op.batch_alter_table('csat_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_csat_scores_band')

    op.drop_table('csat_scores')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_conversation')

    op.drop_table('complaints')
    with op.batch_alter_table('processed_events', schema=None) as batch_op:
        batch_op.drop_index('ix_processed_events_received')

    op.drop_table('processed_events')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_index('ix_conversations_started')
        batch_op.drop_index(batch_op.f('ix_conversations_sender_id'))
        batch_op.drop_index('ix_conversations_outcome_started')

    op.drop_table('conversations')
    op.drop_table('audit_log')

