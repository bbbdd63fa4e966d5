"""Pure scoring for ``candor bench signals``: counts and Wilson intervals.

Kept apart from the benchmark's I/O so the interval maths is table-tested (the split rule is
:mod:`bot.compliance.labelled_examples`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
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


def precision_recall(gold: list[set[str]], predicted: list[set[str]], rule: str) -> dict[str, Any]:
    """Per-rule counts, precision and recall with 95% Wilson intervals."""
    pairs = list(zip(gold, predicted, strict=True))
    tp = sum(rule in g and rule in p for g, p in pairs)
    fp = sum(rule not in g and rule in p for g, p in pairs)
    fn = sum(rule in g and rule not in p for g, p in pairs)
    return {
        "tp": tp, "fp": fp, "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
        "precision_ci": wilson(tp, tp + fp),
        "recall_ci": wilson(tp, tp + fn),
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
