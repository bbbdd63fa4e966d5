"""Calibration: a pure isotonic fit of predicted -> surveyed, with errors before/after."""

from __future__ import annotations

import numpy as np
import pytest

from bot.errors import CandorError
from bot.scoring.calibration import calibration_report, ece, fit_calibration, mae


def test_fixes_a_shifted_scale_and_keeps_the_order() -> None:
    predicted = np.linspace(2.0, 3.0, 40)
    surveyed = np.rint(np.linspace(1.0, 5.0, 40))
    cal, report = calibration_report(predicted, surveyed)
    assert report["mae_after"] < report["mae_before"]
    assert report["ece_after"] < report["ece_before"]
    assert report["mae_after_cv"] is not None and report["mae_after_cv"] < report["mae_before"]
    mapped = cal.apply([2.0, 2.5, 3.0])
    assert list(mapped) == sorted(mapped) and mapped[0] >= 1.0 and mapped[-1] <= 5.0


# fmt: off
@pytest.mark.parametrize("p, s, expected_mae, expected_ece", [
    ([3, 3, 3], [3, 3, 3], 0.0, 0.0),
    ([4, 4], [3, 5], 1.0, 0.0),            # right on average, wrong each time
    ([2, 2], [4, 4], 2.0, 2.0),
])
# fmt: on
def test_error_measures(p: list[float], s: list[float], expected_mae: float,
                        expected_ece: float) -> None:
    assert mae(p, s) == expected_mae and ece(p, s) == expected_ece


def test_too_few_pairs() -> None:
    with pytest.raises(CandorError, match="E408"):
        fit_calibration([3.0, 4.0], [3.0, 4.0])


def test_small_sets_skip_the_cross_validated_error() -> None:
    _, report = calibration_report([1, 2, 3, 4, 5, 3], [1, 2, 3, 4, 5, 2])
    assert report["pairs"] == 6 and report["mae_after_cv"] is None
