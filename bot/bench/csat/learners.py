"""The learners ``candor csat evaluate --cv`` fits, named once for the command line and the CV.

Kept apart from :mod:`bot.bench.csat.evaluate` so that building the command line does not import
scikit-learn and the encoders.
"""

from __future__ import annotations

from typing import Literal

Learner = Literal["ensemble", "context", "ordinal", "hybrid"]

#: The best on the paper's protocol (bench/results/csat_uss.md), as issue 19 asks.
DEFAULT_LEARNER: Learner = "ensemble"

#: What each learner is, as the results JSON records it.
LEARNERS: dict[Learner, str] = {
    "ensemble": "mean of the log-probabilities of the context learner's logistic regression and "
    "class-balanced gradient boosting (HistGradientBoostingClassifier, learning rate 0.05, "
    "over the same features, turn signals, acts and a 16-component PCA of each turn "
    "embedding, fitted per fold), prior shift 0.2",
    "context": "balanced multinomial logistic regression (prior shift 0.2) over csat v2 "
    "features, turn signals (question-answer similarity, repetition, position, lengths), "
    "dialogue acts and MiniLM embeddings of the last system turn and the previous user turn",
    "ordinal": "ordinal logistic regression (balanced classes) over csat v2 features",
    "hybrid": "balanced multinomial logistic regression over csat v2 features + TF-IDF of the "
    "context, the last system utterance and the system acts",
}
