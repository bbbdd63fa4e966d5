"""Pure threshold choice for ``candor bench thresholds``: each rule's ``min_score``.

Issue 18 sets the targets a rule must meet on wording nobody here wrote: precision 0.90 for
every rule, recall 0.95 for ``complaint`` and ``vulnerable-customer`` and 0.90 for the others.
A threshold trades one for the other, so the choice maximises the *worse* of the two margins
against those targets: a rule short on recall gets a lower threshold, one short on precision a
higher one, and when both are met the margin is split evenly. Ties go to the higher threshold,
which fires less often on ordinary queries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.bench.signal_metrics import Counts

#: Candidate ``min_score`` values: 0.30 to 0.95 in steps of 0.05.
THRESHOLDS: tuple[float, ...] = tuple(round(0.30 + 0.05 * i, 2) for i in range(14))


@dataclass(frozen=True)
class Target:
    """What a rule should reach on unseen wording."""

    precision: float = 0.90
    recall: float = 0.90


#: Issue 18's recall targets; every other rule gets :class:`Target`'s defaults.
TARGETS: Mapping[str, Target] = {
    "complaint": Target(recall=0.95),
    "vulnerable-customer": Target(recall=0.95),
}


def margin(counts: Counts, target: Target) -> float:
    """The worse of precision and recall, each minus its target (>= 0: both targets met)."""
    return min(counts.precision - target.precision, counts.recall - target.recall)


def choose(by_threshold: Mapping[float, Counts], target: Target) -> float:
    """The threshold with the largest :func:`margin`; the higher one on a tie."""
    if not by_threshold:
        raise ValueError("no candidate thresholds")
    return max(by_threshold, key=lambda t: (round(margin(by_threshold[t], target), 6), t))
