"""Scale-out for real: two Rasa replicas (``endpoints.scaleout.yml``) sharing a PostgreSQL
tracker store and a Redis lock store, events through RabbitMQ to ``candor transcripts worker``
writing PostgreSQL. One conversation alternates between the replicas turn by turn; it must stay
coherent, and its transcript must be complete and in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.paths import PROJECT_ROOT, CandorHome
from bot.runtime.services import Ports, product_env
from bot.runtime.supervisor import ServiceSpec, Supervisor, candor_argv
from bot.transcripts.db import open_database
from bot.transcripts.repository import conversations_of
from tests.conftest import free_port
from tests.e2e.chat import post_json
from tests.transcripts import transcript_amqp as amqp
from tests.transcripts.test_transcript_worker import scaleout_env
from tests.transcripts.transcript_services import (
    PG_ADMIN_URL,
    need,
    postgres_database,
    unique_name,
)

pytestmark = [pytest.mark.slow, pytest.mark.services]

TURNS = ["hello there", "what are your savings rates?", "how do I open a joint account",
         "thanks a lot!", "bye"]


@pytest.fixture()
def transcripts_url() -> Iterator[str]:
    need("Redis", "127.0.0.1", 6379)
    need("RabbitMQ", "127.0.0.1", 5672)
    with postgres_database("candor_scaleout") as url:
        yield url


def _rasa(name: str, port: int, model: Path, home: CandorHome) -> ServiceSpec:
    ports = Ports(rasa=port)
    return ServiceSpec(
        name,
        candor_argv("serve", "rasa", "--model", str(model), "--port", str(port), "--endpoints",
                    str(PROJECT_ROOT / "endpoints.scaleout.yml"), "--credentials",
                    str(PROJECT_ROOT / "credentials.yml"),
                    "--log-file", str(home.logs / f"{name}-server.log")),
        ports.url(port, "/webhooks/rest/"), startup_seconds=600,
    )


def test_two_replicas_alternate_turns_of_one_conversation(
    tmp_path: Path, trained_model: Path, transcripts_url: str
) -> None:
    home = CandorHome(tmp_path / "home").ensure()
    queue, exchange = unique_name("candor_events"), unique_name("candor_exchange")
    ports = Ports(rasa=free_port(), actions=free_port())
    env = product_env(scaleout_env(home, transcripts_url, queue, exchange), ports)
    tracker_db = env["CANDOR_TRACKER_DB"]
    supervisor = Supervisor(env, home.logs, PROJECT_ROOT)
    worker = amqp.start_worker(
        candor_argv("transcripts", "worker", "--endpoints",
                    str(PROJECT_ROOT / "endpoints.scaleout.yml")),
        env, home.logs / "worker.log", PROJECT_ROOT)
    replicas = [ports.rasa, free_port()]
    sender = unique_name("scaleout")
    replies: list[list[dict]] = []
    try:
        supervisor.start(ServiceSpec(
            "actions", candor_argv("serve", "actions", "--port", str(ports.actions)),
            ports.url(ports.actions, "/health")))
        for n, port in enumerate(replicas):
            supervisor.start(_rasa(f"rasa-{n}", port, trained_model, home))
        for n, message in enumerate(TURNS):
            url = ports.url(replicas[n % 2], "/webhooks/rest/webhook")
            status, body = post_json(url, {"sender": sender, "message": message})
            assert status == 200 and body, (n, body)
            replies.append(body)
        db = open_database(transcripts_url, run_migrations=False)
        sent_bot = sum(len(r) for r in replies)

        def complete() -> bool:
            convs = conversations_of(sender, db)
            return bool(convs) and sum(len(c["turns"]) for c in convs) == len(TURNS) + sent_bot

        amqp.wait_for(complete, 120, "the whole transcript", worker)
        [record] = conversations_of(sender, db)
        db.engine.dispose()
    finally:
        supervisor.stop()
        amqp.kill(worker, sig=15)
        amqp.delete(exchange, queue)
        _drop(tracker_db)

    names = [[m["metadata"]["response"] for m in r] for r in replies]
    # Coherent: one disclosure for the conversation although two servers answered it,
    # the FAQ context carried over, and the goodbye closes it.
    assert names[0][0] == "utter_ai_disclosure"
    assert sum(n.count("utter_ai_disclosure") for n in names) == 1
    assert names[-1][-2:] == ["utter_goodbye", "utter_ask_csat_rating"]  # then the survey
    # Complete and ordered: every message, in the order it was sent and answered.
    # The disclosure is sent by action_session_start, which runs before the first message is
    # logged, so it comes first in the record too.
    expected = [("bot", "utter_ai_disclosure")]
    for message, answer in zip(TURNS, names, strict=True):
        expected += [("user", message)] + [("bot", name) for name in answer
                                           if name != "utter_ai_disclosure"]
    got = [(t["role"], t["text"] if t["role"] == "user" else t["response"])
           for t in record["turns"]]
    assert got == expected
    assert record["outcome"] == "resolved"
    assert record["model_version"]


def _drop(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
