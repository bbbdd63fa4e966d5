"""The console: accounts, the audit log's HMAC chain, list indexes, full-text search.

Users, roles, sessions and login failures; the audit log's chain columns; the indexes the
conversation list filters need; full-text search over redacted turns.

Full-text search is dialect-specific and lives outside the models: on SQLite an FTS5 table
with one document per conversation (its redacted turns), kept in step by triggers on
``turns``; on PostgreSQL a GIN expression index on
``to_tsvector('english', translate(text, '<>', '  '))`` on PostgreSQL.

Audit entries written before this revision have no MAC: they are numbered and marked with the
key id ``legacy`` (``candor audit verify`` reports them; they were never protected).

Revision ID: 0002_console
Revises: 0001
Create Date: 2026-11-29 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_console"
down_revision = "0001"
branch_labels = None
depends_on = None

#: One FTS5 document per conversation (rowid = conversations.id): a search returns at most one
#: row per conversation, which the newest-first list probes, instead of every matching turn.
_REINDEX = """DELETE FROM conversations_fts WHERE rowid = {pk};
         INSERT INTO conversations_fts(rowid, text)
           SELECT {pk}, group_concat(text, ' ') FROM turns
           WHERE conversation_pk = {pk} AND text IS NOT NULL GROUP BY conversation_pk;"""
FTS_TRIGGERS = (
    "CREATE TRIGGER conversations_fts_ai AFTER INSERT ON turns BEGIN "
    + _REINDEX.format(pk="new.conversation_pk") + " END",
    "CREATE TRIGGER conversations_fts_ad AFTER DELETE ON turns BEGIN "
    + _REINDEX.format(pk="old.conversation_pk") + " END",
    "CREATE TRIGGER conversations_fts_au AFTER UPDATE OF text ON turns BEGIN "
    + _REINDEX.format(pk="new.conversation_pk") + " END",
)


def _accounts() -> None:
    op.create_table(
        "console_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "console_user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.CheckConstraint("role IN ('compliance', 'marketing', 'admin')",
                           name="ck_console_user_roles_role"),
        sa.ForeignKeyConstraint(["user_id"], ["console_users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "role"),
    )
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["console_users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("console_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_console_sessions_user", ["user_id"], unique=False)
    op.create_table(
        "console_login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("console_login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_console_login_failures_user", ["username", "at"], unique=False)
        batch_op.create_index("ix_console_login_failures_addr", ["address", "at"], unique=False)


def _audit_chain() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("subject", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("prev_mac", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
    op.execute("UPDATE audit_log SET seq = id, key_id = 'legacy', prev_mac = '', mac = ''")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("key_id", existing_type=sa.String(length=16), nullable=False)
        batch_op.alter_column("prev_mac", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("mac", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint("uq_audit_log_seq", ["seq"])
        batch_op.create_index("ix_audit_log_action", ["action", "id"], unique=False)


def _list_indexes() -> None:
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("detectors", sa.String(length=255), nullable=True))
        batch_op.create_index("ix_turns_response", ["response", "conversation_pk"], unique=False)
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.create_index("ix_conversations_channel_started", ["channel", "started_at", "id"],
                              unique=False)
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.create_index("ix_surveys_rating", ["rating", "conversation_pk"], unique=False)


def _full_text() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE conversations_fts USING fts5(text, "
                   "tokenize='unicode61')")
        for trigger in FTS_TRIGGERS:
            op.execute(trigger)
        op.execute("INSERT INTO conversations_fts(rowid, text) SELECT conversation_pk, "
                   "group_concat(text, ' ') FROM turns WHERE text IS NOT NULL "
                   "GROUP BY conversation_pk")
    elif op.get_bind().dialect.name == "postgresql":
        # '<' and '>' become spaces: PostgreSQL's parser would take "<EMAIL_ADDRESS>" (a
        # redaction tag) or "<script>" for markup and leave it out of the index.
        # fastupdate off: each insert updates the index itself, so a search never has to scan
        # a pending list (which made searches after a bulk load ~50 times slower).
        op.execute("CREATE INDEX ix_turns_fts ON turns USING gin "
                   "(to_tsvector('english', translate(coalesce(text, ''), '<>', '  '))) "
                   "WITH (fastupdate = off)")


def upgrade() -> None:
    """Add the console's tables, columns and indexes."""
    _accounts()
    _audit_chain()
    _list_indexes()
    _full_text()


def downgrade() -> None:
    """Remove everything :func:`upgrade` added."""
    if op.get_bind().dialect.name == "sqlite":
        for name in ("conversations_fts_ai", "conversations_fts_ad", "conversations_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS conversations_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_turns_fts")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_index("ix_surveys_rating")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_conversations_channel_started")
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.drop_index("ix_turns_response")
        batch_op.drop_column("detectors")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_action")
        batch_op.drop_constraint("uq_audit_log_seq", type_="unique")
        for column in ("mac", "prev_mac", "key_id", "subject", "seq"):
            batch_op.drop_column(column)
    op.drop_table("console_login_failures")
    op.drop_table("console_sessions")
    op.drop_table("console_user_roles")
    op.drop_table("console_users")
