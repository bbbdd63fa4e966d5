"""``candor csat ...`` end to end on files (the database path is covered once it exists)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import CandorError
from bot.scoring.model import DEFAULT_MODEL_PATH
from tests.scoring.csat_helpers import USS_FIXTURE


def export(tmp_path: Path) -> Path:
    """A JSON export of three conversations, two with survey answers."""
    turns_ok = [{"role": "user", "text": "I lost my card", "intent": "card_lost_stolen",
                 "confidence": 0.95},
                {"role": "bot", "text": "Frozen.", "response": "utter_card_lost_stolen",
                 "latency_ms": 800},
                {"role": "user", "text": "great, thanks!"}]
    turns_bad = [{"role": "user", "text": "a human please", "rule_ids": ["human-handoff"]},
                 {"role": "bot", "text": "I can help here.", "response": "utter_help"},
                 {"role": "user", "text": "useless!! a PERSON"}]
    data = {"conversations": [
        {"conversation_id": f"ok-{i}", "turns": turns_ok, "survey": 4 + i % 2} for i in range(4)
    ] + [
        {"conversation_id": f"bad-{i}", "turns": turns_bad, "survey": 1 + i % 2} for i in range(4)
    ]}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_evaluate_without_cv(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert main(["csat", "evaluate", "--uss", str(USS_FIXTURE), "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert {"spearman_turns", "spearman_dialogues"} <= set(result)


def test_evaluate_with_cv(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert main(["csat", "evaluate", "--uss", str(USS_FIXTURE), "--cv", "10",
                 "--out", str(out)]) == 0
    assert {"uar", "kappa", "spearman", "f1_dissatisfied"} <= set(json.loads(out.read_text()))


def test_evaluate_reports_parse_errors_with_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("USER\thi\tGREET\t3\nUSER\thello\n", encoding="utf-8")
    with pytest.raises(CandorError, match=r"E401 .*bad.txt:2:"):
        main(["csat", "evaluate", "--uss", str(bad), "--out", str(tmp_path / "r.json")])


def test_training_reproduces_the_shipped_artefact(tmp_path: Path) -> None:
    out = tmp_path / "csat-v3.json"
    assert main(["csat", "train", "--out", str(out)]) == 0
    assert out.read_text() == DEFAULT_MODEL_PATH.read_text()


def test_train_on_a_uss_file(tmp_path: Path) -> None:
    out = tmp_path / "uss.json"
    assert main(["csat", "train", "--uss", str(USS_FIXTURE), "--version", "csat-uss-v1",
                 "--out", str(out)]) == 0
    assert json.loads(out.read_text())["trained_on"]["source"] == "uss"


def test_score_is_idempotent(tmp_path: Path) -> None:
    src, out = export(tmp_path), tmp_path / "scores.json"
    assert main(["csat", "score", "--input", str(src), "--out", str(out)]) == 0
    first = out.read_text()
    assert main(["csat", "score", "--input", str(src), "--out", str(out)]) == 0
    assert out.read_text() == first
    scores = {s["conversation_id"]: s for s in json.loads(first)["scores"]}
    assert scores["ok-0"]["value"] > scores["bad-0"]["value"]
    assert len(scores["ok-0"]["turn_scores"]) == 2


def test_explain_prints_the_factors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["csat", "explain", "bad-1", "--input", str(export(tmp_path))]) == 0
    printed = capsys.readouterr().out
    assert "bad-1: predicted CSAT" in printed and "handoff_refused" in printed


def test_explain_unknown_conversation(tmp_path: Path) -> None:
    with pytest.raises(CandorError, match="E406"):
        main(["csat", "explain", "nope", "--input", str(export(tmp_path))])


def test_calibrate_reports_before_and_after(tmp_path: Path) -> None:
    out = tmp_path / "cal.json"
    assert main(["csat", "calibrate", "--input", str(export(tmp_path)), "--out", str(out)]) == 0
    saved = json.loads(out.read_text())
    assert saved["report"]["pairs"] == 8
    assert saved["report"]["mae_after"] <= saved["report"]["mae_before"]


def test_agreement_scores_each_annotator_against_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "agreement.json"
    assert main(["csat", "agreement", "--uss", str(USS_FIXTURE), "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["file"] == USS_FIXTURE.name and result["panel"] == 3
    assert len(result["annotators"]) == 3
    assert {"uar", "kappa", "f1_dissatisfied", "spearman", "spearman_dialogues"} == set(
        result["mean"])
