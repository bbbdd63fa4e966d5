"""The pure parts of ``candor bench load``: sampling, statistics, reports, integrity counts."""

from __future__ import annotations

import json
import os
import random
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.bench.load import bots_of, levels_of
from bot.bench.load_client import classify, classify_ack
from bot.bench.load_integrity import (
    TrackerEvent,
    TranscriptTurn,
    compare,
    compare_databases,
    processed_count,
    sqlite_url,
)
from bot.bench.load_procs import TreeSampler, descendants, role
from bot.bench.load_stacks import free_ports, link_model, port_env
from bot.bench.load_stats import (
    CONNECTION,
    EMPTY,
    GOODBYE,
    GREETING,
    HTTP,
    OK,
    TIMEOUT,
    Sample,
    conversation_script,
    distinct_messages,
    fault_window,
    percentile,
    read_messages,
    render_faults,
    render_markdown,
    summarise,
    targets,
)
from bot.paths import CandorHome
from bot.runtime.training import model_path
from bot.transcripts.projection import event_key

# --- sampling ----------------------------------------------------------------------------------


def test_distinct_messages_dedupes_normalises_and_drops_the_fixed_turns() -> None:
    texts = ["Where is my card?", "where is  my card?", " ", GREETING.lower(), "Fees?", "Fees?"]
    assert distinct_messages(texts) == ["Where is my card?", "Fees?"]


def test_read_messages_needs_enough_distinct_rows(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("text,category\na,x\nb,y\na,z\n")
    assert read_messages(path, minimum=2) == ["a", "b"]
    with pytest.raises(ValueError, match="2 distinct"):
        read_messages(path, minimum=3)


def test_a_conversation_is_greeting_five_different_questions_goodbye() -> None:
    pool = [f"question {i}" for i in range(12)]
    rng = random.Random(3)
    for _ in range(200):
        script = conversation_script(pool, rng)
        assert script[0] == GREETING and script[-1] == GOODBYE and len(script) == 7
        assert len(set(script[1:-1])) == 5 and set(script[1:-1]) <= set(pool)


def test_conversations_vary_and_a_small_pool_is_refused() -> None:
    pool = [f"q{i}" for i in range(1000)]
    rng = random.Random(1)
    scripts = {tuple(conversation_script(pool, rng)[1:-1]) for _ in range(50)}
    assert len(scripts) == 50
    with pytest.raises(ValueError):
        conversation_script(["a", "b"], rng)


# --- statistics --------------------------------------------------------------------------------


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([], 50) is None
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0], 0) == 1.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 100) == 4.0
    assert percentile(list(range(101)), 99) == pytest.approx(99.0)


def samples() -> list[Sample]:
    return [
        Sample(0.0, 0.1, OK, 200), Sample(0.1, 0.2, OK, 200), Sample(0.2, 0.3, OK, 200),
        Sample(0.3, 0.4, OK, 200),
        Sample(1.0, 0.05, HTTP, 503, "E026"), Sample(1.1, 0.05, HTTP, 503, "E026"),
        Sample(1.2, 30.0, TIMEOUT), Sample(1.3, 0.01, EMPTY, 200),
        Sample(1.4, 0.001, CONNECTION, code="ClientConnectorError"),
        Sample(1.5, 0.2, HTTP, 500, None, traceback=True),
    ]


def test_summarise_counts_answered_messages_and_each_kind_of_error() -> None:
    s = summarise(samples(), elapsed=2.0)
    assert s["messages"] == 10 and s["answered"] == 4 and s["processed"] == 5
    assert s["msg_per_s"] == 2.5  # the empty 2xx answer was processed too
    assert s["p50_ms"] == 200.0 and s["max_ms"] == 400.0
    assert s["errors"] == 6
    assert s["errors_by_kind"] == {HTTP: 3, TIMEOUT: 1, EMPTY: 1, CONNECTION: 1}
    assert s["errors_by_label"] == {"500 no-code": 1, "503 E026": 2,
                                    "connection (ClientConnectorError)": 1, "empty": 1,
                                    "timeout": 1}
    assert s["tracebacks"] == 1 and s["error_max_ms"] == 30000.0


def test_summarise_of_nothing() -> None:
    s = summarise([], elapsed=0.0)
    assert s["msg_per_s"] == 0.0 and s["p99_ms"] is None and s["errors"] == 0


