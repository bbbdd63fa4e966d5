"""Alembic environment: runs on the connection :func:`bot.transcripts.db.migrate` passes in.

No ``alembic.ini`` or logging set-up: the migrations ship inside the package and run at
start-up of every process that writes or reads transcripts. On PostgreSQL a transaction-level
advisory lock serialises concurrent upgrades (two replicas and a worker starting together).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from bot.transcripts.models import Base

MIGRATION_LOCK_ID = 0x43414E44  # "CAND"

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})"))
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
