"""The context learner: a linear model over named features, dialogue acts and turn embeddings.

Why linear: every prediction splits exactly into per-input contributions, so an explanation
can name what moved it: a named feature (``sentiment_last``, ``qa_similarity``), a dialogue
act (``bot act OFFER``), or a whole turn (the bot's last reply, the customer's previous turn),
whose embedding dimensions are summed into one contribution. A class-balanced multinomial
logistic regression (scikit-learn) is used because UAR and the "dissatisfied" F1 reward the
rare ratings, and most turns are rated 3.

Balanced weights over-predict the rare classes, which costs Cohen's kappa; adding
``prior_shift`` times the log class frequency back to the scores moves a little of that back
(0 = fully balanced, 1 = the plain maximum-likelihood decision). The default, 0.2, was chosen
on the SGD and MultiWOZ dev sets of USS (bench/results/csat_uss.md): it raised kappa on both
while UAR stayed above the published best; 0.3 already cost SGD's UAR.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from sklearn.linear_model import LogisticRegression

from bot.scoring.model import CLASSES

EMBEDDED_TURNS = ("the bot's last reply", "the customer's previous turn")


@dataclass(frozen=True)
class ContextInputs:
    """One row per rated turn: named features, the two acts, and the two turns with embeddings."""

    names: tuple[str, ...]
    x: np.ndarray  # (n, len(names))
    acts: tuple[tuple[str, str], ...]  # (bot act, customer act)
    turns: tuple[tuple[str, str], ...]  # texts of EMBEDDED_TURNS
    embeddings: np.ndarray  # (n, len(EMBEDDED_TURNS), dim)

    def take(self, rows: np.ndarray) -> ContextInputs:
        """The subset ``rows`` (indexes), e.g. a fold."""
        return ContextInputs(self.names, self.x[rows], tuple(self.acts[i] for i in rows),
                             tuple(self.turns[i] for i in rows), self.embeddings[rows])


@dataclass(frozen=True)
class Reason:
    """One input and how much it pushed the prediction towards its class (logit units).

    ``text`` quotes the turn when the input is an embedded turn (empty otherwise).
    """

    name: str
    contribution: float
    text: str = ""


class ContextClassifier:
    """Standardised features + act indicators + raw embeddings -> balanced multinomial logit."""

    def __init__(self, c: float = 0.1, prior_shift: float = 0.2) -> None:
        self.c = c
        self.prior_shift = prior_shift
        self.model = LogisticRegression(C=c, class_weight="balanced", max_iter=1000)
        self.acts: tuple[str, ...] = ()
        self.mean = np.zeros(0)
        self.scale = np.ones(0)
        self.log_prior = np.zeros(len(CLASSES))

    def act_columns(self, acts: Sequence[tuple[str, str]]) -> np.ndarray:
        """0/1 indicators of the acts seen in training (``self.acts`` order); unseen acts are 0."""
        index = {a: i for i, a in enumerate(self.acts)}
        out = np.zeros((len(acts), len(self.acts)))
        for row, (bot, user) in enumerate(acts):
            for name in (f"bot act {bot}", f"customer act {user}"):
                if name in index:
                    out[row, index[name]] = 1.0
        return out

    def _matrix(self, data: ContextInputs) -> np.ndarray:
        dense = (data.x - self.mean) / self.scale
        flat = data.embeddings.reshape(len(data.x), -1)
        return np.hstack([dense, self.act_columns(data.acts), flat])

    def input_names(self, data: ContextInputs) -> list[str]:
        """Column names of the design matrix (one per embedding dimension)."""
        dim = data.embeddings.shape[2]
        return [*data.names, *self.acts, *(t for t in EMBEDDED_TURNS for _ in range(dim))]

    def fit(self, data: ContextInputs, y: np.ndarray) -> ContextClassifier:
        """Fit on ``data`` and ratings ``y`` (1..5)."""
        self.mean = data.x.mean(axis=0)
        scale = data.x.std(axis=0)
        self.scale = np.where(scale < 1e-9, 1.0, scale)
        self.acts = tuple(sorted({f"bot act {b}" for b, _ in data.acts}
                                 | {f"customer act {u}" for _, u in data.acts}))
        self.model.fit(self._matrix(data), y)
        counts = np.array([(y == k).sum() for k in self.model.classes_], dtype=float)
        self.log_prior = np.log(counts / counts.sum())
        return self

    def log_proba(self, data: ContextInputs) -> np.ndarray:
        """(n, classes) balanced log-probabilities, without the prior shift (for ensembles)."""
        return np.asarray(self.model.predict_log_proba(self._matrix(data)))

    def scores(self, data: ContextInputs) -> np.ndarray:
        """(n, classes) decision scores: balanced log-odds plus the prior shift."""
        return self.model.decision_function(self._matrix(data)) + self.prior_shift * self.log_prior

    def predict(self, data: ContextInputs) -> np.ndarray:
        """Predicted rating per row."""
        return np.asarray(self.model.classes_[np.argmax(self.scores(data), axis=1)])

    def contributions(self, data: ContextInputs, row: int, cls: int) -> dict[str, float]:
        """Per-input terms of row ``row`` in class index ``cls``'s score, minus their class mean.

        A feature at its training mean and an absent act contribute 0; the embedding dimensions
        of a turn add up to one term named after the turn (:data:`EMBEDDED_TURNS`).
        """
        one = data.take(np.array([row]))
        z = self._matrix(one)[0]
        coef = self.model.coef_
        terms = z * (coef[cls] - coef.mean(axis=0))
        totals: dict[str, float] = {}
        for name, term in zip(self.input_names(one), terms, strict=True):
            totals[name] = totals.get(name, 0.0) + float(term)
        return totals

    def explain(self, data: ContextInputs, row: int, top: int = 3) -> list[Reason]:
        """The inputs that pushed row ``row`` most towards its predicted class.

        A contribution is the input's term in the predicted class's score minus its mean over
        the classes; the embedding dimensions of a turn add up to one reason that quotes it.
        """
        return top_reasons(self, data, row, top)


class Explainable(Protocol):
    """A learner whose scores split into per-input contributions (linear terms or occlusion)."""

    def scores(self, data: ContextInputs) -> np.ndarray: ...
    def contributions(self, data: ContextInputs, row: int, cls: int) -> dict[str, float]: ...


def top_reasons(learner: Explainable, data: ContextInputs, row: int, top: int) -> list[Reason]:
    """The ``top`` inputs that pushed row ``row`` most towards ``learner``'s predicted class.

    An embedded turn's reason quotes the turn.
    """
    one = data.take(np.array([row]))
    cls = int(np.argmax(learner.scores(one)[0]))
    quotes = dict(zip(EMBEDDED_TURNS, one.turns[0], strict=True))
    ranked = sorted(learner.contributions(one, 0, cls).items(), key=lambda kv: -kv[1])[:top]
    return [Reason(n, v, quotes.get(n, "")) for n, v in ranked]
