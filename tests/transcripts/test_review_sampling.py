"""The daily sample: reproducible from seed and population, and weighted by risk."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.transcripts.review_sampling import Candidate, SamplePolicy, draw, sample_size, weight

POLICY = SamplePolicy(rate=0.1, rule_hit_weight=1.0, low_csat_weight=1.0)


@pytest.mark.parametrize(("population", "rate", "size"),
                         [(0, 0.1, 0), (1, 0.05, 1), (100, 0.05, 5), (101, 0.05, 6),
                          (10, 0.0, 0), (3, 1.0, 3)])
def test_sample_size(population: int, rate: float, size: int) -> None:
    assert sample_size(population, rate) == size


def test_weight_grows_with_rule_hits_and_lower_csat() -> None:
    assert weight(Candidate("a"), POLICY) == 1.0
    assert weight(Candidate("a", rule_hits=2), POLICY) == 3.0
    assert weight(Candidate("a", csat=1.5), POLICY) == 4.5
    assert weight(Candidate("a", csat=5.0), POLICY) == 1.0


def test_the_same_seed_and_population_give_the_same_draw_in_any_input_order() -> None:
    people = [Candidate(f"c{n:03}", rule_hits=n % 3, csat=1 + n % 5) for n in range(200)]
    first = draw(people, POLICY, "2026-12-01:9f2c")
    again = draw(list(reversed(people)), POLICY, "2026-12-01:9f2c")
    assert first == again
    assert len(first.drawn) == 20 and len(set(first.drawn)) == 20
    assert draw(people, POLICY, "another seed").drawn != first.drawn


def test_draws_favour_heavier_candidates_in_proportion() -> None:
    """Over many seeded draws of one from two, a weight-4 candidate wins ~4/5 of the time."""
    pair = [Candidate("light"), Candidate("heavy", rule_hits=3)]
    one = SamplePolicy(rate=0.5)
    wins = Counter(draw(pair, one, f"seed-{n}").drawn[0] for n in range(4000))
    assert 0.77 < wins["heavy"] / 4000 < 0.83


def test_risky_conversations_are_drawn_more_often_than_their_share() -> None:
    risky = [Candidate(f"r{n}", rule_hits=3, csat=1.0) for n in range(50)]  # weight 8
    plain = [Candidate(f"p{n}", csat=5.0) for n in range(450)]  # weight 1
    drawn = Counter()
    for n in range(200):
        drawn.update(cid[0] for cid in draw(risky + plain, POLICY, f"s{n}").drawn)
    share = drawn["r"] / sum(drawn.values())
    assert share > 0.35  # 10% of the population, far more of the sample
