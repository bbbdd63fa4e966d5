"""One current CSAT score per conversation, whichever model versions it was scored under.

A promoted survey-trained model, then a return to the shipped one: the list, the band filter,
the transcript page and ``candor csat explain`` must all mean the score written last.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from bot.transcripts import models as m
from bot.transcripts import repository as repo
from bot.transcripts.console_queries import ListFilter, list_page
from bot.transcripts.console_transcript import transcript_view
from bot.transcripts.current_csat import current_values
from bot.transcripts.db import Database
from tests.web import console_seed as cs


def scored(db: Database, conversation_id: str, version: str, value: float) -> None:
    repo.upsert_csat_scores([{"conversation_id": conversation_id, "model_version": version,
                              "value": value, "explanation": {"raising": [], "lowering": []}}],
                            db=db)


def shown(db: Database, conversation_id: str) -> tuple[float | None, str | None]:
    """What the console shows: the list row's score and the transcript page's version."""
    [row] = [r for r in list_page(db, ListFilter()).rows if r.conversation_id == conversation_id]
    view = transcript_view(db, conversation_id)
    assert view is not None and view.csat is not None and view.csat.value == row.csat
    return row.csat, view.csat.model_version


def in_band(db: Database, band: str) -> set[str]:
    listed = {r.conversation_id for r in list_page(db, ListFilter(csat_band=band)).rows}
    repo_listed = {r.conversation_id for r in
                   repo.list_conversations(repo.ConversationFilter(csat_band=band), db=db)}
    assert listed == repo_listed  # the console's query and the repository's agree
    return listed


def test_the_score_written_last_is_shown_filtered_and_explained(db: Database) -> None:
    ids = cs.seed(db).ids
    faq, handoff = ids["faq"], ids["handoff"]
    scored(db, faq, "csat-v3", 1.8)
    scored(db, handoff, "csat-v3", 4.4)
    scored(db, faq, "csat-bank-1", 4.5)  # a promoted model rescored it

    assert shown(db, faq) == (4.5, "csat-bank-1")
    assert in_band(db, "low") == set() and in_band(db, "high") == {faq, handoff}
    current = repo.csat_score(faq, db=db)
    assert current is not None and current["model_version"] == "csat-bank-1"

    scored(db, faq, "csat-v3", 1.9)  # back to the shipped model and rescored under its version
    assert shown(db, faq) == (1.9, "csat-v3")
    assert in_band(db, "low") == {faq} and in_band(db, "high") == {handoff}
    current = repo.csat_score(faq, db=db)
    assert current is not None and current["value"] == 1.9
    named = repo.csat_score(faq, "csat-bank-1", db=db)
    assert named is not None and named["value"] == 4.5  # every version's score is kept

    with db.begin() as s:
        pks = {c.conversation_id: c.id for c in s.execute(select(m.Conversation)).scalars()}
        assert current_values(s, [pks[faq], pks[handoff]]) == {pks[faq]: 1.9, pks[handoff]: 4.4}



@pytest.mark.services
def test_two_scorers_writing_the_same_score_at_once_both_land(pg_db: Database) -> None:
    """The automatic scorer and ``candor csat score`` may rescore one conversation together.

    PostgreSQL only: SQLite lets one transaction write at a time, so no two scorers overlap.
    """
    db = pg_db
    faq = cs.seed(db).ids["faq"]  # never scored: both scorers insert the same new key
    errors: list[BaseException] = []

    def second_scorer() -> None:
        try:
            scored(db, faq, "csat-v3", 4.0)
        except BaseException as e:  # handed to the test's thread
            errors.append(e)

    row = {"conversation_id": faq, "model_version": "csat-v3", "value": 3.0, "explanation": {}}
    with db.begin() as first:  # the first scorer has written and not yet committed
        repo.write_csat_scores(first, [row], db.dialect)
        second = threading.Thread(target=second_scorer)
        second.start()
        second.join(0.5)
        assert second.is_alive()  # it waits for the first, it does not fail
    second.join(10)
    assert not second.is_alive() and errors == []
    with db.begin() as s:
        assert s.execute(select(m.CsatScore.value)).scalars().all() == [4.0]  # the last writer's
