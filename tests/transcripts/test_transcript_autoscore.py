"""The writer's scoring hook: told when a conversation ends or changes once ended, never lossy.

The worker test runs ``candor transcripts worker`` on RabbitMQ and PostgreSQL with a tiny idle
timeout, and checks that an ended and an idle conversation get their score rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.paths import PROJECT_ROOT, CandorHome
from bot.runtime.supervisor import candor_argv
from bot.transcripts import models as m
from bot.transcripts.db import Database, open_database
from bot.transcripts.repository import conversations_of
from bot.transcripts.writer import TranscriptWriter
from tests.transcripts import transcript_amqp as amqp
from tests.transcripts import transcript_events as ev
from tests.transcripts.test_transcript_worker import scaleout_env
from tests.transcripts.transcript_services import need, postgres_database, unique_name


def test_the_scorer_hears_of_ends_and_of_changes_after_the_end(db: Database) -> None:
    heard: list[str] = []
    writer = TranscriptWriter(db, on_end=heard.append)
    for event in ev.conversation("dora", turns=2):
        writer.write(event)
    assert heard == []  # still open: nothing to score yet
    writer.write(ev.user("dora", "bye", intent="goodbye"))
    [record] = conversations_of("dora", db)
    assert heard == [record["conversation_id"]]
    writer.write(ev.bot("dora", "How would you rate this chat?", response="utter_ask_csat_rating"))
    writer.write(ev.slot("dora", "csat_survey", "rated"))
    assert heard == [record["conversation_id"]] * 3  # the survey answer re-scores it


def test_a_handoff_and_a_new_session_end_conversations(db: Database) -> None:
    heard: list[str] = []
    writer = TranscriptWriter(db, on_end=heard.append)
    for event in ev.conversation("erin", turns=1) + [ev.slot("erin", "handoff", "requested")]:
        writer.write(event)
    for event in ev.conversation("erin", turns=1, at=1_700_009_000.0):
        writer.write(event)
    first, second = conversations_of("erin", db)
    assert first["outcome"] == "handed_off" and heard == [first["conversation_id"]]
    for event in ev.session_start("erin", at=1_700_019_000.0) + [
        ev.user("erin", "hello again", intent="greet", at=1_700_019_000.0)
    ]:
        writer.write(event)
    assert heard[-1] == second["conversation_id"]  # closed as abandoned by the new session


def test_the_goodbye_response_resolves_a_conversation(db: Database) -> None:
    writer = TranscriptWriter(db)
    for event in ev.conversation("fay", turns=1) + [
        ev.user("fay", "no", intent="deny"),
        ev.bot("fay", "Thanks for chatting with us.", response="utter_goodbye"),
    ]:
        writer.write(event)
    [record] = conversations_of("fay", db)
    assert record["outcome"] == "resolved" and record["ended_at"] is not None


def test_a_failing_scorer_never_loses_an_event(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(conversation_id: str) -> None:
        raise RuntimeError("scorer down")

    writer = TranscriptWriter(db, on_end=broken)
    events = ev.conversation("gus", turns=2, goodbye=True)
    assert all(writer.write(e) for e in events)
    [record] = conversations_of("gus", db)
    assert len(record["turns"]) == 6 and record["outcome"] == "resolved"
    assert "E410" in caplog.text


@pytest.mark.services
def test_the_worker_scores_ended_and_idle_conversations(tmp_path: Path) -> None:
    need("RabbitMQ", "127.0.0.1", 5672)
    queue, exchange = unique_name("candor_events"), unique_name("candor_exchange")
    # Event times are in 2023: the open conversation is long idle, the other ends with goodbye.
    events = ev.conversation("ended", 2, goodbye=True) + ev.conversation("idle", 2)
    home = CandorHome(tmp_path / "home").ensure()
    with postgres_database("candor_autoscore") as url:
        db = open_database(url)
        env = {**scaleout_env(home, url, queue, exchange), "CANDOR_CSAT_IDLE_MINUTES": "0.05"}
        argv = candor_argv("transcripts", "worker", "--endpoints",
                           str(PROJECT_ROOT / "endpoints.scaleout.yml"))
        log = home.logs / "worker.log"
        worker = None
        try:
            amqp.publish(exchange, queue, events)
            worker = amqp.start_worker(argv, env, log, PROJECT_ROOT)
            amqp.wait_for(lambda: _scored(db) == 2, 240, f"two score rows (log: {log})", worker)
        finally:
            if worker is not None:
                amqp.kill(worker, sig=15)
            amqp.delete(exchange, queue)
            db.engine.dispose()
    assert "E410" not in log.read_text() and "Traceback" not in log.read_text()


def _scored(db: Database) -> int:
    with db.begin() as s:
        return int(s.execute(select(func.count()).select_from(m.CsatScore)).scalar_one())
