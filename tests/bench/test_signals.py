from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.bench.signal_metrics import precision_recall, wilson
from bot.bench.signals import DEFAULT_DATA, measured_rules
from bot.compliance.labelled_examples import load_samples, select
from bot.compliance.rulebook import load_rulebook


def test_precision_recall_counts() -> None:
    gold = [{"complaint"}, {"complaint"}, set(), set()]
    predicted = [{"complaint"}, set(), {"complaint"}, set()]
    scores = precision_recall(gold, predicted, "complaint")
    assert (scores["tp"], scores["fp"], scores["fn"]) == (1, 1, 1)
    assert scores["precision"] == scores["recall"] == 0.5
    assert scores["recall_ci"] == wilson(1, 2)


def test_undefined_scores_are_none_not_zero() -> None:
    scores = precision_recall([set()], [set()], "complaint")
    assert scores["precision"] is None and scores["precision_ci"] is None


# fmt: off
@pytest.mark.parametrize(("successes", "total", "expected"), [
    (0, 10, (0.0, 0.2775)),      # a perfect miss still leaves room above zero
    (10, 10, (0.7225, 1.0)),     # ... and a perfect score room below one
    (95, 100, (0.8882, 0.9785)),
    (50, 100, (0.4038, 0.5962)),
])
# fmt: on
def test_wilson_interval(successes: int, total: int, expected: tuple[float, float]) -> None:
    assert wilson(successes, total) == pytest.approx(expected, abs=1e-4)


def test_wilson_without_trials_is_none() -> None:
    assert wilson(0, 0) is None


def test_measured_rules_keep_rulebook_order_and_name_unknown_labels() -> None:
    samples = [{"rules": ["complaint", "new-rule"]}, {"rules": ["ai-disclosure"]}]
    assert measured_rules(["ai-disclosure", "complaint", "x"], samples) == [
        "ai-disclosure", "complaint", "new-rule"]


def test_the_frozen_set_names_only_real_rules_and_has_enough_positives_per_half() -> None:
    ids = {rule.id for rule in load_rulebook().rules}
    samples = load_samples(DEFAULT_DATA)
    assert all(set(s["rules"]) <= ids for s in samples)
    test = select(samples, "test")
    for rule in ("complaint", "vulnerable-customer"):
        assert sum(rule in s["rules"] for s in test) >= 50


def test_misses_are_refused_on_the_frozen_test_half_only(tmp_path: Path) -> None:
    from bot.bench.signals import misses_allowed

    assert misses_allowed(DEFAULT_DATA, "tune")
    assert not misses_allowed(DEFAULT_DATA, "test")
    assert not misses_allowed(DEFAULT_DATA, "all")
    other = tmp_path / "tuning.yml"
    assert misses_allowed(other, "all") and misses_allowed(other, "test")


def test_misses_on_the_frozen_test_half_stop_before_loading_a_model() -> None:
    import argparse

    from bot.bench.signals import run

    args = argparse.Namespace(data=DEFAULT_DATA, half="all", misses=True, model=None)
    with pytest.raises(SystemExit, match="tune half only"):
        run(args)


def test_command_line_names_only_what_differs_from_the_defaults() -> None:
    from bot.bench.signals import command_line

    default = str(DEFAULT_DATA.relative_to(DEFAULT_DATA.parents[3]))
    assert command_line(default, "test", "guardrails_signals_eval") == "candor bench signals"
    assert command_line("bench/data/signals_tune2/signals_tune2.yml", "all", "guardrails_signals_tune2") == (
        "candor bench signals --data bench/data/signals_tune2/signals_tune2.yml --half all "
        "--name guardrails_signals_tune2")


def test_rules_on_ordinary_queries_are_counted_by_category(tmp_path: Path) -> None:
    from bot.bench.signals import ordinary_markdown, ordinary_queries

    path = tmp_path / "queries.csv"
    path.write_text("text,category\nput me through to a person,contact\nwhat is the fee,fees\n"
                    "another person please,contact\n")
    book = load_rulebook()

    def parse(text: str) -> dict[str, Any]:
        scores = {"human-handoff": 0.99 if "person" in text else 0.0}
        return {"text": text, "intent": {"name": "faq", "confidence": 0.9},
                "compliance": {"hits": []}, "rule_scores": scores}

    report = ordinary_queries(path, book, ["human-handoff", "complaint"], parse)
    assert report["messages"] == 3
    assert report["fired"] == {"human-handoff": 2, "complaint": 0}
    assert report["top_categories"]["human-handoff"] == [("contact", 2)]
    table = ordinary_markdown(report, ["human-handoff", "complaint"])
    assert "| `human-handoff` | 2 | 66.67% | contact 2 |" in table
    assert "person" not in table  # counts and categories only, never the sentences


def test_the_command_line_names_the_ordinary_queries() -> None:
    from bot.bench.signals import command_line

    assert command_line("bench/data/signals_eval/signals_eval.yml", "test", "guardrails_signals_eval",
                        "b77.csv") == "candor bench signals --banking77 b77.csv"
