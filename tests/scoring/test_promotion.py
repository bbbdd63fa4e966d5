"""The held-out check that decides whether a survey-trained model may replace the one in use."""

from __future__ import annotations

import numpy as np
import pytest

from bot.scoring.promotion import HELD_OUT_SHARE, held_out_check, is_held_out

RNG = np.random.default_rng(7)
ANSWERS = RNG.integers(1, 6, size=120).astype(float)
TRACKS = ANSWERS + RNG.normal(0.0, 0.8, size=120)  # ranks the answers well
NOISE = RNG.normal(3.0, 1.0, size=120)  # knows nothing about them


def test_the_split_is_stable_and_holds_out_about_a_quarter() -> None:
    ids = [f"conv-{i}" for i in range(4000)]
    held = [i for i in ids if is_held_out(i)]
    assert held == [i for i in ids if is_held_out(i)]
    assert abs(len(held) / len(ids) - HELD_OUT_SHARE) < 0.03


def test_a_candidate_that_ranks_the_answers_better_is_promoted() -> None:
    check = held_out_check(TRACKS, NOISE, ANSWERS)
    assert check.promote and check.gain_low > 0
    assert check.spearman_candidate > 0.6 > check.spearman_current
    assert check.mae_candidate < check.mae_current
    assert "ranks the held-out answers better" in check.reason


@pytest.mark.parametrize("candidate, current", [(NOISE, TRACKS), (TRACKS, TRACKS)],
                         ids=["worse", "the same"])
def test_a_candidate_that_is_not_clearly_better_is_refused(candidate: np.ndarray,
                                                           current: np.ndarray) -> None:
    check = held_out_check(candidate, current, ANSWERS)
    assert not check.promote and check.gain_low <= 0
    assert "not clearly better" in check.reason


def test_a_small_gain_on_few_answers_is_not_enough() -> None:
    # 12 answers: the candidate is a little better in sample, but the bound cannot exclude luck
    answers = ANSWERS[:12]
    better = held_out_check(TRACKS[:12], TRACKS[:12] + RNG.normal(0.0, 1.0, 12), answers)
    assert not better.promote


def test_constant_predictions_rank_nothing() -> None:
    check = held_out_check(np.full(120, 3.0), NOISE, ANSWERS)
    assert check.spearman_candidate == 0.0 and not check.promote


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError, match="same length"):
        held_out_check([1.0, 2.0], [1.0], [1.0, 2.0])


def test_the_record_is_json_ready_and_rounded() -> None:
    record = held_out_check(TRACKS, NOISE, ANSWERS).as_dict()
    assert record["held_out"] == 120 and record["promote"] is True
    assert record["spearman_candidate"] == round(record["spearman_candidate"], 4)
