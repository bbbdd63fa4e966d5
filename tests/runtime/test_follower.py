"""The transcript follower: applies the SQLite tracker store's log, in order, once, losing nothing."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from bot.errors import CandorError
from bot.runtime.follower import (
    SKIP_AFTER_TRIES,
    Reporter,
    TrackerFollower,
    WriteFailed,
    health_server,
)
from bot.transcripts.db import Database, open_database
from bot.transcripts.follower_status import Backlog, read_backlog
from bot.transcripts.repository import conversations_of
from bot.transcripts.writer import TranscriptWriter
from tests.conftest import free_port


async def _save(sender: str, question: str = "what is an IRA?") -> None:
    """One customer turn through the real redacting tracker store (no broker attached)."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

    from bot.transcripts.tracker_store import RedactingSQLTrackerStore

    store = RedactingSQLTrackerStore(Domain.load("domain.yml"))
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    for event in (ActionExecuted("action_session_start"), SessionStarted(),
                  UserUttered(question, {"name": "faq", "confidence": 0.9}),
                  ActionExecuted("utter_faq"),
                  BotUttered("An IRA is ...", metadata={"utter_action": "utter_faq"})):
        tracker.update(event)
    await store.save(tracker)


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CANDOR_HOME", str(tmp_path))
    monkeypatch.delenv("CANDOR_TRANSCRIPTS_URL", raising=False)
    return tmp_path


@pytest.fixture()
def db(home: Path) -> Database:
    return open_database(f"sqlite:///{home / 'transcripts.sqlite'}")


def tracker_url(home: Path) -> str:
    return f"sqlite:///{home / 'db' / 'tracker.sqlite'}"


def drain(follower: TrackerFollower) -> None:
    while follower.step():
        pass


class FailingWriter:
    """A transcript writer whose writes fail while ``failing`` says so (fault injection)."""

    def __init__(self, db: Database, failing: Any) -> None:
        self.db = db
        self.real = TranscriptWriter(db)
        self.failing = failing

    def write(self, event: dict[str, Any]) -> bool:
        if self.failing(event):
            raise ConnectionError("database went away")
        return self.real.write(event)

    def write_many(self, events: list[dict[str, Any]]) -> list[bool]:
        if any(self.failing(e) for e in events):
            raise ConnectionError("database went away")
        return self.real.write_many(events)


def test_the_log_is_applied_in_order_once_and_a_restart_adds_nothing(
        home: Path, db: Database) -> None:
    asyncio.run(_save("first"))
    asyncio.run(_save("second", "my card number is 4111 1111 1111 1111, is it blocked?"))
    follower = TrackerFollower(tracker_url(home), TranscriptWriter(db))
    assert follower.lag() > 0
    drain(follower)
    assert follower.stats.applied == follower.stats.position > 0
    assert follower.lag() == 0 and follower.stats.caught_up
    [first] = conversations_of("first", db)
    assert [t["role"] for t in first["turns"]] == ["user", "bot"]
    [second] = conversations_of("second", db)
    assert "4111" not in json.dumps(second) and "<CARD_NUMBER>" in second["turns"][0]["text"]

    restarted = TrackerFollower(tracker_url(home), TranscriptWriter(db))  # from the log's start
    drain(restarted)
    assert restarted.stats.applied == 0
    assert restarted.stats.duplicates == follower.stats.applied

    asyncio.run(_save("third"))
    drain(restarted)
    assert restarted.stats.applied == 5  # only the new turn's events
    assert len(conversations_of("first", db)) == 1


def test_a_failed_write_keeps_the_position_until_the_database_is_back(
        home: Path, db: Database) -> None:
    asyncio.run(_save("patient"))
    down = True
    follower = TrackerFollower(tracker_url(home), FailingWriter(db, lambda _: down))  # type: ignore[arg-type]
    for _ in range(SKIP_AFTER_TRIES - 1):
        with pytest.raises(WriteFailed):
            follower.step()
    assert follower.stats.position == 0 and follower.stats.failed == SKIP_AFTER_TRIES - 1
    down = False
    drain(follower)
    assert follower.stats.skipped == 0 and follower.stats.applied == 5
    [record] = conversations_of("patient", db)
    assert [t["role"] for t in record["turns"]] == ["user", "bot"]


