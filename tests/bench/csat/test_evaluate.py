"""Evaluation: metrics, the paper's CV protocol and Spearman with the shipped model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from bot.bench.csat.evaluate import (
    build_samples,
    classification_metrics,
    contiguous_folds,
    cross_validate,
    evaluate_model,
    spearman_paper,
)
from bot.bench.csat.learners import DEFAULT_LEARNER
from bot.bench.csat.uss import parse_uss
from bot.errors import CandorError
from bot.scoring.model import load_model
from tests.scoring.csat_helpers import USS_FIXTURE, FakeEncoder

DIALOGUES = parse_uss(USS_FIXTURE.read_text(encoding="utf-8"), str(USS_FIXTURE))


def test_metrics_of_a_perfect_prediction() -> None:
    y = np.array([1, 2, 3, 4, 5, 3])
    m = classification_metrics(y, y)
    assert m["uar"] == 1.0 and m["kappa"] == 1.0 and m["spearman"] == 1.0
    assert m["f1_dissatisfied"] == 1.0 and m["f1_dissatisfied_paper"] == 1.0


# fmt: off
@pytest.mark.parametrize("pred, label, uar, f1", [
    ([3, 3, 3, 3], [1, 3, 3, 5], 0.2, 0.0),          # majority class: 1 of 5 recalls
    ([1, 1, 3, 3], [1, 2, 3, 4], 0.4, 1.0),           # 2 is "dissatisfied" too
    ([1, 3, 3, 3], [1, 2, 3, 4], 0.4, 2 / 3),
])
# fmt: on
def test_uar_over_five_classes_and_dissatisfied_f1(
    pred: list[int], label: list[int], uar: float, f1: float
) -> None:
    m = classification_metrics(np.array(pred), np.array(label))
    assert m["uar"] == pytest.approx(uar, abs=1e-4)
    assert m["f1_dissatisfied"] == pytest.approx(f1, abs=1e-4)


def test_constant_prediction_has_no_spearman() -> None:
    assert classification_metrics(np.array([3, 3]), np.array([2, 4]))["spearman"] is None


def test_paper_spearman_uses_min_ranks_without_tie_correction() -> None:
    assert spearman_paper([1, 2, 3], [1, 2, 3]) == 1.0
    assert spearman_paper([1, 2, 3], [3, 2, 1]) == -1.0
    assert spearman_paper([1, 1, 2], [1, 2, 2]) == pytest.approx(1 - 6 * 2 / 24)


def test_samples_follow_the_paper_loader() -> None:
    s = build_samples(DIALOGUES)
    turns = sum(len(d.turn_labels) for d in DIALOGUES)
    assert len(s.y) == turns + len(DIALOGUES) and s.is_overall.sum() == len(DIALOGUES)
    assert list(s.dialogue) == sorted(s.dialogue)
    first_before = build_samples(DIALOGUES[:1], context="before").x[0]
    assert not first_before.any()  # nothing has been said before the first user line


def test_evaluate_with_the_shipped_model() -> None:
    result = evaluate_model(DIALOGUES, load_model())
    assert set(result) >= {"spearman_turns", "spearman_dialogues", "n_turns", "n_dialogues"}
    assert result["spearman_dialogues"] > 0.3


@pytest.fixture(scope="module")
def default_cv() -> dict[str, Any]:
    """The default learner's CV on the fixture (boosting on one thread: tiny folds)."""
    with threadpool_limits(1):
        return cross_validate(DIALOGUES, folds=10, encoder=FakeEncoder())  # type: ignore[arg-type]


