"""The transcript writer thread: ordered, bounded, retrying, and replaying at start-up."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from bot.runtime.writer_thread import WriterThread


class FakeWriter:
    """Records events in order; fails the first ``fail`` writes; can be held on a gate."""

    def __init__(self, fail: int = 0, gate: threading.Event | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.fail = fail
        self.gate = gate
        self.keys: set[str] = set()
        self.batches: list[int] = []
        self.entered = threading.Event()
        self.fail_batches = False

    def write(self, event: dict[str, Any]) -> bool:
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(5)
        if self.fail:
            self.fail -= 1
            raise ConnectionError("database went away")
        key = event["id"]
        if key in self.keys:
            return False
        self.keys.add(key)
        self.events.append(event)
        return True

    def write_many(self, events: list[dict[str, Any]]) -> list[bool]:
        """One transaction for a burst: all or nothing when it fails."""
        self.batches.append(len(events))
        if self.fail_batches:
            raise ConnectionError("database went away")
        return [self.write(e) for e in events]


def ev(i: int) -> dict[str, Any]:
    return {"id": f"e{i}", "sender_id": "s-1", "event": "user"}


def test_events_are_written_in_order_off_the_caller_thread(tmp_path: Path) -> None:
    writer = FakeWriter()
    thread = WriterThread(writer, stats_path=tmp_path / "stats.json")  # type: ignore[arg-type]
    assert all(thread.submit(ev(i)) for i in range(200))
    assert thread.flush()
    thread.stop()
    assert [e["id"] for e in writer.events] == [f"e{i}" for i in range(200)]
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["submitted"] == stats["written"] == 200 and stats["dropped"] == 0


def test_a_full_queue_drops_with_e307_and_never_blocks(caplog: pytest.LogCaptureFixture) -> None:
    gate = threading.Event()
    writer = FakeWriter(gate=gate)
    thread = WriterThread(writer, maxsize=3)  # type: ignore[arg-type]
    assert thread.submit(ev(0))
    assert writer.entered.wait(5)  # the thread holds e0 and waits on the gate
    results = [thread.submit(ev(i)) for i in range(1, 11)]  # 3 wait in the queue, 7 do not
    assert results == [True] * 3 + [False] * 7 and thread.stats.dropped == 7
    assert "E307" in caplog.text
    gate.set()
    assert thread.flush()
    thread.stop()


def test_a_failing_write_is_retried_then_counted(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    flaky = FakeWriter(fail=2)
    thread = WriterThread(flaky, retry_delays=(0.0, 0.0, 0.0))  # type: ignore[arg-type]
    thread.submit(ev(1))
    assert thread.flush()
    assert [e["id"] for e in flaky.events] == ["e1"] and thread.stats.failed == 0
    down = FakeWriter(fail=100)
    broken = WriterThread(down, retry_delays=(0.0, 0.0))  # type: ignore[arg-type]
    broken.submit(ev(2))
    assert broken.flush()
    assert broken.stats.failed == 1 and "E302" in caplog.text
    thread.stop()
    broken.stop()


def test_startup_replays_what_the_store_has_and_the_database_lacks() -> None:
    writer = FakeWriter()
    writer.keys = {"e0", "e1"}  # already stored before the crash
    thread = WriterThread(writer, replay_events=lambda: [ev(i) for i in range(5)])  # type: ignore[arg-type]
    thread.submit(ev(4))  # a live event that the replay already covered
    thread.submit(ev(5))
    assert thread.flush()
    thread.stop()
    assert [e["id"] for e in writer.events] == ["e2", "e3", "e4", "e5"]
    assert (thread.stats.replay_seen, thread.stats.replay_stored) == (5, 3)
    assert thread.stats.duplicates == 1


def test_a_burst_queued_behind_a_slow_write_goes_in_one_transaction_in_order() -> None:
    gate = threading.Event()
    writer = FakeWriter(gate=gate)
    thread = WriterThread(writer)  # type: ignore[arg-type]
    for i in range(30):
        thread.submit(ev(i))  # the first write waits on the gate while the rest queue up
    gate.set()
    assert thread.flush()
    thread.stop()
    assert [e["id"] for e in writer.events] == [f"e{i}" for i in range(30)]
    assert writer.batches and max(writer.batches) > 1
    assert thread.stats.written == 30


def test_a_failing_burst_is_retried_event_by_event() -> None:
    gate = threading.Event()
    writer = FakeWriter(gate=gate)
    writer.fail_batches = True
    thread = WriterThread(writer, retry_delays=(0.0,))  # type: ignore[arg-type]
    for i in range(10):
        thread.submit(ev(i))
    gate.set()
    assert thread.flush()
    thread.stop()
    assert writer.batches, "the burst was tried in one transaction first"
    assert [e["id"] for e in writer.events] == [f"e{i}" for i in range(10)]
    assert (thread.stats.written, thread.stats.failed) == (10, 0)
