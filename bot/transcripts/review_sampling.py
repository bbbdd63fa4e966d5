"""The daily risk-weighted sample of conversations no rule queue took: reproducible.

Pure. Every candidate gets a weight (1, plus more for each rule hit and for each point of
predicted CSAT below 5) and the draw is weighted sampling without replacement
(Efraimidis-Spirakis: key ``u ** (1 / w)`` per candidate from one seeded generator, the ``k``
largest keys win). The population is sorted by conversation id first, so the seed and the
population (both recorded with the sample) are enough for an examiner to redo the draw and get
the same ids: the sample was not picked by hand.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

CSAT_TOP = 5.0


@dataclass(frozen=True)
class SamplePolicy:
    """How much to draw and how risk raises a conversation's chance (from ``bank.yml``)."""

    rate: float = 0.05
    rule_hit_weight: float = 1.0
    low_csat_weight: float = 1.0


@dataclass(frozen=True)
class Candidate:
    """A conversation in the day's population."""

    conversation_id: str
    rule_hits: int = 0
    csat: float | None = None


@dataclass(frozen=True)
class Draw:
    """The population (sorted), its weights and the ids drawn (in draw order)."""

    population: tuple[str, ...]
    weights: tuple[float, ...]
    drawn: tuple[str, ...]


def weight(candidate: Candidate, policy: SamplePolicy) -> float:
    """1, plus ``rule_hit_weight`` per rule hit, plus ``low_csat_weight`` per point below 5."""
    below = max(0.0, CSAT_TOP - candidate.csat) if candidate.csat is not None else 0.0
    return 1.0 + policy.rule_hit_weight * candidate.rule_hits + policy.low_csat_weight * below


def sample_size(population: int, rate: float) -> int:
    """``ceil(rate * population)``: any day with conversations has at least one drawn."""
    return min(population, math.ceil(rate * population)) if population and rate > 0 else 0


def draw(candidates: Sequence[Candidate], policy: SamplePolicy, seed: str) -> Draw:
    """Draw ``sample_size`` candidates, weighted, without replacement, from ``seed``."""
    ordered = sorted(candidates, key=lambda c: c.conversation_id)
    weights = tuple(weight(c, policy) for c in ordered)
    rng = random.Random(seed)
    keys = [(rng.random() ** (1.0 / w), c.conversation_id) for c, w in zip(ordered, weights, strict=True)]
    keys.sort(reverse=True)
    k = sample_size(len(ordered), policy.rate)
    return Draw(tuple(c.conversation_id for c in ordered), weights,
                tuple(cid for _, cid in keys[:k]))
