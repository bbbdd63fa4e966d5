"""The console warns while the transcripts trail the live conversations (follower stats file)."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.testclient import TestClient

from bot.transcripts.follower_status import MAX_LAG_EVENTS, STATS_FILE
from bot.web.app import ConsoleSettings, create_app
from tests.web.console_app import SECURITY, console_db, sign_in


def _client(folder: Path, stats: Path | None) -> TestClient:
    folder.mkdir(exist_ok=True)
    console = console_db(folder)
    settings = ConsoleSettings(transcripts_url=console.url, warm_up_redaction=False,
                               follower_stats=stats)
    return TestClient(create_app(settings, SECURITY), follow_redirects=False)


def _write(path: Path, **stats: object) -> None:
    path.write_text(json.dumps({"lag": 0, "caught_up": True, "stopped": False, **stats}))


def test_review_pages_warn_while_the_transcripts_are_behind(tmp_path: Path) -> None:
    stats = tmp_path / STATS_FILE
    _write(stats, lag=MAX_LAG_EVENTS + 250)
    client = _client(tmp_path, stats)
    assert sign_in(client, "comp") == 303
    page = client.get("/review")
    assert page.status_code == 200 and 'id="transcript-backlog"' in page.text
    assert f"{MAX_LAG_EVENTS + 250} events not yet stored" in page.text

    _write(stats, lag=3)  # caught up again: the warning goes
    assert 'id="transcript-backlog"' not in client.get("/review").text
    _write(stats, lag=MAX_LAG_EVENTS + 250, stopped=True)  # Candor shut down cleanly
    assert 'id="transcript-backlog"' not in client.get("/review").text


def test_nobody_signed_out_sees_it_and_no_follower_means_no_warning(tmp_path: Path) -> None:
    stats = tmp_path / STATS_FILE
    _write(stats, lag=MAX_LAG_EVENTS + 1)
    assert 'id="transcript-backlog"' not in _client(tmp_path / "a", stats).get("/login").text
    client = _client(tmp_path / "b", None)
    assert sign_in(client, "comp") == 303
    assert 'id="transcript-backlog"' not in client.get("/review").text
