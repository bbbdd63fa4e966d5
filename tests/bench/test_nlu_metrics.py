"""Benchmark helpers: deterministic stratified split, CSV validation, metrics, report."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bench.nlu_metrics import (
    classification_metrics,
    read_csv,
    stratified_split,
    summary_table,
    write_csv,
)
from bot.bench.nlu_report import markdown_report

ROWS = [(f"text {c} {i}", c) for c in ("a", "b", "c") for i in range(20)] + [("only", "d")]


def test_split_is_stratified_disjoint_and_deterministic() -> None:
    """Same input and seed, same split; every category keeps its share."""
    train, val = stratified_split(ROWS, 0.1, seed=13)
    assert sorted(train + val) == sorted(ROWS)
    assert [c for _, c in val].count("a") == 2
    assert ("only", "d") in train  # a category with one row is never held out
    assert stratified_split(ROWS, 0.1, seed=13) == (train, val)
    assert stratified_split(ROWS, 0.1, seed=14)[1] != val


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.2])
def test_split_rejects_bad_fraction(fraction: float) -> None:
    """Fractions outside (0, 1) are refused."""
    with pytest.raises(ValueError, match="fraction"):
        stratified_split(ROWS, fraction, seed=1)


def test_csv_round_trip_and_missing_column(tmp_path: Path) -> None:
    """CSV rows survive a round trip; a missing column is named."""
    path = tmp_path / "rows.csv"
    write_csv(path, ROWS[:3])
    assert read_csv(path) == ROWS[:3]
    (tmp_path / "bad.csv").write_text("text,label\nhi,greet\n")
    with pytest.raises(ValueError, match="category"):
        read_csv(tmp_path / "bad.csv")


def test_metrics_and_report() -> None:
    """Metrics are computed over gold categories and render into the report."""
    metrics = classification_metrics(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert metrics["accuracy"] == 0.75
    assert metrics["per_class"]["a"]["recall"] == 0.5
    assert metrics["top_confusions"] == [{"gold": "a", "predicted": "b", "count": 1}]
    result = {
        **metrics,
        "accuracy_with_fallback": 0.5,
        "fallback_rate": 0.25,
        "train_seconds": 1.0,
        "parse_ms_p50": 2.0,
        "parse_ms_p95": 3.0,
        "n_train": 10,
        "n_test": 4,
        "pipeline": [{"name": "WhitespaceTokenizer"}, {"name": "X", "C": 1}],
        "command": "candor bench nlu",
        "data": {
            "dataset": "toy",
            "train": "t.csv",
            "train_sha256": "0" * 64,
            "test": "v.csv",
            "test_sha256": "1" * 64,
        },
        "machine": {
            "cpu": "cpu",
            "cpu_count": 2,
            "load_average_1_5_15": [1, 1, 1],
            "python": "3.10",
            "rasa": "3.6.21",
            "tensorflow": "2.12",
        },
    }
    assert "75.00%" in summary_table(result)
    report = markdown_report(result)
    assert "`X` (C=1)" in report and "| a | b | 1 |" in report