def test_fault_window_reports_hangs_500s_and_recovery() -> None:
    rows = samples() + [Sample(5.0, 0.5, OK, 200), Sample(0.9, 0.2, CONNECTION)]
    w = fault_window(rows, start=1.0, end=40.0)
    assert w["messages"] == 8 and w["answered"] == 1  # the cut-off 0.9 one ended inside
    assert w["hangs_over_10s"] == 1 and w["max_seconds"] == 30.0
    assert w["http_500"] == 1 and w["tracebacks"] == 1
    assert w["errors_not_503_json"] == 1  # the 500; the 503s carry a code
    assert w["first_answer_after_s"] == 4.5  # answered at 5.5, window opened at 1.0
    early = fault_window(rows, start=1.0, end=2.0)
    assert early["messages"] == 6 and early["hangs_over_10s"] == 0  # the timeout ended later
    in_flight = fault_window(rows + [Sample(0.95, 0.2, OK)], start=1.0, end=40.0)
    assert in_flight["first_answer_after_s"] == 4.5  # sent before the kill: not a recovery
    quiet = fault_window([Sample(0.0, 0.1, OK)], start=1.0, end=2.0)
    assert quiet["messages"] == 0 and quiet["first_answer_after_s"] is None


# --- HTTP answers ------------------------------------------------------------------------------


def test_classify_http_answers() -> None:
    assert classify(200, json.dumps([{"recipient_id": "a", "text": "hi"}])).outcome == OK
    assert classify(200, "[]").outcome == EMPTY
    assert classify(200, "not json").outcome == EMPTY
    refused = classify(503, json.dumps({"error": {"code": "E024", "message": "resend"}}))
    assert (refused.outcome, refused.status, refused.code, refused.label) == (
        HTTP, 503, "E024", "503 E024")
    crash = classify(500, "Traceback (most recent call last): ...")
    assert crash.traceback and crash.code is None


def test_classify_socketio_acknowledgements() -> None:
    assert classify_ack({"replies": 2}, received=2).outcome == OK
    assert classify_ack(None, received=1).outcome == OK  # a channel without acknowledgements
    assert classify_ack({"replies": 1}, received=0).outcome == EMPTY  # nothing reached the customer
    refused = classify_ack({"error": {"code": "E026", "message": "resend"}}, received=0)
    assert (refused.outcome, refused.status, refused.code) == (HTTP, 503, "E026")
    assert classify_ack({"error": {"code": "E027", "message": "x"}}, received=0).status == 400


def test_levels_are_positive_whole_numbers() -> None:
    assert levels_of("1, 5,20,50") == [1, 5, 20, 50]
    with pytest.raises(ValueError):
        levels_of("0,5")
    assert bots_of("candor, stock") == {"candor", "stock"}
    with pytest.raises(ValueError, match="--bots"):
        bots_of("candor,rasa")


# --- reports -----------------------------------------------------------------------------------


def level(bot: str, concurrency: int, msg_per_s: float, p50: float, p99: float,
          errors: int = 0, channel: str = "rest") -> dict:
    return {"bot": bot, "channel": channel, "concurrency": concurrency, "msg_per_s": msg_per_s,
            "p50_ms": p50, "p95_ms": p99, "p99_ms": p99, "errors": errors,
            "errors_by_label": {"503 E026": errors} if errors else {}, "conversations": 3,
            "processes": {"rasa": {"cpu_s": 12.34, "rss_peak_mb": 1700.2, "processes": 1}}}


def test_targets_compare_candor_with_the_stock_bot_at_20() -> None:
    levels = [level("candor", 1, 10, 80, 200), level("candor", 20, 16, 500, 1400),
              level("stock", 20, 15, 300, 1700)]
    assert [met for _, met, _ in targets(levels)] == [True, True, True, True]
    slow = [level("candor", 20, 2, 500, 18000, errors=3), level("stock", 20, 15, 300, 1700)]
    assert [met for _, met, _ in targets(slow)] == [False, False, False, None]


def machine() -> dict:
    return {"cpu": "Test CPU", "cpu_count": 2, "load_average_1_5_15": [1.0, 1.0, 1.0],
            "platform": "Linux", "python": "3.10.13", "rasa": "3.6.21"}


def test_markdown_has_the_command_machine_levels_targets_and_integrity() -> None:
    report = {
        "command": "candor bench load --seconds 60", "date": "2026-11-29T15:00:00+00:00",
        "machine": machine(), "messages": 10003, "messages_file": "shared/data/train.csv",
        "seconds": 60, "levels": [level("candor", 20, 2.5, 400, 1800, errors=2),
                                  level("stock", 20, 15, 300, 1700)],
        "notes": ["Skipped candor over socketio: no reply."],
        "integrity": {"senders": 2, "tracker_events": 10, "processed_events": 10,
                      "events_matched": 10, "events_missing": 0, "events_unmatched": 0,
                      "tracker_turns": 4, "transcript_turns": 4, "turns_missing": 0,
                      "turns_duplicated": 0, "senders_with_differences": 0},
    }
    md = render_markdown(report)
    assert "`candor bench load --seconds 60`" in md and "Test CPU, 2 cores" in md
    assert "| candor | rest | 20 | 2.5 | 400 | 1800 | 1800 | 2 (503 E026: 2) | 3 | rasa 12.3 | rasa 1700 |" in md
    assert "| msg/s at 20 >= stock bot's | **not met** | 2.5 vs 15 |" in md
    assert "not measured" in md  # no 1-client level
    assert "Skipped candor over socketio" in md
    assert "| messages duplicated in the transcripts | 0 |" in md


