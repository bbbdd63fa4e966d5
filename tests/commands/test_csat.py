"""``candor csat`` argument parsing: what a bare ``--cv`` evaluation runs."""

from __future__ import annotations

import argparse

import pytest

from bot.bench.csat.learners import DEFAULT_LEARNER, LEARNERS
from bot.commands.csat import register


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["csat", *argv])


def test_cv_evaluation_defaults_to_the_best_learner() -> None:
    args = parse("evaluate", "--uss", "x.txt", "--cv", "10", "--out", "r.json")
    assert args.learner == DEFAULT_LEARNER == "ensemble"


@pytest.mark.parametrize("learner", sorted(LEARNERS))
def test_every_learner_stays_selectable(learner: str) -> None:
    args = parse("evaluate", "--uss", "x.txt", "--cv", "10", "--learner", learner, "--out", "r")
    assert args.learner == learner
