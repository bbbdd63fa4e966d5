"""The ensemble learner: predictions, determinism, explanations in named inputs, fold hygiene."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from bot.scoring.context_learner import EMBEDDED_TURNS, ContextClassifier, ContextInputs
from bot.scoring.ensemble_learner import EnsembleClassifier
from tests.scoring.csat_helpers import reply_rated_inputs

RATINGS = (1, 3, 5)


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    """Boosting on a few hundred rows is several times faster on one OpenMP thread."""
    with threadpool_limits(1):
        yield


def feature_data(n: int = 150, seed: int = 0) -> tuple[ContextInputs, np.ndarray]:
    """The named feature ``signal`` determines the rating; ``noise``, acts and turns do not."""
    rng = np.random.default_rng(seed)
    y = np.array([RATINGS[i % 3] for i in range(n)])
    signal = (y - 3) / 2 + rng.normal(scale=0.15, size=n)
    x = np.column_stack([rng.normal(size=n), signal])
    acts = tuple(("OFFER", "INFORM") if i % 2 else ("REQUEST", "INFORM") for i in range(n))
    turns = tuple(("here you go", "book a table") for _ in range(n))
    embeddings = rng.normal(size=(n, len(EMBEDDED_TURNS), 16)).astype(np.float32)
    return ContextInputs(("noise", "signal"), x, acts, turns, embeddings), y


def turn_data(n: int = 150) -> tuple[ContextInputs, np.ndarray]:
    """The rating shows in the bot's last reply only; the named feature is noise."""
    return reply_rated_inputs(RATINGS, n, seed=1)


def test_predictions_follow_the_informative_feature_on_unseen_rows() -> None:
    data, y = feature_data()
    train, test = np.arange(100), np.arange(100, 150)
    clf = EnsembleClassifier().fit(data.take(train), y[train])
    accuracy = float((clf.predict(data.take(test)) == y[test]).mean())
    assert accuracy >= 0.9  # chance is 1/3
    assert set(clf.classes_) == set(RATINGS)


def test_two_fits_give_identical_predictions_and_scores() -> None:
    data, y = feature_data()
    a, b = EnsembleClassifier().fit(data, y), EnsembleClassifier().fit(data, y)
    assert np.array_equal(a.predict(data), b.predict(data))
    assert np.array_equal(a.scores(data), b.scores(data))


def test_the_boosting_member_catches_what_the_linear_member_cannot() -> None:
    """Rating 5 when two features agree in sign, 1 otherwise: no linear score separates it."""
    rng = np.random.default_rng(2)
    n = 400
    x = rng.uniform(-1, 1, size=(n, 2))
    y = np.where(x[:, 0] * x[:, 1] > 0, 5, 1)
    y[np.abs(x[:, 1]) < 0.1] = 3  # a third class (the linear member needs three)
    data = ContextInputs(("a", "b"), x, tuple(("OFFER", "INFORM") for _ in y),
                         tuple(("", "") for _ in y),
                         rng.normal(size=(n, 2, 4)).astype(np.float32))
    train, test = np.arange(300), np.arange(300, n)
    linear = ContextClassifier().fit(data.take(train), y[train])
    ensemble = EnsembleClassifier().fit(data.take(train), y[train])
    hit = {name: float((m.predict(data.take(test)) == y[test]).mean())
           for name, m in (("linear", linear), ("ensemble", ensemble))}
    assert hit["linear"] < 0.7 < 0.85 < hit["ensemble"]
    # the linear terms of a and b are near zero: only the boosting's occlusion can name them
    tops = [ensemble.explain(data, int(r), top=1)[0].name for r in test if y[r] != 3]
    assert sum(t in {"a", "b"} for t in tops) >= 0.8 * len(tops)


def test_with_all_weight_on_the_linear_member_it_decides_as_the_context_learner() -> None:
    data, y = feature_data()
    ensemble = EnsembleClassifier(linear_weight=1.0).fit(data, y)
    linear = ContextClassifier().fit(data, y)
    assert np.array_equal(ensemble.predict(data), linear.predict(data))


def test_explanation_names_the_informative_feature_first() -> None:
    data, y = feature_data()
    clf = EnsembleClassifier().fit(data, y)
    for row in (int(np.flatnonzero(y == 1)[0]), int(np.flatnonzero(y == 5)[0])):
        reasons = clf.explain(data, row, top=3)
        assert reasons[0].name == "signal" and reasons[0].contribution > 0
        assert reasons[0].text == ""  # a named feature quotes nothing
        assert len(reasons) == 3
        assert reasons[0].contribution >= reasons[1].contribution >= reasons[2].contribution


def test_explanation_quotes_the_turn_when_a_turn_moved_the_score() -> None:
    data, y = turn_data()
    clf = EnsembleClassifier().fit(data, y)
    row = int(np.flatnonzero(y == 1)[0])
    top = clf.explain(data, row, top=1)[0]
    assert top.name == EMBEDDED_TURNS[0] and top.text == "sorry that failed"
    assert top.contribution > 0


def test_every_input_group_has_a_contribution_and_only_present_acts_are_groups() -> None:
    data, y = feature_data()
    clf = EnsembleClassifier().fit(data, y)
    row = 0  # acts REQUEST / INFORM; OFFER was seen in training but is absent here
    assert "bot act OFFER" in clf.linear.acts
    names = set(clf.contributions(data, row, 0))
    assert names == {"noise", "signal", *EMBEDDED_TURNS, "bot act REQUEST", "customer act INFORM"}


def test_fit_sees_only_the_training_rows() -> None:
    """Test rows are shifted far away; every fitted statistic must still be the training rows'."""
    data, y = feature_data()
    shifted = ContextInputs(data.names, data.x + np.where(np.arange(150) >= 100, 50.0, 0.0)[:, None],
                            data.acts, data.turns,
                            data.embeddings + np.where(np.arange(150) >= 100, 9.0, 0.0)[:, None, None])
    train = np.arange(100)
    clf = EnsembleClassifier().fit(shifted.take(train), y[train])
    for j, pca in enumerate(clf.pcas):
        assert np.allclose(pca.mean_, shifted.embeddings[train, j].mean(axis=0))
    assert np.allclose(clf.linear.mean, shifted.x[train].mean(axis=0))
    assert np.allclose(clf.fill[:2], shifted.x[train].mean(axis=0))
    assert clf.boost.n_features_in_ == clf._matrix(shifted.take(train)).shape[1]