def test_fault_report_renders_each_window() -> None:
    window = fault_window(samples(), 1.0, 2.0)
    assert window["messages"] == 5
    report = {"command": "candor bench load --faults", "date": "d", "machine": machine(),
              "concurrency": 20,
              "faults": [{"name": "action server killed", "killed_at": 1.0, "healthy_at": 3.2,
                          "window": window, "service": "actions"},
                         {"name": "Rasa kill -9", "killed_at": 2.0, "healthy_at": None,
                          "window": window, "service": "rasa", "restart_error": "E004 ...",
                          "running_after_error": True}],
              "baseline": summarise(samples()[:4], 1.0),
              "overall": {**summarise(samples(), 2.0)}, "notes": ["a note"], "integrity": None}
    md = render_faults(report)
    assert "| action server killed | 1.0 | 3.2 | 5 | 0 |" in md and "a note" in md
    assert "Before the first fault: 4.0 msg/s, p50 250.0 ms" in md
    assert "| Rasa kill -9 | 2.0 | - |" in md
    assert "**rasa: the health check never passed** although" in md
    assert "6 errors (500 no-code: 1, 503 E026: 2, connection (ClientConnectorError): 1" in md


# --- tracker store vs transcripts --------------------------------------------------------------


def events(sender: str, t0: float) -> list[dict]:
    return [
        {"event": "action", "timestamp": t0, "name": "action_session_start"},
        {"event": "user", "timestamp": t0 + 1, "text": "hi", "parse_data": {}},
        {"event": "bot", "timestamp": t0 + 2, "text": "Hello, I'm an AI.", "metadata": {}},
    ]


def test_compare_finds_missing_and_duplicated_events() -> None:
    tracker = [TrackerEvent("a", e) for e in events("a", 100.0)] + [
        TrackerEvent("b", e) for e in events("b", 200.0)]
    keys = [event_key(e.sender_id, e.event) for e in tracker]
    turns = [
        TranscriptTurn("a", "user", datetime.fromtimestamp(101.0, timezone.utc)),
        TranscriptTurn("a", "bot", datetime.fromtimestamp(102.0, timezone.utc)),
        TranscriptTurn("b", "user", datetime.fromtimestamp(201.0, timezone.utc)),
        TranscriptTurn("b", "user", datetime.fromtimestamp(201.0, timezone.utc)),  # twice
    ]  # b's bot message is missing
    counts = compare(tracker, keys[:-1] + ["f" * 64], turns)
    assert counts == {
        "senders": 2, "tracker_events": 6, "processed_events": 6, "events_matched": 5,
        "events_missing": 1, "events_unmatched": 1, "tracker_turns": 4, "transcript_turns": 4,
        "turns_missing": 1, "turns_duplicated": 1, "senders_with_differences": 1,
    }


def test_compare_matches_a_timestamp_near_half_a_millisecond_as_the_writer_stores_it() -> None:
    # 1764700899.8185003 s: rounded to ms it is ...819, but stored to the microsecond it is
    # ...18.500, which rounds to ...818: the last load run counted such a message as "missing"
    # and "duplicated" at once (4 of 3,656) although it was stored exactly once.
    event = {"event": "user", "timestamp": 1764700899.8185003, "text": "hi", "parse_data": {}}
    stored = TranscriptTurn("a", "user", datetime.fromisoformat("2025-12-02 18:41:39.818500+00:00"))
    counts = compare([TrackerEvent("a", event)], [event_key("a", event)], [stored])
    assert (counts["turns_missing"], counts["turns_duplicated"]) == (0, 0)


