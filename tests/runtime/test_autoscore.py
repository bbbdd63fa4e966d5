"""Automatic scoring (``bot.runtime.autoscore``): ended and idle conversations, once, never failing.

The database is filled with ORM rows (as in ``test_csat_db.py``); the writer's side of the
hook is tested in ``tests/transcripts/test_transcript_autoscore.py``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bot.errors import CandorError
from bot.runtime import autoscore as auto
from bot.runtime.autoscore import (
    AutoScorer,
    AutoScoreSettings,
    ScoringThread,
    idle_seconds_from_env,
)
from bot.scoring.active_model import activate
from bot.scoring.model import load_model, save_model
from bot.settings import candor_home
from bot.transcripts import models as m
from bot.transcripts import repository
from bot.transcripts.db import Database, open_database

IDLE = AutoScoreSettings(idle_seconds=60.0)


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own CANDOR_HOME: no model promoted on this machine leaks in."""
    monkeypatch.setenv("CANDOR_HOME", str(tmp_path / "home"))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'transcripts.sqlite'}")
    yield database
    database.engine.dispose()


def add(db: Database, key: str, last: datetime, outcome: str = "open") -> None:
    """A two-turn conversation whose last event was at ``last``."""
    with db.begin() as s:
        conv = m.Conversation(conversation_id=key, sender_id=key, started_at=last,
                              last_event_at=last, outcome=outcome)
        s.add(conv)
        s.flush()
        s.add(m.Turn(conversation_pk=conv.id, actor="user", text="how do I order a card",
                     intent="faq", confidence=0.9, sent_at=last - timedelta(seconds=5)))
        s.add(m.Turn(conversation_pk=conv.id, actor="bot", text="In the app.",
                     response="utter_faq/card_order", sent_at=last))


def scores(db: Database) -> int:
    with db.begin() as s:
        return int(s.execute(select(func.count()).select_from(m.CsatScore)).scalar_one())


def ago(seconds: float) -> datetime:
    return datetime.now(timezone.utc) - timedelta(seconds=seconds)


def test_an_ended_conversation_is_scored_and_rescoring_replaces(db: Database) -> None:
    add(db, "ended", ago(1), outcome="resolved")
    scorer = AutoScorer(db, IDLE)
    scorer.notify("ended")
    scorer.notify("ended")
    assert scorer.run_due() == 1
    first = repository.csat_score("ended", db=db)
    scorer.notify("ended")
    scorer.run_due()
    assert scores(db) == 1  # one row per (conversation, model version), replaced in place
    again = repository.csat_score("ended", db=db)
    assert first is not None and again is not None and again["value"] == first["value"]


def test_a_live_conversation_is_not_scored(db: Database) -> None:
    add(db, "live", ago(1))
    scorer = AutoScorer(db, IDLE)
    scorer.notify("live")
    assert scorer.run_due() == 0 and scores(db) == 0


def test_an_idle_conversation_is_scored_once_per_silence(db: Database) -> None:
    add(db, "idle", ago(120))
    add(db, "live", ago(1))
    scorer = AutoScorer(db, IDLE)
    assert scorer.run_due() == 1
    assert repository.csat_score("idle", db=db) and not repository.csat_score("live", db=db)
    assert scorer.run_due(time.time() + IDLE.sweep_seconds) == 0  # already scored
    with db.begin() as s:  # the customer came back, then went quiet again
        s.execute(update(m.Conversation).values(last_event_at=datetime.now(timezone.utc)))
    assert scorer.run_due(time.time() + 120) == 2  # both idle now; "idle" is scored again
    assert scores(db) == 2


def test_a_scoring_failure_is_logged_and_the_others_are_still_scored(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    add(db, "bad", ago(1), outcome="resolved")
    add(db, "good", ago(1), outcome="resolved")
    real = auto.score_row

    def flaky(conversation, model):  # type: ignore[no-untyped-def]
        if conversation.conversation_id == "bad":
            raise ValueError("broken features")
        return real(conversation, model)

    monkeypatch.setattr(auto, "score_row", flaky)
    scorer = AutoScorer(db, IDLE)
    scorer.notify("bad")
    scorer.notify("good")
    assert scorer.run_due() == 1
    assert "E410" in caplog.text and "bad" in caplog.text
    assert repository.csat_score("good", db=db) is not None


def test_the_scoring_thread_scores_in_the_background(db: Database) -> None:
    add(db, "ended", ago(1), outcome="handed_off")
    thread = ScoringThread(AutoScorer(db, IDLE), debounce=0.05)
    try:
        thread.notify("ended")
        deadline = time.monotonic() + 30
        while scores(db) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        thread.stop()
    assert scores(db) == 1


@pytest.mark.parametrize(("value", "seconds"), [
    (None, 1800.0), ("", 1800.0), ("5", 300.0), ("0.05", 3.0),
])
def test_idle_minutes_from_the_environment(value: str | None, seconds: float) -> None:
    env = {} if value is None else {"CANDOR_CSAT_IDLE_MINUTES": value}
    assert idle_seconds_from_env(env) == pytest.approx(seconds)
    assert AutoScoreSettings.from_env(env).sweep_seconds <= 60.0


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_a_bad_idle_setting_is_refused(value: str) -> None:
    with pytest.raises(CandorError, match="E409"):
        idle_seconds_from_env({"CANDOR_CSAT_IDLE_MINUTES": value})


def test_a_promotion_reaches_a_running_scorer_without_a_restart(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    add(db, "ended", ago(1), outcome="resolved")
    scorer = AutoScorer(db, IDLE)
    scorer.notify("ended")
    scorer.run_due()
    shipped = load_model()
    assert repository.csat_score("ended", shipped.version, db=db)

    bank = replace(shipped, version="csat-bank-9")
    artefact = candor_home().models / "csat-bank-9.json"
    save_model(bank, artefact)
    activate(artefact, bank, shipped.version, {}, "2026-12-05T04:00:00+00:00")
    scorer.notify("ended")
    assert scorer.run_due() == 1
    assert repository.csat_score("ended", "csat-bank-9", db=db)

    artefact.write_text(artefact.read_text().replace("csat-bank-9", "csat-bank-X"))
    time.sleep(0.01)
    activate(artefact, bank, shipped.version, {}, "2026-12-05T04:01:00+00:00")  # version mismatch
    scorer.notify("ended")
    assert scorer.run_due() == 0  # fails closed: nothing scored with an unchecked model
    assert "E410" in caplog.text