def test_ten_fold_cv_reports_the_paper_keys(default_cv: dict[str, Any]) -> None:
    result = default_cv
    assert set(result) >= {"uar", "kappa", "spearman", "f1_dissatisfied"}
    assert result["n_predicted"] == (result["n_samples"] // 10) * 10
    with threadpool_limits(1):
        again = cross_validate(DIALOGUES, folds=10, encoder=FakeEncoder())  # type: ignore[arg-type]
    timing = {"seconds"}  # wall-clock time is the one field that varies between runs
    assert {k: v for k, v in again.items() if k not in timing} == \
        {k: v for k, v in result.items() if k not in timing}


def test_the_default_learner_is_the_ensemble_and_names_its_reasons(
    default_cv: dict[str, Any],
) -> None:
    assert DEFAULT_LEARNER == "ensemble"
    result = default_cv
    assert result["learner"] == "ensemble" and "gradient boosting" in result["model"]
    reasons = set(result["top_reasons"])
    assert reasons and all(isinstance(r, str) for r in reasons)
    assert not any("\t" in r or "lost my debit card" in r for r in reasons)  # no text quoted
    assert result["explained"] == 10  # every 10th of 5 test rows per fold: one per fold
    assert set(result["seconds"]) == {"fit_predict", "explain"}


def other_domain_layout(text: str) -> str:
    """The fixture laid out as other USS domains may be: no acts, the system speaking first.

    In every other dialogue two customer lines follow each other.
    """
    dialogues = []
    for i, block in enumerate(b.strip("\n") for b in text.split("\n\n") if b.strip()):
        lines = ["\t".join(f[:2] + ["", f[3]]) for f in (x.split("\t") for x in block.split("\n"))]
        lines.insert(0, "SYSTEM\tHello, what can I do for you?\t\t")
        if i % 2:
            lines.insert(2, "USER\tand one more thing\t\t3,3,4")
        dialogues.append("\n".join(lines))
    return "\n\n".join(dialogues) + "\n"


def test_the_protocol_runs_on_files_without_acts_that_open_with_the_system() -> None:
    dialogues = parse_uss(other_domain_layout(USS_FIXTURE.read_text(encoding="utf-8")))
    assert all(d.conversation.turns[0].role == "bot" for d in dialogues)
    assert not any(t.intent or t.response for d in dialogues for t in d.conversation.turns)
    with threadpool_limits(1):
        result = cross_validate(dialogues, folds=10, encoder=FakeEncoder())  # type: ignore[arg-type]
    assert result["learner"] == DEFAULT_LEARNER and result["n_predicted"] > 0
    assert result["uar"] is not None and result["top_reasons"]
    assert evaluate_model(dialogues, load_model(), context="through")["spearman_turns"] is not None


def test_the_context_learner_stays_selectable() -> None:
    result = cross_validate(DIALOGUES, folds=10, learner="context",
                            encoder=FakeEncoder())  # type: ignore[arg-type]
    assert result["learner"] == "context" and result["top_reasons"]
    assert result["n_predicted"] == (result["n_samples"] // 10) * 10


@pytest.mark.parametrize("n, folds", [(54, 10), (100, 10), (13833, 10)])
def test_folds_are_contiguous_disjoint_blocks(n: int, folds: int) -> None:
    tests = contiguous_folds(n, folds)
    assert len(tests) == folds
    flat = np.concatenate(tests)
    assert len(set(flat.tolist())) == len(flat) == (n // folds) * folds  # never overlap
    assert all((np.diff(t) == 1).all() for t in tests)  # one block each
    assert flat.tolist() == list(range(len(flat)))  # in file order; the remainder trains


def test_cv_needs_enough_samples() -> None:
    with pytest.raises(CandorError, match="E405"):
        cross_validate(DIALOGUES[:1], folds=10)


def test_hybrid_learner_runs_the_same_protocol() -> None:
    result = cross_validate(DIALOGUES, folds=10, learner="hybrid")
    assert result["learner"] == "hybrid"
    assert result["n_predicted"] == (result["n_samples"] // 10) * 10
    assert 0.0 <= result["uar"] <= 1.0


def test_samples_carry_the_context_texts() -> None:
    s = build_samples(DIALOGUES[:1], context="before")
    assert len(s.texts) == len(s.y)
    whole, last_bot, acts = s.texts[1]  # second user line: after the first system reply
    assert "lost my debit card" in whole and last_bot.startswith("I've frozen")
    assert acts == "act_notify_success"
