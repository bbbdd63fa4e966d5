"""How well the USS annotators agree with one another: the human reference for each CSAT metric.

A model's rating is scored against the panel's majority vote. Here each annotator is scored the
same way against the rest of the panel: annotator ``k``'s rating of a line is the "prediction",
the majority vote of the other ratings of that line (ties to the lower rating) the label, on
every rated line in file order (OVERALL lines included, as in the protocol samples). For whole
dialogues, annotator ``k``'s OVERALL rating is ranked against the mean of the others'.

"Annotator ``k``" is the ``k``-th rating of each line. Whether that position is one person
across dialogues the data does not say; the figures are agreement between one rater and the
others, whoever they were. One rater against two is a stricter reference than the model against
three, whose majority is less noisy: read these as the level where a model ranks like one more
human rater, not as a ceiling.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.bench.csat.evaluate import classification_metrics, spearman
from bot.bench.csat.uss import UssDialogue, majority
from bot.errors import CandorError, Errors

TURN_METRICS = ("uar", "kappa", "f1_dissatisfied", "spearman")


def panel_size(dialogues: Sequence[UssDialogue], lines: Sequence[tuple[int, ...]], path: str) -> int:
    """The fewest ratings on any rated line; E411 unless every line has at least two."""
    if not dialogues or any(not d.overall_ratings for d in dialogues):
        raise CandorError(Errors.E411.format(path=path, problem="a dialogue has no ratings"))
    size = min(len(r) for r in lines)
    if size < 2:
        raise CandorError(Errors.E411.format(path=path, problem="a line has one rating"))
    return size


def _others(ratings: tuple[int, ...], k: int) -> tuple[int, ...]:
    """The ratings of a line but annotator ``k``'s."""
    return ratings[:k] + ratings[k + 1:]


def annotator_agreement(dialogues: Sequence[UssDialogue], path: str = "<string>") -> dict[str, Any]:
    """Per annotator position and averaged: the metrics a model is reported with."""
    lines = [r for d in dialogues for r in (*d.turn_ratings, d.overall_ratings)]
    size = panel_size(dialogues, lines, path)
    overall = [d.overall_ratings for d in dialogues]
    annotators: list[dict[str, Any]] = []
    for k in range(size):
        own = np.array([r[k] for r in lines])
        rest = np.array([majority(_others(r, k)) for r in lines])
        metrics = classification_metrics(own, rest)
        rated = {m: metrics[m] for m in TURN_METRICS}
        own_overall = np.array([r[k] for r in overall], dtype=float)
        rest_overall = np.array([np.mean(_others(r, k)) for r in overall])
        annotators.append({"annotator": k + 1, **rated,
                           "spearman_dialogues": spearman(own_overall, rest_overall)})
    keys = (*TURN_METRICS, "spearman_dialogues")
    mean = {m: round(float(np.mean([a[m] for a in annotators if a[m] is not None])), 4)
            for m in keys if any(a[m] is not None for a in annotators)}
    return {"n_lines": len(lines), "n_dialogues": len(dialogues), "panel": size,
            "annotators": annotators, "mean": mean}
