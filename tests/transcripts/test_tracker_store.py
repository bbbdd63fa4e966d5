"""RedactingSQLTrackerStore.save: only new events, redacted, stored once, streamed once, in order."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from rasa.core.brokers.broker import EventBroker

RAW = "jane.doe@example.com"


class Collecting(EventBroker):
    """What the tracker store streams (a real broker that keeps the events)."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.events.append(event)


async def _two_turns(broker: Collecting) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

    from bot.transcripts.tracker_store import RedactingSQLTrackerStore

    store = RedactingSQLTrackerStore(Domain.load("domain.yml"), event_broker=broker)
    tracker = await store.get_or_create_tracker("s1", append_action_listen=False)
    for event in (ActionExecuted("action_session_start"), SessionStarted(),
                  UserUttered(f"my email is {RAW}", {"name": "greet", "confidence": 0.9}),
                  BotUttered("Hello!")):
        tracker.update(event)
    await store.save(tracker)
    first = list(broker.events)
    tracker = await store.retrieve("s1")  # as Rasa does for the next message
    assert tracker is not None
    for event in (UserUttered("thanks", {"name": "thank", "confidence": 0.9}),
                  BotUttered(f"We will write to {RAW}.")):
        tracker.update(event)
    await store.save(tracker)
    return first, broker.events[len(first):]


def test_save_stores_and_streams_each_new_event_once_redacted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANDOR_HOME", str(tmp_path))
    first, second = asyncio.run(_two_turns(Collecting()))
    assert [e["event"] for e in first] == ["action", "session_started", "user", "bot"]
    assert [e["event"] for e in second] == ["user", "bot"]  # not the first turn again
    assert all(e["sender_id"] == "s1" for e in first + second)

    with sqlite3.connect(tmp_path / "db" / "tracker.sqlite") as db:
        rows = db.execute("SELECT type_name, intent_name, data FROM events ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["action", "session_started", "user", "bot", "user", "bot"]
    assert rows[2][1] == "greet"
    stored = [json.loads(r[2]) for r in rows]
    assert stored == [{k: v for k, v in e.items() if k != "sender_id"} for e in first + second]
    assert RAW not in json.dumps(stored)  # the user's and the bot's text, both redacted
    assert stored[2]["parse_data"]["compliance"]["redacted"] is True


def test_retrieve_builds_the_tracker_rasa_would_for_the_latest_session_and_all(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The column-only read gives the same trackers as Rasa's ORM read (latest session, all)."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered

    from bot.transcripts.tracker_store import RedactingSQLTrackerStore

    monkeypatch.setenv("CANDOR_HOME", str(tmp_path))

    async def run() -> None:
        store = RedactingSQLTrackerStore(Domain.load("domain.yml"))
        tracker = await store.get_or_create_tracker("s2", append_action_listen=False)
        for session in range(2):
            for event in (ActionExecuted("action_session_start"), SessionStarted(),
                          UserUttered(f"question {session}", {"name": "greet", "confidence": 1})):
                tracker.update(event)
        await store.save(tracker)
        for all_sessions in (False, True):
            ours = await store._retrieve("s2", all_sessions)
            rasas = await SQLTrackerStore._retrieve(store, "s2", all_sessions)
            assert ours is not None and rasas is not None
            assert ours.current_state() == rasas.current_state()
            assert list(ours.events) == list(rasas.events)
        latest = await store.retrieve("s2")
        assert latest is not None and [e.text for e in latest.events
                                       if isinstance(e, UserUttered)] == ["question 1"]
        assert await store.retrieve("nobody") is None

    asyncio.run(run())


def test_sessions_reuse_one_pooled_connection(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saves and retrievals run in threads; each must not open (and close) its own connection."""
    from rasa.shared.core.domain import Domain
    from sqlalchemy import event

    from bot.transcripts.tracker_store import RedactingSQLTrackerStore

    monkeypatch.setenv("CANDOR_HOME", str(tmp_path))
    store = RedactingSQLTrackerStore(Domain.load("domain.yml"), event_broker=Collecting())
    connects: list[object] = []
    event.listen(store.engine, "connect", lambda conn, _record: connects.append(conn))

    async def turns() -> None:
        tracker = await store.get_or_create_tracker("s2", append_action_listen=False)
        for _ in range(3):
            await store.save(tracker)
            tracker = await store.retrieve("s2") or tracker

    asyncio.run(turns())
    assert len(connects) == 1
    with store.engine.connect() as conn:  # the pooled connection still has the pragmas
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
