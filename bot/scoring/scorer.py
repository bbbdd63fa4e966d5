"""``score(features, model) -> CsatPrediction``: the value, per-turn values and the explanation.

Pure and deterministic: the same transcript and artefact always give the same score, so the
batch command can rewrite scores idempotently and an explanation shown today matches the one
stored last month for the same model version.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from bot.scoring.features import CsatFeatures, describe, features, short_name
from bot.scoring.model import CLASSES, CsatModel
from bot.scoring.transcript import Dialogue

TOP_FACTORS = 3
MIN_CONTRIBUTION = 0.005
"""Contributions smaller than this (rating points) are noise, not reasons."""


@dataclass(frozen=True)
class Factor:
    """One reason: a feature, its value here, and how many rating points it moved the score."""

    feature: str
    value: float
    contribution: float
    description: str


@dataclass(frozen=True)
class CsatPrediction:
    """Predicted satisfaction 1..5 with its reasons."""

    value: float
    predicted_class: int
    turn_scores: tuple[float, ...]
    raising: tuple[Factor, ...]
    lowering: tuple[Factor, ...]
    model_version: str

    def explanation(self) -> dict[str, list[dict[str, object]]]:
        """JSON-ready explanation (stored with the score, shown by ``candor csat explain``)."""

        def rows(fs: tuple[Factor, ...]) -> list[dict[str, object]]:
            return [
                {"feature": f.feature, "value": round(f.value, 4),
                 "contribution": round(f.contribution, 4), "description": f.description}
                for f in fs
            ]

        return {"raising": rows(self.raising), "lowering": rows(self.lowering)}


def _matrix(vectors: list[CsatFeatures], model: CsatModel) -> np.ndarray:
    for v in vectors:
        if v.names != model.features:
            missing = sorted(set(model.features) - set(v.names))
            raise ValueError(f"features do not match model {model.version}: missing {missing}")
    return np.array([v.values for v in vectors], dtype=float).reshape(len(vectors), -1)


def score(
    vector: CsatFeatures,
    model: CsatModel,
    turn_vectors: tuple[CsatFeatures, ...] = (),
    top: int = TOP_FACTORS,
) -> CsatPrediction:
    """Score one feature vector; ``turn_vectors`` (one per user turn) give the per-turn scores."""
    return _predict([vector], np.ones(1), model, turn_vectors, top)


def _predict(
    vectors: list[CsatFeatures],
    row_weights: np.ndarray,
    model: CsatModel,
    turn_vectors: tuple[CsatFeatures, ...],
    top: int,
) -> CsatPrediction:
    """The weighted mean of the rows' scores, with the same weights on their explanations.

    Contributions are linear in the rows, so the weighted mean of each row's per-feature
    contributions still splits the value into reasons (and a feature's shown value is its
    weighted mean over the rows).
    """
    x = _matrix(vectors, model)
    w = row_weights / row_weights.sum()
    proba = w @ model.proba(x)
    value = float(proba @ np.array(CLASSES, dtype=float))
    contributions = w @ model.contributions(x)
    values = w @ x
    factors = [
        Factor(short_name(n), float(v), float(c), describe(n))
        for n, v, c in zip(model.features, values, contributions, strict=True)
    ]
    raising = sorted((f for f in factors if f.contribution > MIN_CONTRIBUTION),
                     key=lambda f: (-f.contribution, f.feature))
    lowering = sorted((f for f in factors if f.contribution < -MIN_CONTRIBUTION),
                      key=lambda f: (f.contribution, f.feature))
    turns: Any = model.expected(_matrix(list(turn_vectors), model)) if turn_vectors else []
    return CsatPrediction(
        value=round(value, 4),
        predicted_class=int(np.argmax(proba)) + 1,
        turn_scores=tuple(round(float(t), 4) for t in turns),
        raising=tuple(raising[:top]),
        lowering=tuple(lowering[:top]),
        model_version=model.version,
    )


def score_conversation(conversation: Dialogue, model: CsatModel) -> CsatPrediction:
    """Score a conversation and each of its user-turn prefixes.

    A model with ``recency`` scores the conversation as the recency-weighted mean of its turn
    prefixes; the last one keeps the conversation's end state, so walking away still counts.
    Without it (or before the customer has said anything) the whole conversation's features
    are scored.
    """
    prefixes = conversation.turn_prefixes()
    per_turn = tuple(features(p, model.features) for p in prefixes)
    if model.recency is None or not prefixes:
        return score(features(conversation, model.features), model, per_turn)
    rows, weights = ending_rows(conversation, model.features, model.recency, prefixes, per_turn)
    return _predict(rows, weights, model, per_turn, TOP_FACTORS)


def ending_rows(
    conversation: Dialogue,
    names: tuple[str, ...],
    recency: float,
    prefixes: tuple[Dialogue, ...] | None = None,
    per_turn: tuple[CsatFeatures, ...] | None = None,
) -> tuple[list[CsatFeatures], np.ndarray]:
    """The rows a recency-weighted conversation score averages, and their weights.

    One row per customer-turn prefix, the last with the conversation's end state; the latest
    weighs 1 and each earlier one ``recency`` times the next. Training on a conversation's
    rating uses the same rows and weights (:func:`bot.bench.csat.training.train_model`), so a
    model learns the score it is used for. ``prefixes`` / ``per_turn`` skip recomputing them.
    """
    prefixes = conversation.turn_prefixes() if prefixes is None else prefixes
    if not prefixes:
        return [features(conversation, names)], np.ones(1)
    if per_turn is None:
        per_turn = tuple(features(p, names) for p in prefixes[:-1])
    ending = replace(prefixes[-1], ended=conversation.ended)
    rows = [*per_turn[: len(prefixes) - 1], features(ending, names)]
    return rows, recency ** np.arange(len(rows) - 1, -1, -1, dtype=float)
