from __future__ import annotations

from pathlib import Path

import yaml

from bot.bench.signals import DEFAULT_DATA, precision_recall
from bot.compliance.rulebook import load_rulebook


def test_precision_recall_counts() -> None:
    gold = [{"complaint"}, {"complaint"}, set(), set()]
    predicted = [{"complaint"}, set(), {"complaint"}, set()]
    assert precision_recall(gold, predicted, "complaint") == {
        "tp": 1, "fp": 1, "fn": 1, "precision": 0.5, "recall": 0.5}


def test_undefined_scores_are_none_not_zero() -> None:
    assert precision_recall([set()], [set()], "complaint")["precision"] is None


def test_the_labelled_set_names_only_real_rules() -> None:
    ids = {rule.id for rule in load_rulebook().rules}
    samples = yaml.safe_load(Path(DEFAULT_DATA).read_text())
    assert len(samples) >= 60
    assert all(set(s["rules"]) <= ids for s in samples)
