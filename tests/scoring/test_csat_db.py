"""``candor csat score / explain / calibrate / train --surveys`` against the transcript DB.

Reads and writes go through ``bot.transcripts.repository`` only (the commands under test).
The fixture fills a migrated SQLite database with ORM rows directly: the writer is the
production path, but it loads the Presidio redactor (tens of seconds), and the transcripts
package tests it; PostgreSQL is covered by that package's dialect-parametrised tests of the
same repository functions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import CandorError
from bot.transcripts import models as m
from bot.transcripts import repository
from bot.transcripts.db import Database, open_database

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
HAPPY = [("user", "I lost my card", "card_lost_stolen", 0.95, None, ()),
         ("bot", "Frozen; a new one is on its way.", None, None, "utter_card_lost_stolen", ()),
         ("user", "great, thanks!", "thank", 0.9, None, ()),
         ("bot", "Goodbye!", None, None, "utter_goodbye", ())]
SAD = [("user", "change my pin", "nlu_fallback", 0.2, None, ()),
       ("bot", "Sorry, I didn't understand.", None, None, "utter_default", ()),
       ("user", "change my pin!!", "nlu_fallback", 0.2, None, ()),
       ("bot", "Sorry, I didn't understand.", None, None, "utter_default", ()),
       ("user", "I want to complain, this is useless", "complain", 0.9, None, ()),
       ("bot", "I've recorded your complaint.", None, None, "utter_complaint_ack", ("complaint",))]


def _add(s: object, n: int, sender: str, turns: list[tuple], rating: int) -> None:  # type: ignore[type-arg]
    conv = m.Conversation(conversation_id=f"conv-{sender}", sender_id=sender, started_at=T0,
                          last_event_at=T0, ended_at=T0, outcome="resolved")
    s.add(conv)  # type: ignore[attr-defined]
    s.flush()  # type: ignore[attr-defined]
    for i, (actor, text, intent, conf, response, rules) in enumerate(turns):
        turn = m.Turn(conversation_pk=conv.id, actor=actor, text=text, intent=intent,
                      confidence=conf, response=response, latency_ms=500.0 if actor == "bot"
                      else None, sent_at=T0 + timedelta(seconds=10 * i))
        s.add(turn)  # type: ignore[attr-defined]
        s.flush()  # type: ignore[attr-defined]
        for rule in rules:
            s.add(m.RuleHit(conversation_pk=conv.id, turn_id=turn.id, rule_id=rule))  # type: ignore[attr-defined]
    s.add(m.Survey(conversation_pk=conv.id, rating=rating, source="test"))  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """Three happy and three unhappy conversations, all ended and surveyed."""
    tmp = tmp_path_factory.mktemp("csat-db")
    url = f"sqlite:///{tmp / 'transcripts.sqlite'}"
    database = open_database(url)
    with database.begin() as s:
        for i in range(3):
            _add(s, i, f"happy-{i}", HAPPY, 5 - i % 2)
            _add(s, i, f"sad-{i}", SAD, 1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CANDOR_TRANSCRIPTS_URL", url)
        mp.setenv("CANDOR_HOME", str(tmp / "home"))
        yield database
    database.engine.dispose()


def test_score_writes_each_conversation_once(db: Database) -> None:
    assert main(["csat", "score"]) == 0
    happy = repository.csat_score("conv-happy-0", "csat-v3", db)
    sad = repository.csat_score("conv-sad-0", "csat-v3", db)
    assert happy and sad and happy["value"] > sad["value"]
    assert len(sad["turn_scores"]) == 3
    assert main(["csat", "score"]) == 0  # idempotent: the same rows, not new ones
    assert repository.csat_score("conv-happy-0", "csat-v3", db) == happy


def test_explain_shows_the_stored_score(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    main(["csat", "score"])
    capsys.readouterr()
    assert main(["csat", "explain", "conv-sad-1"]) == 0
    out = capsys.readouterr().out
    # the reasons name cues the conversation holds (v2 ranks frustration and the bot's setbacks first)
    assert out.startswith("stored score") and "frustration_total" in out and "setback" in out


def test_explain_unknown_conversation(db: Database) -> None:
    with pytest.raises(CandorError, match="E406"):
        main(["csat", "explain", "no-such-conversation"])


def test_calibrate_on_stored_surveys(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "cal.json"
    assert main(["csat", "calibrate", "--out", str(out)]) == 0
    report = json.loads(out.read_text())["report"]
    assert report["pairs"] == 6 and report["ece_after"] <= report["ece_before"]


def test_train_on_stored_surveys_counts_the_answers(db: Database) -> None:
    # six answered conversations are far from enough to replace a model (the full path:
    # tests/scoring/test_csat_promotion_cli.py)
    with pytest.raises(CandorError, match=r"E412 .*found 6 "):
        main(["csat", "train", "--surveys", "--check-only"])
