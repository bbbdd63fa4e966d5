"""``candor csat train --surveys|--input`` and ``candor csat model``: a bank's own answers.

The conversations are the project's synthetic set; the survey answers follow a rule chosen per
test, standing in for what one bank's customers value. Training, the held-out check, the
promotion pointer and the audit entry are the real ones, on a SQLite transcript database.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.bench.csat.synthetic import synthetic_dialogues
from bot.cli import main
from bot.errors import CandorError
from bot.scoring.active_model import pointer_path, read_activation
from bot.scoring.model import load_model
from bot.scoring.transcript import Dialogue
from bot.settings.console import AuditKeys
from bot.transcripts.audit_log import recent, verify_log
from bot.transcripts.db import database
from bot.transcripts.repository import csat_score
from tests.scoring.csat_helpers import store_conversation

SHIPPED = load_model()
Rule = Callable[[Dialogue, int, random.Random], int]


def quick_ones_are_best(conversation: Dialogue, overall: int, rng: random.Random) -> int:
    """This bank's customers rate by speed: two questions or fewer is a 5, more is a 2."""
    return (5 if len(conversation.user_turns) <= 2 else 2) - (rng.random() < 0.1)


def at_random(conversation: Dialogue, overall: int, rng: random.Random) -> int:
    """Answers that say nothing about the conversation."""
    return rng.randint(1, 5)


def export(path: Path, rule: Rule, n: int = 600) -> Path:
    """Synthetic conversations as a JSON export, each answered by ``rule``."""
    rng = random.Random(3)
    records = [
        {"conversation_id": f"c-{i}", "survey": rule(conv, overall, rng),
         "turns": [{"role": t.role, "text": t.text, "intent": t.intent,
                    "confidence": t.confidence, "response": t.response,
                    "rule_ids": list(t.rule_ids), "latency_ms": t.latency_ms} for t in conv.turns]}
        for i, (conv, _, overall) in enumerate(synthetic_dialogues(n, seed=11))
    ]
    path.write_text(json.dumps({"conversations": records}), encoding="utf-8")
    return path


def current_version(conversation_id: str) -> str | None:
    """The model version of the conversation's current score (the one the console shows)."""
    row = csat_score(conversation_id)
    return None if row is None else str(row["model_version"])


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh CANDOR_HOME with its own transcript database and an audit key."""
    monkeypatch.setenv("CANDOR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CANDOR_TRANSCRIPTS_URL", f"sqlite:///{tmp_path / 'transcripts.sqlite'}")
    monkeypatch.setenv("CANDOR_AUDIT_KEY", "k" * 40)
    yield tmp_path / "home" / "models"


def test_a_model_that_ranks_this_banks_answers_better_is_promoted(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with database().begin() as s:  # a conversation the transcript DB already holds
        store_conversation(s, "stored", [("user", "what's my balance?", "balance", 0.9, None, ()),
                                         ("bot", "It's in the app.", None, None, "utter_faq", ())],
                           None)
    assert main(["csat", "score"]) == 0
    assert current_version("conv-stored") == SHIPPED.version
    src = export(tmp_path / "answers.json", quick_ones_are_best)
    assert main(["csat", "train", "--input", str(src), "--version", "csat-bank-1"]) == 0
    out = capsys.readouterr().out
    assert "promoted csat-bank-1" in out and "rescored 1 stored conversations" in out
    assert current_version("conv-stored") == "csat-bank-1"  # what the console now shows
    activation = read_activation(home)
    assert activation is not None and activation.replaced == SHIPPED.version
    artefact = json.loads((home / "csat-bank-1.json").read_text())
    check = artefact["trained_on"]["held_out_check"]
    # it scores as the shipped model does (how the conversation ended) and learnt it that way
    assert artefact["recency"] == SHIPPED.recency and artefact["trained_on"]["fit_recency"]
    assert check["promote"] and check["spearman_candidate"] > check["spearman_current"]
    assert check["against"] == SHIPPED.version and check["held_out"] >= 40

    # every scorer now uses it, and the promotion is in the tamper-evident audit log
    scores = tmp_path / "scores.json"
    assert main(["csat", "score", "--input", str(src), "--out", str(scores)]) == 0
    assert json.loads(scores.read_text())["model_version"] == "csat-bank-1"
    entry = recent(database(), 1)[0]
    assert entry.action == "csat_model_activated"
    assert entry.details["version"] == "csat-bank-1"
    assert verify_log(database(), AuditKeys.from_env()).finding is None

    assert main(["csat", "model"]) == 0
    assert "in use: csat-bank-1" in capsys.readouterr().out
    assert main(["csat", "model", "--use-shipped"]) == 0
    assert f"in use: {SHIPPED.version} (shipped" in capsys.readouterr().out
    assert read_activation(home) is None
    assert recent(database(), 1)[0].details["version"] == SHIPPED.version
    assert current_version("conv-stored") == SHIPPED.version  # rescored on the way back


def test_answers_the_candidate_cannot_rank_better_leave_the_model_alone(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = export(tmp_path / "answers.json", at_random)
    assert main(["csat", "train", "--input", str(src), "--version", "csat-bank-2"]) == 0
    out = capsys.readouterr().out
    assert "not clearly better" in out and f"not promoted: {SHIPPED.version}" in out
    assert read_activation(home) is None and (home / "csat-bank-2.json").exists()


def test_check_only_never_promotes(home: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CANDOR_AUDIT_KEY")  # nothing to audit: no key needed
    src = export(tmp_path / "answers.json", quick_ones_are_best)
    assert main(["csat", "train", "--input", str(src), "--check-only"]) == 0
    assert read_activation(home) is None
    (artefact,) = home.glob("csat-surveys-*.json")
    assert json.loads(artefact.read_text())["trained_on"]["held_out_check"]["promote"] is True


def test_too_few_answers_are_refused(home: Path, tmp_path: Path) -> None:
    src = export(tmp_path / "answers.json", quick_ones_are_best, n=120)
    with pytest.raises(CandorError, match=r"E412 .*at least 200 .*found 120"):
        main(["csat", "train", "--input", str(src)])
    assert not home.exists() or not list(home.glob("*.json"))


def test_no_audit_key_no_promotion(home: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CANDOR_AUDIT_KEY")
    with pytest.raises(CandorError, match="E702"):
        main(["csat", "train", "--input", str(export(tmp_path / "a.json", quick_ones_are_best))])


@pytest.mark.parametrize("version", [SHIPPED.version, "csat-v1"])
def test_a_version_in_use_or_shipped_before_is_refused(home: Path, tmp_path: Path,
                                                       version: str) -> None:
    src = export(tmp_path / "answers.json", quick_ones_are_best)
    with pytest.raises(CandorError, match=f"E413 .*{version}"):
        main(["csat", "train", "--input", str(src), "--version", version])


def test_a_broken_pointer_stops_scoring_until_the_shipped_model_is_restored(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir(parents=True)
    pointer_path(home).write_text("{half a file")
    src = export(tmp_path / "answers.json", at_random, n=30)
    with pytest.raises(CandorError, match="E414"):
        main(["csat", "score", "--input", str(src), "--out", str(tmp_path / "s.json")])
    assert main(["csat", "model", "--use-shipped"]) == 0
    assert f"in use: {SHIPPED.version} (shipped" in capsys.readouterr().out
    assert recent(database(), 1)[0].details["replaced"] == "an unreadable promotion"
