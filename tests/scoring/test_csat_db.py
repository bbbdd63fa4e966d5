"""``candor csat score / explain / calibrate / train --surveys`` against the transcript DB.

Reads and writes go through ``bot.transcripts.repository`` only (the commands under test).
The fixture fills a migrated SQLite database with ORM rows directly (``store_conversation``);
PostgreSQL is covered by the transcripts package's dialect-parametrised tests of the same
repository functions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import CandorError
from bot.transcripts import repository
from bot.transcripts.db import Database, open_database
from tests.scoring.csat_helpers import StoredTurn, store_conversation

HAPPY: list[StoredTurn] = [("user", "I lost my card", "card_lost_stolen", 0.95, None, ()),
         ("bot", "Frozen; a new one is on its way.", None, None, "utter_card_lost_stolen", ()),
         ("user", "great, thanks!", "thank", 0.9, None, ()),
         ("bot", "Goodbye!", None, None, "utter_goodbye", ())]
SAD: list[StoredTurn] = [("user", "change my pin", "nlu_fallback", 0.2, None, ()),
       ("bot", "Sorry, I didn't understand.", None, None, "utter_default", ()),
       ("user", "change my pin!!", "nlu_fallback", 0.2, None, ()),
       ("bot", "Sorry, I didn't understand.", None, None, "utter_default", ()),
       ("user", "I want to complain, this is useless", "complain", 0.9, None, ()),
       ("bot", "I've recorded your complaint.", None, None, "utter_complaint_ack", ("complaint",))]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """Three happy and three unhappy conversations, all ended and surveyed."""
    tmp = tmp_path_factory.mktemp("csat-db")
    url = f"sqlite:///{tmp / 'transcripts.sqlite'}"
    database = open_database(url)
    with database.begin() as s:
        for i in range(3):
            store_conversation(s, f"happy-{i}", HAPPY, 5 - i % 2)
            store_conversation(s, f"sad-{i}", SAD, 1)
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
