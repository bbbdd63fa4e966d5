"""Calibration: a pure, monotone fit from predicted CSAT to what customers actually answered.

Isotonic regression (scikit-learn) because the model's ranking is what we trust and its scale
is what drifts (the shipped weights come from synthetic data): a monotone map keeps the order
and fixes the scale. Errors are reported before and after, in sample and by K-fold
cross-validation, because an in-sample isotonic fit always looks better than it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.isotonic import IsotonicRegression

from bot.errors import CandorError, Errors

MIN_PAIRS = 5

Floats = Sequence[float] | np.ndarray


@dataclass(frozen=True)
class Calibration:
    """Piecewise-linear monotone map, as the isotonic fit's knots."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    def apply(self, predicted: Floats) -> np.ndarray:
        """Map raw predictions to calibrated ones (clipped to the knots' range)."""
        return np.interp(np.asarray(predicted, dtype=float), self.x, self.y)


def fit_calibration(predicted: Floats, surveyed: Floats) -> Calibration:
    """Fit on ``(predicted, surveyed)`` pairs; E408 when there are too few."""
    if len(predicted) < MIN_PAIRS or len(predicted) != len(surveyed):
        raise CandorError(Errors.E408.format(needed=MIN_PAIRS, have=len(predicted)))
    iso = IsotonicRegression(y_min=1.0, y_max=5.0, out_of_bounds="clip")
    iso.fit(np.asarray(predicted, dtype=float), np.asarray(surveyed, dtype=float))
    return Calibration(tuple(float(v) for v in iso.X_thresholds_),
                       tuple(float(v) for v in iso.y_thresholds_))


def mae(predicted: Floats, surveyed: Floats) -> float:
    """Mean absolute error in rating points."""
    return float(np.mean(np.abs(np.asarray(predicted, float) - np.asarray(surveyed, float))))


def ece(predicted: Floats, surveyed: Floats) -> float:
    """Expected calibration error over predictions binned to the nearest rating.

    The count-weighted gap between mean prediction and mean survey answer per bin.
    """
    p, s = np.asarray(predicted, float), np.asarray(surveyed, float)
    bins = np.clip(np.rint(p), 1, 5)
    total = 0.0
    for b in np.unique(bins):
        mask = bins == b
        total += mask.sum() * abs(p[mask].mean() - s[mask].mean())
    return float(total / len(p))


def _cv_predictions(p: np.ndarray, s: np.ndarray, folds: int) -> np.ndarray:
    out = np.empty_like(p)
    idx = np.arange(len(p))
    for f in range(folds):
        test = idx % folds == f
        out[test] = fit_calibration(p[~test], s[~test]).apply(p[test])
    return out


def calibration_report(
    predicted: Floats, surveyed: Floats, folds: int = 5
) -> tuple[Calibration, dict[str, float | int | None]]:
    """Fit on all pairs; report MAE and ECE before, after (in sample) and after (K-fold)."""
    p, s = np.asarray(predicted, float), np.asarray(surveyed, float)
    cal = fit_calibration(p, s)
    after = cal.apply(p)
    report: dict[str, float | int | None] = {
        "pairs": len(p),
        "mae_before": round(mae(p, s), 4),
        "mae_after": round(mae(after, s), 4),
        "ece_before": round(ece(p, s), 4),
        "ece_after": round(ece(after, s), 4),
        "mae_after_cv": None,
        "ece_after_cv": None,
    }
    if len(p) >= folds * MIN_PAIRS:
        cv = _cv_predictions(p, s, folds)
        report["mae_after_cv"] = round(mae(cv, s), 4)
        report["ece_after_cv"] = round(ece(cv, s), 4)
    return cal, report
