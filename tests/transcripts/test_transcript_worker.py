"""RabbitMQ -> ``candor transcripts worker`` -> PostgreSQL: kill it mid-stream, restart it,
compare counts. Nothing lost, nothing duplicated; a redelivery storm changes nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.paths import PROJECT_ROOT, CandorHome
from bot.runtime.supervisor import candor_argv
from bot.settings import runtime_env
from bot.transcripts import models as m
from bot.transcripts.db import Database, open_database
from tests.transcripts import transcript_amqp as amqp
from tests.transcripts import transcript_events as ev
from tests.transcripts.transcript_services import need, postgres_database, unique_name

pytestmark = pytest.mark.services

CONVERSATIONS, TURNS = 40, 3


def scaleout_env(home: CandorHome, url: str, queue: str, exchange: str) -> dict[str, str]:
    """What ``endpoints.scaleout.yml`` reads, with this run's unique names."""
    env = runtime_env(home)
    env.update({"CANDOR_TRANSCRIPTS_URL": url, "CANDOR_EVENTS_QUEUE": queue,
                "CANDOR_EVENTS_EXCHANGE": exchange, "CANDOR_TRACKER_DB": unique_name("unused"),
                "CANDOR_LOCK_PREFIX": queue, "CANDOR_ACTION_URL": "http://127.0.0.1:1/webhook"})
    return env


@pytest.fixture()
def pg(tmp_path: Path) -> Iterator[tuple[str, Database]]:
    with postgres_database("candor_worker") as url:
        db = open_database(url)
        yield url, db
        db.engine.dispose()


def count(db: Database, model: type) -> int:
    with db.begin() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def test_killing_the_worker_mid_stream_loses_and_duplicates_nothing(
    tmp_path: Path, pg: tuple[str, Database]
) -> None:
    need("RabbitMQ", "127.0.0.1", 5672)
    url, db = pg
    queue, exchange = unique_name("candor_events"), unique_name("candor_exchange")
    events = [e for n in range(CONVERSATIONS) for e in ev.conversation(f"w{n}", TURNS)]
    home = CandorHome(tmp_path / "home").ensure()
    env = scaleout_env(home, url, queue, exchange)
    argv = candor_argv("transcripts", "worker", "--endpoints",
                       str(PROJECT_ROOT / "endpoints.scaleout.yml"))
    log = home.logs / "worker.log"
    try:
        amqp.publish(exchange, queue, events)
        worker = amqp.start_worker(argv, env, log, PROJECT_ROOT)
        amqp.wait_for(lambda: count(db, m.ProcessedEvent) >= len(events) // 4, 180,
                      f"a quarter of the events (log: {log})", worker)
        amqp.kill(worker)  # SIGKILL: no clean shutdown, unacked messages go back to the queue
        done_before_restart = count(db, m.ProcessedEvent)
        assert done_before_restart < len(events), "the worker finished before it was killed"

        worker = amqp.start_worker(argv, env, log, PROJECT_ROOT)
        amqp.wait_for(lambda: count(db, m.ProcessedEvent) == len(events), 240, "all events",
                      worker)
        time.sleep(3)  # idle for longer than the worker's poll interval: it must keep consuming
        amqp.publish(exchange, queue, events[:60])  # the broker redelivers a batch
        amqp.wait_for(lambda: amqp.queue_depth(exchange, queue) == 0, 120, "the redeliveries")
        amqp.kill(worker, sig=15)
        assert worker.returncode == 0, log.read_text()[-2000:]
    finally:
        amqp.delete(exchange, queue)

    assert count(db, m.ProcessedEvent) == len(events)
    assert count(db, m.Conversation) == CONVERSATIONS
    assert count(db, m.Turn) == CONVERSATIONS * TURNS * 2
    assert count(db, m.RuleHit) == CONVERSATIONS
    with db.begin() as s:  # every conversation complete and in order
        for conv in s.execute(select(m.Conversation)).scalars():
            texts = s.execute(select(m.Turn.text).where(m.Turn.conversation_pk == conv.id)
                              .order_by(m.Turn.id)).scalars().all()
            assert texts == [t for n in range(TURNS)
                             for t in (f"question {n} about fees", f"answer {n}")]
    assert "Traceback" not in log.read_text()
    assert os.environ.get("CANDOR_TRANSCRIPTS_URL") != url  # the test's DB never leaked out
