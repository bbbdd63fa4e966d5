"""The linear model's probabilities: the same numbers from the cached transposed weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp

from bot.nlu.linear_model import BlockSpec, LinearModel, softmax


def _model() -> LinearModel:
    rng = np.random.default_rng(3)
    coef = rng.normal(size=(4, 50)).astype(np.float32)
    return LinearModel(["a", "b", "c", "d"], [BlockSpec("cvf", 50, True, 1.0)], coef,
                       rng.normal(size=4).astype(np.float32), 0.7)


def test_probabilities_are_the_calibrated_softmax_of_the_margins(tmp_path: Path) -> None:
    model = _model()
    x = sp.random(3, 50, density=0.2, format="csr", random_state=5, dtype=np.float32)
    expected = softmax((x.toarray() @ model.coef.T + model.intercept) / model.temperature)
    np.testing.assert_allclose(model.predict_proba(x), expected, rtol=1e-5)
    model.save(tmp_path)
    np.testing.assert_allclose(LinearModel.load(tmp_path).predict_proba(x), expected, rtol=1e-5)
