"""Experiment statistics: intervals and the always-valid auto-pause test."""

from __future__ import annotations

import random

import pytest

from bot.scoring.experiment_stats import mean_interval, msprt, pause_verdict, wilson


def test_wilson_interval_has_the_textbook_values() -> None:
    iv = wilson(10, 100)
    assert iv.value == 0.1
    assert iv.low == pytest.approx(0.0552, abs=1e-4) and iv.high == pytest.approx(0.1744, abs=1e-4)
    assert wilson(0, 0).value is None


def test_mean_interval() -> None:
    iv = mean_interval([4.0, 5.0, 3.0, 4.0])
    assert iv.value == 4.0 and iv.low is not None and iv.low < 4.0 < (iv.high or 0)
    assert mean_interval([5.0]).low is None


def arms(nb: int, xb: int, nv: int, xv: int) -> dict[str, dict[str, int]]:
    return {"baseline": {"n": nb, "complaint": xb, "handoff": 0},
            "warm": {"n": nv, "complaint": xv, "handoff": 0}}


def test_no_pause_before_the_minimum_sample_even_with_a_large_gap() -> None:
    verdict = pause_verdict(arms(20, 0, 20, 15), min_sample=50)
    assert not verdict.pause and "waiting" in verdict.reason


def test_a_clearly_worse_variant_is_paused_with_the_test_named() -> None:
    verdict = pause_verdict(arms(400, 8, 400, 60), min_sample=100)
    assert verdict.pause
    assert "'warm': complaint rate 60/400" in verdict.reason and "mSPRT" in verdict.reason


def test_a_better_variant_is_never_paused() -> None:
    assert not pause_verdict(arms(400, 60, 400, 8), min_sample=100).pause


def test_false_alarms_stay_under_alpha_when_checked_after_every_conversation() -> None:
    """Equal arms checked every 10 conversations up to 600 per arm, 300 runs.

    The share of runs that ever pause must stay under alpha (0.05).
    """
    rng = random.Random(17)
    alarms = 0
    for _ in range(300):
        counts = {"baseline": [0, 0], "warm": [0, 0]}
        for step in range(600):
            for arm in counts:
                counts[arm][0] += 1
                counts[arm][1] += rng.random() < 0.1
            if step >= 50 and step % 10 == 0:
                stat = msprt((counts["baseline"][1], counts["baseline"][0]),
                             (counts["warm"][1], counts["warm"][0]))
                if stat >= 2 / 0.05 and counts["warm"][1] > counts["baseline"][1]:
                    alarms += 1
                    break
    assert alarms / 300 < 0.05
