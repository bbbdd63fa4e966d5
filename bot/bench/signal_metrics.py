"""Pure scoring for ``candor bench signals``: counts and Wilson intervals.

Kept apart from the benchmark's I/O so the interval maths is table-tested (the split rule is
:mod:`bot.compliance.labelled_examples`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: z for a two-sided 95% interval.
Z95 = 1.959963984540054


def wilson(successes: int, total: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for a binomial proportion (``None`` when there are no trials).

    Better than the normal approximation near 0 and 1, where guardrail scores live.
    """
    if total == 0:
        return None
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return (round(max(0.0, centre - half_width), 4), round(min(1.0, centre + half_width), 4))


@dataclass(frozen=True)
class Counts:
    """How a rule did on a set: true positives, false positives, false negatives."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


def count(gold: Sequence[bool], fired: Sequence[bool]) -> Counts:
    """True positives, false positives and false negatives of one rule over samples."""
    pairs = list(zip(gold, fired, strict=True))
    return Counts(sum(g and f for g, f in pairs), sum(f and not g for g, f in pairs),
                  sum(g and not f for g, f in pairs))


def precision_recall(gold: list[set[str]], predicted: list[set[str]], rule: str) -> dict[str, Any]:
    """Per-rule counts, precision and recall with 95% Wilson intervals."""
    c = count([rule in g for g in gold], [rule in p for p in predicted])
    return {
        "tp": c.tp, "fp": c.fp, "fn": c.fn,
        "precision": c.tp / (c.tp + c.fp) if c.tp + c.fp else None,
        "recall": c.tp / (c.tp + c.fn) if c.tp + c.fn else None,
        "precision_ci": wilson(c.tp, c.tp + c.fp),
        "recall_ci": wilson(c.tp, c.tp + c.fn),
    }


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _ci(value: Sequence[float] | None) -> str:
    return "" if value is None else f" [{value[0]:.2f}, {value[1]:.2f}]"


def markdown(scores: Mapping[str, Mapping[str, Any]], rules: Sequence[str]) -> str:
    """One row per rule: positives, counts, precision and recall with 95% intervals."""
    lines = ["| rule | positives | TP / FP / FN | precision [95% CI] | recall [95% CI] |",
             "| --- | ---: | ---: | --- | --- |"]
    for rule in rules:
        s = scores[rule]
        lines.append(
            f"| `{rule}` | {s['tp'] + s['fn']} | {s['tp']} / {s['fp']} / {s['fn']} | "
            f"{_fmt(s['precision'])}{_ci(s['precision_ci'])} | "
            f"{_fmt(s['recall'])}{_ci(s['recall_ci'])} |"
        )
    return "\n".join(lines)


def mode_summary(modes: Mapping[str, Mapping[str, Mapping[str, Any]]], rules: Sequence[str]) -> str:
    """Precision / recall per rule for each mode side by side (patterns, NLU, combined)."""
    names = list(modes)
    lines = ["| rule | " + " | ".join(f"{m} P / R" for m in names) + " |",
             "| --- |" + " --- |" * len(names)]
    for rule in rules:
        cells = [f"{_fmt(modes[m][rule]['precision'])} / {_fmt(modes[m][rule]['recall'])}"
                 for m in names]
        lines.append(f"| `{rule}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)
