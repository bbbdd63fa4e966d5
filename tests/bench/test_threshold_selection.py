from __future__ import annotations

import pytest

from bot.bench.signal_metrics import Counts, count
from bot.bench.threshold_selection import TARGETS, THRESHOLDS, Target, choose, margin


def test_count_and_rates() -> None:
    counts = count([True, True, False, False], [True, False, True, False])
    assert counts == Counts(tp=1, fp=1, fn=1)
    assert counts.precision == counts.recall == 0.5
    assert Counts(0, 0, 0).precision == 1.0  # nothing fired: no false alarm either


def test_margin_is_the_worse_shortfall() -> None:
    # precision .95 (5 over), recall .80 (10 under the .90 target): the recall shortfall counts
    assert margin(Counts(tp=8, fp=0, fn=2), Target()) == pytest.approx(-0.10)
    assert margin(Counts(tp=19, fp=1, fn=1), Target(recall=0.95)) == pytest.approx(0.0)


def test_choose_lowers_the_threshold_for_a_rule_short_on_recall() -> None:
    by_threshold = {0.5: Counts(tp=95, fp=8, fn=5), 0.8: Counts(tp=88, fp=2, fn=12)}
    assert choose(by_threshold, Target(recall=0.95)) == 0.5
    assert choose(by_threshold, Target(recall=0.85)) == 0.8


def test_ties_go_to_the_higher_threshold() -> None:
    same = Counts(tp=9, fp=1, fn=1)
    assert choose({0.4: same, 0.6: same, 0.5: same}, Target()) == 0.6


def test_no_candidates_is_an_error() -> None:
    with pytest.raises(ValueError, match="no candidate"):
        choose({}, Target())


def test_grid_and_the_issue_targets() -> None:
    assert THRESHOLDS[0] == 0.3 and THRESHOLDS[-1] == 0.95 and len(THRESHOLDS) == 14
    assert TARGETS["complaint"].recall == TARGETS["vulnerable-customer"].recall == 0.95
    assert Target().precision == Target().recall == 0.90
