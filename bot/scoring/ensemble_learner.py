"""The ensemble learner: the context learner's linear model averaged with gradient boosting.

Why: the linear model (:class:`~bot.scoring.context_learner.ContextClassifier`) reads each
input on its own; boosted trees also catch interactions (a short reply *after* a long
question, an act that only hurts late in the dialogue). On the USS dev sets the mean of the
two models' log-probabilities raised kappa and the "dissatisfied" F1 on both sets and beat the
published best on five of issue 19's six metrics (bench/results/csat_uss.md), so it is the
default learner of ``candor csat evaluate --cv``.

The boosting member (scikit-learn ``HistGradientBoostingClassifier``, class-balanced sample
weights, fixed seed) reads the same named features (raw; trees need no scaling), the act
indicators the linear member learnt, and a PCA of each embedded turn fitted on the training
rows only (a tree cannot use 384 raw dimensions well). The decision adds ``prior_shift`` times
the log class frequency once to the averaged log-probabilities, as the linear learner does.

Explanations stay in named inputs: the linear member's exact terms, and for the boosting member
occlusion over the same input groups (each named feature set to its training mean, each act
present switched off, each embedded turn set to the training mean turn); a group's reason is
the weighted mean of the two members' contributions towards the predicted class.
"""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils.class_weight import compute_sample_weight

from bot.scoring.context_learner import (
    EMBEDDED_TURNS,
    ContextClassifier,
    ContextInputs,
    Reason,
    top_reasons,
)

SEED = 0
"""Fixed seed of the PCA's randomised solver and the boosting's validation split."""
LEARNING_RATE = 0.05
"""Half scikit-learn's default: with early stopping (on above 10,000 rows) the default stopped
after ~20 rounds at a point that moved with the validation split; at 0.05 MultiWOZ's kappa
averaged .145 over three seeds (was .140), SGD's means moved < .004 (csat_uss.md)."""
FLOOR = 1e-12
"""Probabilities are floored before the log so a member's certain 0 cannot veto a class."""


class EnsembleClassifier:
    """Mean of the linear member's and the boosting member's log-probabilities, plus a prior."""

    def __init__(
        self, c: float = 0.1, prior_shift: float = 0.2, components: int = 16,
        linear_weight: float = 0.5,
    ) -> None:
        self.prior_shift = prior_shift
        self.components = components
        self.linear_weight = linear_weight
        self.linear = ContextClassifier(c=c, prior_shift=prior_shift)
        self.boost = HistGradientBoostingClassifier(learning_rate=LEARNING_RATE,
                                                    random_state=SEED)
        self.pcas: list[PCA] = []
        self.fill = np.zeros(0)  # training mean of each boosting column (occlusion values)

    @property
    def classes_(self) -> np.ndarray:
        """The ratings in column order of the scores."""
        return np.asarray(self.linear.model.classes_)

    def _matrix(self, data: ContextInputs) -> np.ndarray:
        """Boosting inputs: raw named features, act indicators, PCA of each embedded turn."""
        turns = [pca.transform(data.embeddings[:, j].astype(float))
                 for j, pca in enumerate(self.pcas)]
        return np.hstack([data.x, self.linear.act_columns(data.acts), *turns])

    def _occlusions(self, data: ContextInputs, z: np.ndarray) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """(input name, boosting columns, occluded values) of one row's boosting inputs ``z``.

        Each named feature -> its training mean; each act present -> off; each embedded turn ->
        the training mean turn (its PCA components' training means).
        """
        out = [(n, np.array([i]), self.fill[[i]]) for i, n in enumerate(data.names)]
        start = len(data.names)
        for i, act in enumerate(self.linear.acts, start=start):
            if z[i]:
                out.append((act, np.array([i]), np.zeros(1)))
        start += len(self.linear.acts)
        for j, pca in enumerate(self.pcas):
            cols = np.arange(start, start + int(pca.n_components_))
            out.append((EMBEDDED_TURNS[j], cols, self.fill[cols]))
            start += len(cols)
        return out

    def fit(self, data: ContextInputs, y: np.ndarray) -> EnsembleClassifier:
        """Fit both members on the same rows ``data`` and ratings ``y`` (1..5)."""
        self.linear.fit(data, y)
        n, _, dim = data.embeddings.shape
        k = max(1, min(self.components, dim, n))
        with np.errstate(divide="ignore", invalid="ignore"):  # a turn that never varies (no
            # text in the file) has no variance to explain; its components are then all zero
            self.pcas = [PCA(n_components=k, random_state=SEED).fit(data.embeddings[:, j].astype(float))
                         for j in range(len(EMBEDDED_TURNS))]
        z = self._matrix(data)
        self.fill = z.mean(axis=0)
        self.boost.fit(z, y, sample_weight=compute_sample_weight("balanced", y))
        if not np.array_equal(self.boost.classes_, self.classes_):
            raise ValueError("the two members saw different classes")
        return self

    def _boost_log_proba(self, z: np.ndarray) -> np.ndarray:
        return np.log(np.maximum(self.boost.predict_proba(z), FLOOR))

    def log_proba(self, data: ContextInputs) -> np.ndarray:
        """(n, classes) weighted mean of the members' balanced log-probabilities."""
        w = self.linear_weight
        return w * self.linear.log_proba(data) + (1 - w) * self._boost_log_proba(
            self._matrix(data))

    def scores(self, data: ContextInputs) -> np.ndarray:
        """(n, classes) decision scores: the averaged log-probabilities plus the prior shift."""
        return self.log_proba(data) + self.prior_shift * self.linear.log_prior

    def predict(self, data: ContextInputs) -> np.ndarray:
        """Predicted rating per row."""
        return np.asarray(self.classes_[np.argmax(self.scores(data), axis=1)])

    def contributions(self, data: ContextInputs, row: int, cls: int) -> dict[str, float]:
        """Per input group: how much it moved row ``row`` towards class index ``cls``.

        Linear member: its exact term (zero at the training mean, and for an absent act, which
        is therefore no group). Boosting member: the drop in the class's log-probability when
        the group is occluded (feature -> training mean, act -> off, turn -> training mean
        turn), all occlusions of the row in one batch. Weighted as the members'
        log-probabilities are.
        """
        one = data.take(np.array([row]))
        linear = self.linear.contributions(one, 0, cls)
        z = self._matrix(one)[0]
        groups = self._occlusions(one, z)
        batch = np.repeat(z[None, :], len(groups) + 1, axis=0)
        for i, (_, cols, values) in enumerate(groups, start=1):
            batch[i, cols] = values
        logp = self._boost_log_proba(batch)[:, cls]
        w = self.linear_weight
        return {name: w * linear[name] + (1 - w) * float(logp[0] - logp[i])
                for i, (name, _, _) in enumerate(groups, start=1)}

    def explain(self, data: ContextInputs, row: int, top: int = 3) -> list[Reason]:
        """The input groups that pushed row ``row`` most towards its predicted class.

        Names a feature, an act, or a whole embedded turn, which the reason quotes.
        """
        return top_reasons(self, data, row, top)
