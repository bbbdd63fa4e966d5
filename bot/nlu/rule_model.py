"""The numeric core of :class:`bot.nlu.rule_classifier.RuleClassifier`, free of Rasa.

One logistic regression per guardrail rule over ``[tf-idf of word 1-2 grams | tf-idf of
character 2-5 grams | MiniLM sentence embedding]``. A message can fire several rules (a dispute
that is also a complaint), so each rule is its own yes/no model rather than one softmax.

Why a learned model beside the intent classifier and the patterns: on wording from writers who
had not seen the patterns, hand-written expressions stopped generalising (fitted to a tuning set,
they hit ~1.0 there and barely moved on the held-out half), and the intent classifier, trained
on single-label examples, fired on every question *about* a topic (a dispute FAQ, a balance
how-to). This model learns from multi-label examples, hard negatives included
(bench/results/guardrails_signals_eval.md has the measurements).

Saved as arrays and JSON, never pickles, like :class:`bot.nlu.linear_model.LinearModel`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)


@dataclass(frozen=True)
class RuleExample:
    """One training text, the rules it should fire (possibly none) and its sample weight."""

    text: str
    rules: frozenset[str]
    weight: float = 1.0


@dataclass(frozen=True)
class FitOptions:
    """Regularisation and feature settings (defaults: bench/results/guardrails_signals_eval.md)."""

    c: float = 10.0
    char_min_df: int = 2
    embedding_weight: float = 1.0
    seed: int = 42


def _vectorizers(options: FitOptions) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    words = TfidfVectorizer(ngram_range=WORD_NGRAMS, sublinear_tf=True, lowercase=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True,
                            lowercase=True, min_df=options.char_min_df)
    return words, chars


def _restore(vectorizer: TfidfVectorizer, vocabulary: dict[str, int],
             idf: np.ndarray) -> TfidfVectorizer:
    """A fitted vectorizer from its saved vocabulary and idf (no pickle, no refit)."""
    vectorizer.vocabulary_ = vocabulary
    vectorizer.idf_ = idf
    return vectorizer


@dataclass
class RuleModel:
    """Per-rule weights over the word, character and embedding blocks."""

    rules: list[str]
    words: TfidfVectorizer
    chars: TfidfVectorizer
    embedding_weight: float
    coef: np.ndarray  # [n_rules, n_features] float32
    intercept: np.ndarray  # [n_rules]
    #: ``coef`` transposed into its own contiguous array (a sparse row times the strided view
    #: ``coef.T`` costs four times as much; see ``LinearModel._coef_t``).
    _coef_t: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._coef_t = np.ascontiguousarray(self.coef.T)

    def features(self, texts: Sequence[str], embeddings: np.ndarray) -> sp.csr_matrix:
        """``[len(texts), n_features]``; embeddings are L2-normalised, then weighted."""
        dense = np.asarray(embeddings, dtype=np.float64).reshape(len(texts), -1)
        dense = dense / np.maximum(np.linalg.norm(dense, axis=1, keepdims=True), 1e-12)
        return sp.hstack([self.words.transform(texts), self.chars.transform(texts),
                          sp.csr_matrix(dense * self.embedding_weight)], format="csr")

    @classmethod
    def fit(cls, examples: Sequence[RuleExample], embeddings: np.ndarray, rules: Sequence[str],
            options: FitOptions = FitOptions()) -> RuleModel:
        """One class-balanced logistic regression per rule; a rule without positives never fires."""
        texts = [e.text for e in examples]
        words, chars = _vectorizers(options)
        words.fit(texts)
        chars.fit(texts)
        empty = np.zeros((0, 0), dtype=np.float32)
        model = cls(list(rules), words, chars, options.embedding_weight, empty, empty)
        x = model.features(texts, embeddings)
        weights = np.array([e.weight for e in examples], dtype=np.float64)
        coef = np.zeros((len(rules), x.shape[1]), dtype=np.float32)
        intercept = np.full(len(rules), -10.0, dtype=np.float32)
        for row, rule in enumerate(rules):
            y = np.array([rule in e.rules for e in examples])
            if y.all() or not y.any():
                continue
            fitted = LogisticRegression(C=options.c, class_weight="balanced", max_iter=3000,
                                        random_state=options.seed)
            fitted.fit(x, y, sample_weight=weights)
            coef[row], intercept[row] = fitted.coef_[0], fitted.intercept_[0]
        return cls(list(rules), words, chars, options.embedding_weight, coef, intercept)

    def predict_proba(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """``[len(texts), n_rules]`` probabilities, each rule independent of the others."""
        if not texts:
            return np.zeros((0, len(self.rules)))
        margins = np.asarray(self.features(texts, embeddings) @ self._coef_t) + self.intercept
        return 1.0 / (1.0 + np.exp(-margins))

    def save(self, folder: Path) -> None:
        """Weights and idf to ``weights.npz``; rules and vocabularies to ``model.json``."""
        np.savez_compressed(folder / "weights.npz", coef=self.coef, intercept=self.intercept,
                            word_idf=self.words.idf_, char_idf=self.chars.idf_)
        header = {
            "rules": self.rules,
            "embedding_weight": self.embedding_weight,
            "char_min_df": self.chars.min_df,
            "word_vocabulary": {k: int(v) for k, v in self.words.vocabulary_.items()},
            "char_vocabulary": {k: int(v) for k, v in self.chars.vocabulary_.items()},
        }
        (folder / "model.json").write_text(json.dumps(header), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> RuleModel:
        """Inverse of :meth:`save`; refuses pickled content."""
        header = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        with np.load(folder / "weights.npz", allow_pickle=False) as arrays:
            coef, intercept = arrays["coef"], arrays["intercept"]
            word_idf, char_idf = arrays["word_idf"], arrays["char_idf"]
        words, chars = _vectorizers(FitOptions(char_min_df=int(header["char_min_df"])))
        return cls(header["rules"], _restore(words, header["word_vocabulary"], word_idf),
                   _restore(chars, header["char_vocabulary"], char_idf),
                   float(header["embedding_weight"]), coef, intercept)
