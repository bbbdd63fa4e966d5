"""``candor bench nlu encoders``: feature-set parsing and the cross-validation it reports."""

from __future__ import annotations

import numpy as np
import pytest

from bot.bench.encoder_cv import cross_validate, markdown, parse_sets

TOPICS = {
    "card": ["my card is lost", "card stolen", "lost the card", "block my card", "card missing",
             "where is my card", "card not arrived", "new card please"],
    "fees": ["what fees do you charge", "atm fee", "monthly fee", "fees for transfers",
             "is there a fee", "charge for cash", "why was I charged", "fee list"],
}


def _data() -> tuple[list[str], list[str]]:
    texts = [t for topic in TOPICS.values() for t in topic]
    labels = [name for name, topic in TOPICS.items() for _ in topic]
    return texts, labels


def test_parse_sets_reads_names_and_rejects_unknown_encoders() -> None:
    assert parse_sets("minilm+ngrams, mpnet", ["minilm", "mpnet"]) == [
        ("minilm", "ngrams"),
        ("mpnet",),
    ]
    with pytest.raises(ValueError, match="bert"):
        parse_sets("bert+ngrams", ["minilm", "mpnet"])


def test_an_informative_embedding_beats_a_noise_embedding_on_the_same_folds() -> None:
    """The scores follow the features: separable vectors score 100%, noise about chance."""
    texts, labels = _data()
    rng = np.random.default_rng(0)
    informative = np.array([[1.0, 0.0] if y == "card" else [0.0, 1.0] for y in labels])
    informative += rng.normal(0, 0.05, informative.shape)
    noise = rng.normal(0, 1, (len(texts), 16))
    scores = cross_validate(
        texts, labels, {"good": informative, "noise": noise},
        [("good",), ("noise",), ("noise", "ngrams")], folds=4, seed=3, c=1.0, dense_weight=2.0,
    )
    assert scores["good"] == [1.0, 1.0, 1.0, 1.0]
    assert np.mean(scores["noise"]) < 0.8
    assert len(scores["noise+ngrams"]) == 4


def test_markdown_ranks_feature_sets_best_first() -> None:
    result = {
        "train": "train.csv", "train_sha256": "ab" * 32, "n_rows": 16, "folds": 2, "seed": 7,
        "C": 1.0, "dense_weight": 2.0, "command": "candor bench nlu encoders ...",
        "scores": {"minilm+ngrams": [0.9, 0.92], "mpnet+ngrams": [0.93, 0.95]},
        "encoders": {"minilm": {"encode_seconds": 1.0, "single_ms_p50": 20.0}},
        "machine": {"cpu": "cpu", "cpu_count": 2, "load_average_1_5_15": [1, 1, 1],
                    "python": "3.10.13", "rasa": "3.6.21", "tensorflow": "2.12.0"},
    }
    report = markdown(result)
    assert report.index("| mpnet+ngrams | 94.00%") < report.index("| minilm+ngrams | 91.00%")
    assert "| minilm | 1.0 | 20.0 |" in report


def test_cascade_outcome_takes_the_full_label_below_the_threshold_only() -> None:
    from bot.bench.encoder_cv import cascade_outcome

    fast_proba = np.array([[0.95, 0.05], [0.6, 0.4], [0.3, 0.7]])
    fast_pred = np.array(["card", "card", "fees"])
    full_pred = np.array(["card", "fees", "card"])
    y = np.array(["card", "fees", "fees"])
    assert cascade_outcome(fast_proba, fast_pred, full_pred, y, 0.8) == (2 / 3, 2 / 3)
    assert cascade_outcome(fast_proba, fast_pred, full_pred, y, 0.5) == (2 / 3, 0.0)
    assert cascade_outcome(fast_proba, fast_pred, full_pred, y, 0.65) == (1.0, 1 / 3)


def test_cascade_cross_validation_reports_every_threshold_on_every_fold() -> None:
    from bot.bench.encoder_cv import cross_validate_cascade

    texts, labels = _data()
    rng = np.random.default_rng(1)
    good = np.array([[1.0, 0.0] if y == "card" else [0.0, 1.0] for y in labels])
    good += rng.normal(0, 0.05, good.shape)
    noise = rng.normal(0, 1, (len(texts), 8))
    out = cross_validate_cascade(texts, labels, {"good": good, "noise": noise}, ("noise",),
                                 ("noise", "good"), [0.5, 1.0], folds=4, seed=3, c=1.0,
                                 dense_weight=2.0)
    assert set(out) == {"0.5", "1"}
    assert out["1"]["escalated"] == [1.0] * 4  # nothing is that sure: the full set answers all
    assert out["1"]["accuracy"] == [1.0] * 4
    assert all(len(v["accuracy"]) == 4 for v in out.values())
