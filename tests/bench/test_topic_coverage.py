"""candor bench coverage: the topic map's validation and the on-topic count."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bench.topic_coverage import (
    DEFAULT_MAP,
    Category,
    answer_labels,
    coverage,
    known_labels,
    load_topic_map,
    map_version,
)
from bot.errors import CandorError

KNOWN = {"faq", "faq/card_delivery", "faq/dispute_refund", "report_lost_card",
         "rule:dispute-intake"}


def _map(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "map.yml"
    path.write_text("categories:\n" + body, encoding="utf-8")
    return path


def test_a_map_entry_must_be_exactly_one_kind_and_name_known_answers(tmp_path: Path) -> None:
    cases = {
        "  card_arrival: {answers: [faq/card_delivery], gap: also}\n": "exactly one of",
        "  card_arrival: {answers: [faq/card_deliveryy]}\n": "unknown answer 'faq/card_deliveryy'",
        "  card_arrival: {answers: []}\n": "empty list",
    }
    for body, problem in cases.items():
        with pytest.raises(CandorError, match=r"E011 .*map\.yml: categories\.card_arrival"):
            load_topic_map(_map(tmp_path, body), KNOWN)
        with pytest.raises(CandorError, match=problem):
            load_topic_map(_map(tmp_path, body), KNOWN)


def test_the_committed_map_names_only_what_candor_has() -> None:
    """A renamed FAQ topic or rule fails here instead of turning a category into misses."""
    from bot.bench.rule_thresholds import nlu_training_data
    from bot.compliance.rulebook import load_rulebook

    categories = load_topic_map(DEFAULT_MAP, known_labels(load_rulebook(), nlu_training_data()))
    assert len(categories) == 77
    answerable = [c for c in categories.values() if c.answers]
    # Map version 2: every retail category has a Candor answer (the four v1 gaps got topics).
    assert len(answerable) == 67 and all(not c.gap and not c.not_retail for c in answerable)
    assert not [c.name for c in categories.values() if c.gap]


def test_the_report_names_the_map_version(tmp_path: Path) -> None:
    """A rate scored by a revised answer key must say which revision it was."""
    path = tmp_path / "map.yml"
    path.write_text("version: 3\ncategories: {}\n", encoding="utf-8")
    assert map_version(path) == 3
    path.write_text("categories: {}\n", encoding="utf-8")
    assert map_version(path) == 1


def test_the_answer_is_the_intent_topic_and_rules_after_the_fallback() -> None:
    parsed = {"intent": {"name": "faq", "full_retrieval_intent_name": "faq/dispute_refund"}}
    assert answer_labels(parsed, ["dispute-intake"]) == {
        "faq", "faq/dispute_refund", "rule:dispute-intake"}
    # The FallbackClassifier replaces the intent: the topic it displaced is not the answer.
    assert answer_labels({"intent": {"name": "nlu_fallback"}}, []) == {"nlu_fallback"}


def test_coverage_counts_gaps_as_misses_and_leaves_out_what_is_not_retail() -> None:
    categories = {
        "card_arrival": Category("card_arrival", frozenset({"faq/card_delivery"})),
        "request_refund": Category("request_refund", frozenset({"rule:dispute-intake"})),
        "visa_or_mastercard": Category("visa_or_mastercard", frozenset(), gap="network"),
        "top_up_failed": Category("top_up_failed", frozenset(), not_retail="wallet"),
    }
    answers = {"a1": {"faq", "faq/card_delivery"}, "a2": {"faq", "faq/card_pin"},
               "r1": {"faq", "faq/dispute_refund", "rule:dispute-intake"},
               "v1": {"faq", "faq/card_abroad"}, "t1": {"faq", "faq/card_delivery"}}
    rows = [("a1", "card_arrival"), ("a2", "card_arrival"), ("r1", "request_refund"),
            ("v1", "visa_or_mastercard"), ("t1", "top_up_failed"), ("x", "unmapped")]
    report = coverage(rows, categories, lambda text: answers[text])
    assert (report["messages"], report["on_topic"], report["rate"]) == (4, 2, 0.5)
    assert report["categories"]["card_arrival"]["instead"] == [("faq/card_pin", 1)]
    assert report["categories"]["visa_or_mastercard"]["gap"] == "network"
    assert "top_up_failed" not in report["categories"]
    assert report["left_out"] == ["top_up_failed"]