def test_an_event_that_keeps_failing_is_skipped_once_the_database_answers(
        home: Path, db: Database) -> None:
    asyncio.run(_save("poison"))
    asyncio.run(_save("healthy"))
    follower = TrackerFollower(
        tracker_url(home),
        FailingWriter(db, lambda e: e["sender_id"] == "poison" and e.get("event") == "user"))  # type: ignore[arg-type]
    for _ in range(SKIP_AFTER_TRIES - 1):
        with pytest.raises(WriteFailed):
            follower.step()
    drain(follower)  # the fifth failure skips the event, and the log goes on
    assert follower.stats.skipped == 1
    assert [t["role"] for t in conversations_of("healthy", db)[0]["turns"]] == ["user", "bot"]
    assert follower.lag() == 0


def test_a_database_that_does_not_answer_is_waited_for_not_skipped(
        home: Path, tmp_path: Path) -> None:
    asyncio.run(_save("waiting"))
    gone = open_database(f"sqlite:///{tmp_path / 'gone.sqlite'}")
    (tmp_path / "gone.sqlite").unlink()
    (tmp_path / "gone.sqlite").mkdir()  # a directory where the database was: nothing connects
    gone.engine.dispose()
    follower = TrackerFollower(tracker_url(home), FailingWriter(gone, lambda _: True))  # type: ignore[arg-type]
    for _ in range(SKIP_AFTER_TRIES + 3):
        with pytest.raises(WriteFailed):
            follower.step()
    assert follower.stats.skipped == 0 and follower.stats.position == 0


def test_only_a_sqlite_tracker_store_can_be_followed(db: Database) -> None:
    with pytest.raises(CandorError) as err:
        TrackerFollower("postgresql://localhost/rasa", TranscriptWriter(db))
    assert err.value.code == "E309"


def test_health_reports_the_position_and_the_lag(home: Path, db: Database) -> None:
    asyncio.run(_save("watched"))
    follower = TrackerFollower(tracker_url(home), TranscriptWriter(db))
    port = free_port()
    server = health_server(follower, "127.0.0.1", port)
    try:
        def health() -> dict[str, Any]:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
                return dict(json.load(r))

        before = health()
        assert before["lag"] == 5 and before["position"] == 0 and not before["caught_up"]
        drain(follower)
        after = health()
        assert after["lag"] == 0 and after["applied"] == 5 and after["caught_up"]
    finally:
        server.shutdown()


def test_the_default_broker_publishes_nothing_and_passes_the_start_up_check() -> None:
    from rasa.core.brokers.broker import EventBroker
    from rasa.utils.endpoints import EndpointConfig

    from bot.runtime.brokers import FollowedTrackerBroker, RedactingEventBroker

    broker = asyncio.run(EventBroker.create(
        EndpointConfig(type="bot.runtime.brokers.FollowedTrackerBroker")))
    assert isinstance(broker, FollowedTrackerBroker) and isinstance(broker, RedactingEventBroker)
    assert broker.is_ready()
    broker.publish({"event": "user", "text": "hello"})  # the tracker store holds it already


def test_the_reporter_writes_the_lag_and_logs_e310_once_when_behind(
        home: Path, db: Database, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr("bot.transcripts.follower_status.MAX_LAG_EVENTS", 3)
    asyncio.run(_save("early"))
    follower = TrackerFollower(tracker_url(home), TranscriptWriter(db))
    drain(follower)
    stats_file = home / "logs" / "follower.json"
    stats_file.parent.mkdir(parents=True, exist_ok=True)
    report = Reporter(follower, stats_file)
    report()
    assert json.loads(stats_file.read_text())["lag"] == 0 and "E310" not in caplog.text

    asyncio.run(_save("late"))  # five events the follower has not applied
    report()
    report()
    assert json.loads(stats_file.read_text())["lag"] == 5
    assert caplog.text.count("E310") == 1
    assert read_backlog(stats_file) == Backlog(5, pytest.approx(0.0, abs=5.0))

    drain(follower)
    with caplog.at_level("INFO", logger="bot.runtime.follower"):
        report()
    assert "caught up" in caplog.text and caplog.text.count("E310") == 1
    assert read_backlog(stats_file) is None
