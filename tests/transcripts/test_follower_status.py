"""Whether the transcripts trail the live conversations, judged from the follower's stats file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bot.transcripts.follower_status import (
    MAX_LAG_EVENTS,
    MAX_SILENCE_SECONDS,
    Backlog,
    backlog,
    read_backlog,
)

CURRENT = {"lag": 0, "caught_up": True, "stopped": False}


def test_a_follower_that_keeps_up_shows_no_backlog() -> None:
    assert backlog(CURRENT, 1.0) is None
    assert backlog({**CURRENT, "lag": MAX_LAG_EVENTS}, 1.0) is None  # the limit itself is fine


def test_a_lag_over_the_limit_is_a_backlog() -> None:
    found = backlog({**CURRENT, "lag": MAX_LAG_EVENTS + 1}, 1.0)
    assert found == Backlog(MAX_LAG_EVENTS + 1, 1.0)
    assert not found.follower_silent


def test_the_start_up_replay_is_not_counted_as_lag() -> None:
    """Before it first reaches the end of the log, the lag counts events already stored."""
    assert backlog({"lag": 40_000, "caught_up": False}, 1.0) is None


def test_a_silent_follower_is_a_backlog_even_while_replaying() -> None:
    found = backlog({"lag": 0, "caught_up": False}, MAX_SILENCE_SECONDS + 1)
    assert found is not None and found.follower_silent


def test_a_follower_stopped_cleanly_says_nothing() -> None:
    assert backlog({**CURRENT, "lag": 10_000, "stopped": True}, 3600.0) is None


def test_the_file_is_judged_by_its_age(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    path.write_text(json.dumps(CURRENT), encoding="utf-8")
    written = path.stat().st_mtime
    assert read_backlog(path, now=written + 2) is None
    late = read_backlog(path, now=written + MAX_SILENCE_SECONDS + 5)
    assert late is not None and late.follower_silent and late.silent_seconds >= MAX_SILENCE_SECONDS
    os.utime(path, (written + 100, written + 100))  # rewritten since
    assert read_backlog(path, now=written + 101) is None


def test_no_file_or_an_unreadable_one_means_nothing_to_judge(tmp_path: Path) -> None:
    assert read_backlog(None) is None
    assert read_backlog(tmp_path / "absent.json") is None
    for broken in ("{not json", "[1, 2]"):
        (tmp_path / "broken.json").write_text(broken, encoding="utf-8")
        assert read_backlog(tmp_path / "broken.json") is None
