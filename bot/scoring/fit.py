"""Fitting the ordinal CSAT model: a pure function from (X, y) to a :class:`CsatModel`.

Maximum likelihood of the all-threshold cumulative logit with an L2 penalty on the weights,
by SciPy's L-BFGS with the analytic gradient. Deterministic: fixed start, no randomness.
``balanced`` weights each class by its inverse frequency, which is what UAR and the
"dissatisfied" F1 reward when most customers answer 3 or 4.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import minimize

from bot.errors import CandorError, Errors
from bot.scoring.model import CLASSES, CsatModel, _sigmoid

K = len(CLASSES)


def _thresholds(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Theta from (c0, log increments) and d theta / d c (strictly increasing by design)."""
    inc = np.exp(c[1:])
    theta = c[0] + np.concatenate([[0.0], np.cumsum(inc)])
    jac = np.zeros((K - 1, K - 1))
    jac[:, 0] = 1.0
    for j in range(1, K - 1):
        jac[j, 1 : j + 1] = inc[:j]
    return theta, jac


def _loss(params: np.ndarray, z: np.ndarray, y: np.ndarray, s: np.ndarray, alpha: float):
    d = z.shape[1]
    w, c = params[:d], params[d:]
    theta, tjac = _thresholds(c)
    eta = z @ w
    big = 1e6
    upper = np.concatenate([theta, [big]])[y - 1] - eta  # theta_k - eta
    lower = np.concatenate([[-big], theta])[y - 1] - eta  # theta_{k-1} - eta
    fu, fl = _sigmoid(upper), _sigmoid(lower)
    p = np.clip(fu - fl, 1e-12, None)
    du, dl = fu * (1 - fu), fl * (1 - fl)
    total = s.sum()
    loss = -(s * np.log(p)).sum() / total + 0.5 * alpha * (w @ w) + 0.5e-4 * (c @ c)
    g_eta = s * (du - dl) / p / total  # d loss / d eta
    grad_w = z.T @ g_eta + alpha * w
    g_theta = np.zeros(K - 1)
    np.add.at(g_theta, np.minimum(y - 1, K - 2), np.where(y < K, -s * du / p / total, 0.0))
    np.add.at(g_theta, np.maximum(y - 2, 0), np.where(y > 1, s * dl / p / total, 0.0))
    grad_c = tjac.T @ g_theta + 1e-4 * c
    return loss, np.concatenate([grad_w, grad_c])


def fit_ordinal(
    x: np.ndarray,
    y: np.ndarray,
    feature_names: tuple[str, ...],
    version: str = "csat-v1",
    alpha: float = 0.05,
    balanced: bool = True,
    trained_on: dict[str, Any] | None = None,
    row_weights: np.ndarray | None = None,
) -> CsatModel:
    """Fit on features ``x`` (n, d) and ratings ``y`` in 1..5.

    ``row_weights`` (default all 1) let several rows share one label: a conversation's
    rating spread over the turn prefixes its score averages. Class balance counts weight,
    not rows.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=int)
    r = np.ones(len(y)) if row_weights is None else np.asarray(row_weights, dtype=float)
    if len(x) == 0 or x.shape[1] != len(feature_names) or len(x) != len(y) or len(r) != len(y):
        raise CandorError(Errors.E404.format(problem=f"X {x.shape}, y {y.shape}, weights {r.shape}"))
    if y.min() < 1 or y.max() > K:
        raise CandorError(Errors.E404.format(problem="ratings must be 1..5"))
    if not (np.all(np.isfinite(r)) and r.min() > 0):
        raise CandorError(Errors.E404.format(problem="row weights must be finite and above 0"))
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    counts = np.bincount(y, weights=r, minlength=K + 1)[1:]
    present = max(1, int((counts > 0).sum()))
    s = r * r.sum() / (present * counts[y - 1]) if balanced else r
    start = np.concatenate([np.zeros(x.shape[1]), [-1.5], np.log(np.ones(K - 2))])
    result = minimize(
        _loss, start, args=(z, y, s, alpha), jac=True, method="L-BFGS-B",
        options={"maxiter": 500},
    )
    d = x.shape[1]
    theta, _ = _thresholds(result.x[d:])
    return CsatModel(
        version=version,
        features=tuple(feature_names),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        weights=tuple(float(v) for v in result.x[:d]),
        thresholds=tuple(float(v) for v in theta),
        trained_on=dict(trained_on or {}),
    )