def test_compare_databases_reads_rasa_and_transcript_sqlite(tmp_path: Path) -> None:
    tracker_db, transcripts_db = tmp_path / "tracker.sqlite", tmp_path / "transcripts.sqlite"
    evs = events("a", 1_764_000_000.123456)
    with sqlite3.connect(tracker_db) as conn:
        conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                     "type_name TEXT, timestamp REAL, data TEXT)")
        conn.executemany("INSERT INTO events (sender_id, type_name, timestamp, data) "
                         "VALUES (?, ?, ?, ?)",
                         [("a", e["event"], e["timestamp"], json.dumps(e)) for e in evs])
    with sqlite3.connect(transcripts_db) as conn:
        conn.execute("CREATE TABLE processed_events (event_key TEXT PRIMARY KEY, received_at TEXT)")
        conn.execute("CREATE TABLE conversations (id INTEGER PRIMARY KEY, sender_id TEXT)")
        conn.execute("CREATE TABLE turns (id INTEGER PRIMARY KEY, conversation_pk INTEGER, "
                     "actor TEXT, sent_at TEXT)")
        conn.executemany("INSERT INTO processed_events VALUES (?, 'now')",
                         [(event_key("a", e),) for e in evs])
        conn.execute("INSERT INTO conversations VALUES (1, 'a')")
        for e, actor in ((evs[1], "user"), (evs[2], "bot")):  # SQLAlchemy's naive UTC format
            at = datetime.fromtimestamp(e["timestamp"], timezone.utc).replace(tzinfo=None)
            conn.execute("INSERT INTO turns (conversation_pk, actor, sent_at) VALUES (1, ?, ?)",
                         (actor, at.isoformat(" ")))
    counts = compare_databases(sqlite_url(tracker_db), sqlite_url(transcripts_db))
    assert processed_count(sqlite_url(transcripts_db)) == 3
    assert processed_count(sqlite_url(tmp_path / "none.sqlite")) == 0
    assert not (tmp_path / "none.sqlite").exists()
    assert processed_count(sqlite_url(tracker_db)) == 0  # no such table (yet)
    assert counts["events_matched"] == 3 and counts["events_missing"] == 0
    assert counts["turns_missing"] == 0 and counts["turns_duplicated"] == 0
    assert counts["tracker_turns"] == counts["transcript_turns"] == 2


# --- processes ---------------------------------------------------------------------------------


def test_roles_and_descendants() -> None:
    assert role("/v/bin/python -m bot.cli serve rasa --model m") == "rasa"
    assert role("python -m bot.cli serve actions --port 5055") == "actions"
    assert role("python -m rasa run --enable-api --port 1") == "rasa"
    assert role("python -m bot.cli run") == "supervisor"
    assert role("/usr/bin/sleep 5") == "sleep"
    assert sorted(descendants(1, {2: 1, 3: 2, 4: 9, 5: 3})) == [2, 3, 5]


def test_tree_sampler_measures_this_process() -> None:
    sampler = TreeSampler(lambda: [os.getpid()], interval=0.05).start()
    sum(i * i for i in range(200_000))
    stats = sampler.stop()
    (entry,) = stats.values()
    assert entry["cpu_s"] >= 0 and entry["rss_peak_mb"] > 10 and entry["processes"] >= 1


# --- stacks ------------------------------------------------------------------------------------


def test_free_ports_are_distinct_and_exported_as_candor_settings() -> None:
    ports = free_ports()
    assert len({ports.rasa, ports.actions, ports.console, ports.rasa_upstream}) == 4
    env = port_env(ports)
    assert env["CANDOR_RASA_PORT"] == str(ports.rasa) and env["CANDOR_HOST"] == "127.0.0.1"
    assert env["CANDOR_RASA_UPSTREAM_PORT"] == str(ports.rasa_upstream)


def test_a_given_model_is_linked_under_the_name_candor_run_looks_for(tmp_path: Path) -> None:
    model = tmp_path / "some-model.tar.gz"
    model.write_bytes(b"model")
    home = CandorHome(tmp_path / "home")
    for _ in range(2):  # idempotent
        linked = link_model(model, home)
    assert linked == model_path(home) and linked.read_bytes() == b"model"


def test_scaleout_names_are_unique_and_the_replica_uses_the_scaleout_endpoints(
        tmp_path: Path) -> None:
    from bot.bench.load_scaleout import ENDPOINTS, ScaleOut, services

    a, b = ScaleOut(), ScaleOut()
    assert a.queue != b.queue and a.tracker_db != b.tracker_db
    env = a.env()
    assert env["CANDOR_TRANSCRIPTS_URL"].endswith("/" + a.transcripts_db)
    assert env["CANDOR_EVENTS_QUEUE"] == a.queue and env["CANDOR_TRACKER_DB"] == a.tracker_db
    specs = services(CandorHome(tmp_path), free_ports(), tmp_path / "m.tar.gz")
    assert [s.name for s in specs] == ["actions", "rasa", "gateway"]
    rasa = list(specs[1].argv)
    assert rasa[rasa.index("--endpoints") + 1] == str(ENDPOINTS)


def test_a_spawned_child_counts_towards_its_parents_role() -> None:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        sampler = TreeSampler(lambda: [os.getpid()], interval=0.05)
        sampler._roles[os.getpid()] = "rasa"  # as if this test process were the Rasa server
        sampler.start()
        stats = sampler.stop()
    finally:
        child.kill()
        child.wait()
    assert list(stats) == ["rasa"] and stats["rasa"]["processes"] >= 2
