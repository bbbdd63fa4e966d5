"""The Alembic migrations build exactly the models' schema, on both dialects."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import bot.transcripts.review_models  # noqa: F401 - the review tables share the metadata
import bot.transcripts.studio_models  # noqa: F401 - so do Studio's
import bot.web.models  # noqa: F401 - the console's tables share the metadata
from bot.transcripts.db import Database, migrate
from bot.transcripts.models import Base

#: Full-text search is dialect-specific SQL outside the models (migration 0002_console).
FTS_OBJECTS = ("conversations_fts", "ix_turns_fts")


def _not_fts(obj: object, name: str | None, kind: str, reflected: bool, other: object) -> bool:
    return not (name or "").startswith(FTS_OBJECTS)


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _not_fts})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_migrating_again_is_a_no_op(db: Database) -> None:
    migrate(db.engine)
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == "0006_fts_statistics"
