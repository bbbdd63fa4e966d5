"""A stronger learner for the benchmark protocol: CSAT features plus the dialogue's words.

The shipped model stays the explainable ordinal one (one weight per named feature). For the
published USS comparison, whose baselines learn from the raw context, this learner adds what
they see: TF-IDF word n-grams of the context before the rated line, of the last system
utterance on its own, and the system's dialogue acts (the ACTION column), beside the
standardised CSAT features, in a class-balanced multinomial logistic regression
(scikit-learn). It is only used by ``candor csat evaluate --cv N --learner hybrid``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.scoring.transcript import Dialogue


def context_texts(prefix: Dialogue) -> tuple[str, str, str]:
    """(whole context, last system utterance, system acts) of a prefix."""
    whole = " ".join(t.text for t in prefix.turns)
    bots = prefix.bot_turns
    last_bot = bots[-1].text if bots else ""
    acts = " ".join(f"act_{(t.response or 'none').lower()}" for t in bots[-2:])
    return whole, last_bot, acts


class HybridClassifier:
    """TF-IDF views + dense features -> balanced multinomial logistic regression."""

    def __init__(self, c: float = 1.0) -> None:
        self.views = (
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=50_000),
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=20_000),
            TfidfVectorizer(token_pattern=r"\S+", lowercase=True),
        )
        self.model = LogisticRegression(
            C=c, class_weight="balanced", max_iter=2000, multi_class="multinomial"
        )
        self.mean: np.ndarray | None = None
        self.scale: np.ndarray | None = None

    def _matrix(self, texts: Sequence[tuple[str, str, str]], x: np.ndarray, fit: bool) -> object:
        blocks = []
        for i, view in enumerate(self.views):
            column = [t[i] for t in texts]
            try:
                blocks.append(view.fit_transform(column) if fit else view.transform(column))
            except ValueError:  # empty vocabulary (tiny data): that view contributes nothing
                blocks.append(sparse.csr_matrix((len(column), 0)))
        if fit:
            self.mean = x.mean(axis=0)
            scale = x.std(axis=0)
            scale[scale < 1e-9] = 1.0
            self.scale = scale
        dense = (x - self.mean) / self.scale
        return sparse.hstack([*blocks, sparse.csr_matrix(dense)]).tocsr()

    def fit(self, texts: Sequence[tuple[str, str, str]], x: np.ndarray, y: np.ndarray) -> None:
        self.model.fit(self._matrix(texts, x, fit=True), y)

    def predict(self, texts: Sequence[tuple[str, str, str]], x: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.predict(self._matrix(texts, x, fit=False)))
