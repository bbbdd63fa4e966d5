from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.bench.rule_thresholds import (
    ParseCache,
    ScoredSet,
    at_threshold,
    component_config,
    learnt_errors,
    markdown,
    set_counts,
    sweep,
)
from bot.bench.signal_metrics import Counts
from bot.compliance.contract import COMPLIANCE_KEY, RULE_SCORES_KEY
from bot.compliance.rulebook import load_rulebook
from bot.nlu.rule_classifier import DEFAULT_EXAMPLES

BOOK = load_rulebook()
COMPLAINT = BOOK.rule("complaint")


def parsed(score: float, hits: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"text": "x", "intent": {"name": "faq", "confidence": 0.5},
            COMPLIANCE_KEY: {"hits": hits or []}, RULE_SCORES_KEY: {"complaint": score}}


def scored(scores: list[float], gold: list[bool], learnt: bool = True,
           name: str = "set") -> ScoredSet:
    return ScoredSet(name, learnt, [frozenset({"complaint"} if g else set()) for g in gold],
                     [[parsed(s)] for s in scores])


def test_at_threshold_changes_only_min_score() -> None:
    moved = at_threshold(COMPLAINT, 0.35)
    assert moved.trigger.model is not None and COMPLAINT.trigger.model is not None
    assert moved.trigger.model.min_score == 0.35
    assert moved.trigger.model.detector_floor == COMPLAINT.trigger.model.detector_floor
    assert COMPLAINT.trigger.model.min_score != 0.35  # the rulebook's rule is untouched


def test_a_sample_fires_when_any_turn_does() -> None:
    two_turns = ScoredSet("s", True, [frozenset({"complaint"})], [[parsed(0.1), parsed(0.9)]])
    assert set_counts(at_threshold(COMPLAINT, 0.5), two_turns) == Counts(tp=1, fp=0, fn=0)


def test_sweep_pools_the_sets_and_picks_by_the_targets() -> None:
    # recall needs the low threshold: the positive scored .4 is missed at .5 and above
    learnt = scored([0.9, 0.8, 0.4, 0.1], [True, True, True, False])
    validation = scored([0.95, 0.45, 0.2], [True, True, False], learnt=False)
    report = sweep([COMPLAINT], [learnt, validation])
    rule = report["rules"]["complaint"]
    assert rule["chosen"] == 0.4
    assert rule["pooled"]["0.4"]["recall"] == 1.0 and rule["pooled"]["0.5"]["recall"] == 0.6
    assert [s["learnt"] for s in report["sets"]] == [True, False]
    assert "| `complaint` |" in markdown(report, BOOK.version)


def test_errors_list_the_learnt_sets_misses_and_false_alarms_only() -> None:
    # a complaint pattern below the detector floor, a grumble scored .99, a true negative
    hit = {"detector": "signal.complaint.v4", "entity_type": "COMPLAINT", "pattern_name": "p",
           "start": 0, "end": 1, "score": 0.0}
    learnt = ScoredSet("learnt", True, [frozenset({"complaint"}), frozenset(), frozenset()],
                       [[parsed(0.05, [hit])], [parsed(0.99)], [parsed(0.01)]])
    validation = scored([0.01], [True], learnt=False, name="val")
    errors = learnt_errors([COMPLAINT], [learnt, validation])
    assert [(e["set"], e["error"], e["score"]) for e in errors] == [
        ("learnt", "missed", 0.05), ("learnt", "false alarm", 0.99)]
    assert errors[0]["patterns"] == ["signal.complaint.v4:p"] and errors[0]["turns"] == ["x"]


def test_the_benchmark_learns_what_the_product_learns() -> None:
    assert component_config()["examples"] == [dict(e) for e in DEFAULT_EXAMPLES]


def test_settings_can_be_overridden_for_a_comparison() -> None:
    assert component_config(["C=3", "example_weight=2.5"])["C"] == 3
    with pytest.raises(SystemExit, match="KEY=VALUE"):
        component_config(["nonsense=1"])
    with pytest.raises(SystemExit, match="KEY=VALUE"):
        component_config(["C"])


def test_parse_cache_is_reused_for_the_same_model_only(tmp_path: Path) -> None:
    model, cache_file = tmp_path / "model.tar.gz", tmp_path / "parses.json"
    model.write_bytes(b"model one")
    cache = ParseCache(cache_file, model)
    stored = cache.put("hello", parsed(0.7))
    cache.save()
    again = ParseCache(cache_file, model).get("hello")
    assert again == stored and again is not stored
    model.write_bytes(b"a retrained model")
    assert ParseCache(cache_file, model).get("hello") is None
    assert ParseCache(None, model).get("hello") is None


def test_a_set_the_patterns_were_fitted_to_is_reported_but_never_chooses() -> None:
    fair = scored([0.9, 0.4], [True, True])
    fitted = scored([0.9] * 20, [True] * 20, name="fitted")
    fitted.pooled = False
    report = sweep([COMPLAINT], [fair, fitted])
    assert report["rules"]["complaint"]["chosen"] == 0.4  # the fair set's recall decides
    assert report["rules"]["complaint"]["pooled"]["0.4"]["tp"] == 2
    assert report["rules"]["complaint"]["by_set_at_chosen"]["fitted"]["tp"] == 20
    assert [s["pooled"] for s in report["sets"]] == [True, False]
