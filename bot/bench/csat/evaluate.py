"""Validation on USS-format dialogue files: Spearman with a given model, and the paper's CV.

Protocol of Sun et al. (SIGIR 2021), as in the authors' baseline code: every USER line is a
sample in file order (the dialogue's OVERALL line included, as their loader does), labelled by
majority vote; its input is the dialogue *before* that line (``context="before"``); the samples
are cut into 10 contiguous blocks of ``n // 10`` (the remainder always trains), a model is fit
on 9 and predicts the 10th, and the metrics are computed on the pooled predictions of all
folds. We report standard, tie-aware metrics and, for a like-for-like comparison with the
published table, the paper's own Spearman (ranks without tie correction) and "F1" formula.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import cohen_kappa_score, f1_score, recall_score

from bot.bench.csat.hybrid import HybridClassifier, context_texts
from bot.bench.csat.learners import DEFAULT_LEARNER, LEARNERS, Learner
from bot.bench.csat.uss import UssDialogue
from bot.errors import CandorError, Errors
from bot.nlu.encoders import SentenceEncoder
from bot.scoring.context_inputs import context_inputs
from bot.scoring.context_learner import ContextClassifier, ContextInputs, Reason
from bot.scoring.ensemble_learner import EnsembleClassifier
from bot.scoring.features import FEATURE_SET_V1, FEATURE_SET_V2, features
from bot.scoring.fit import fit_ordinal
from bot.scoring.model import CLASSES, CsatModel
from bot.scoring.scorer import score_conversation
from bot.scoring.text_embeddings import embed_texts
from bot.scoring.transcript import Dialogue

Context = Literal["before", "through"]
Progress = Callable[[Iterable[Any]], Iterable[Any]]


def _identity(xs: Iterable[Any]) -> Iterable[Any]:
    return xs


@dataclass(frozen=True)
class Samples:
    """Feature matrix and labels, one row per rated line.

    Also which dialogue each row comes from, whether it is the OVERALL line, and the context
    texts the hybrid learner reads.
    """

    x: np.ndarray
    y: np.ndarray
    dialogue: np.ndarray
    is_overall: np.ndarray
    texts: tuple[tuple[str, str, str], ...] = ()
    prefixes: tuple[tuple[Dialogue, int], ...] = ()


def build_samples(
    dialogues: list[UssDialogue],
    names: tuple[str, ...] = FEATURE_SET_V1,
    context: Context = "before",
    include_overall: bool = True,
    progress: Progress = _identity,
) -> Samples:
    """One row per rated USER line in file order (see the module docstring).

    A dialogue without turn labels (a stored conversation with only a survey answer)
    contributes its whole-conversation row alone.
    """
    rows: list[tuple[float, ...]] = []
    y: list[int] = []
    dia: list[int] = []
    overall: list[bool] = []
    texts: list[tuple[str, str, str]] = []
    contexts: list[tuple[Dialogue, int]] = []
    for i, d in enumerate(progress(dialogues)):
        prefixes = d.conversation.turn_prefixes(include_user_turn=context == "through")
        total = len(d.turn_labels)
        for prefix, label in zip(prefixes if d.turn_labels else (), d.turn_labels, strict=True):
            texts.append(context_texts(prefix))
            contexts.append((prefix, total))
            rows.append(features(prefix, names).values)
            y.append(label)
            dia.append(i)
            overall.append(False)
        if include_overall:
            texts.append(context_texts(d.conversation))
            contexts.append((d.conversation, total))
            rows.append(features(d.conversation, names).values)
            y.append(d.overall)
            dia.append(i)
            overall.append(True)
    x = np.array(rows, dtype=float).reshape(len(rows), len(names))
    return Samples(x, np.array(y, dtype=int), np.array(dia), np.array(overall, dtype=bool),
                   tuple(texts), tuple(contexts))


def spearman(a: np.ndarray, b: np.ndarray) -> float | None:
    """Tie-corrected Spearman rho, rounded; None for a constant series (undefined)."""
    if len(a) < 2 or np.all(a == a[0]) or np.all(b == b[0]):
        return None  # undefined for a constant series
    return round(float(spearmanr(a, b).correlation), 4)


def spearman_paper(x: list[int], y: list[int]) -> float | None:
    """The published code's rho: rank = 1 + index in the sorted list, no tie correction."""
    n = len(x)
    if n < 2:
        return None
    rx = {v: i + 1 for i, v in reversed(list(enumerate(sorted(x))))}
    ry = {v: i + 1 for i, v in reversed(list(enumerate(sorted(y))))}
    d = sum((rx[a] - ry[b]) ** 2 for a, b in zip(x, y, strict=True))
    return round(1.0 - 6.0 * d / (n * (n * n - 1.0)), 4)


def classification_metrics(pred: np.ndarray, label: np.ndarray) -> dict[str, float | None]:
    """UAR, Cohen's kappa, Spearman, F1 of "dissatisfied" (rating <= 2), plus paper variants."""
    bi_p, bi_l = (pred <= 2).astype(int), (label <= 2).astype(int)
    tp = int(((bi_p == 1) & (bi_l == 1)).sum())
    rec = tp / max(int(bi_l.sum()), 1)
    prec = tp / max(int(bi_p.sum()), 1)
    return {
        "uar": round(float(recall_score(label, pred, labels=list(CLASSES), average="macro",
                                        zero_division=0)), 4),
        "kappa": round(float(cohen_kappa_score(label, pred)), 4)
        if len(set(label) | set(pred)) > 1 else None,
        "spearman": spearman(pred, label),
        "f1_dissatisfied": round(float(f1_score(bi_l, bi_p, zero_division=0)), 4),
        "spearman_paper": spearman_paper(list(pred), list(label)),
        "f1_dissatisfied_paper": round(2 * rec * prec / max(rec + prec, 1.0), 4),
    }


def evaluate_model(
    dialogues: list[UssDialogue], model: CsatModel, context: Context = "before",
    progress: Progress = _identity,
) -> dict[str, Any]:
    """Spearman of the model's expected rating vs labels, for turns and whole dialogues.

    A dialogue is scored as Candor scores a conversation (:func:`score_conversation`, the
    artefact's ``recency`` included); the whole dialogue is visible to its OVERALL rating.
    """
    s = build_samples(dialogues, model.features, context, False, progress)
    dialogue_scores = np.array([score_conversation(d.conversation, model).value
                                for d in progress(dialogues)])
    return {
        "spearman_turns": spearman(model.expected(s.x), s.y),
        "spearman_dialogues": spearman(dialogue_scores,
                                       np.array([d.overall for d in dialogues])),
        "n_turns": len(s.y),
        "n_dialogues": len(dialogues),
        "model_version": model.version,
        "context": context,
    }


EXPLAIN_EVERY = 10
"""Explain every 10th test prediction; the counts of the reasons named go into the results."""
TOP_REASONS = 15


class _ContextLearner(Protocol):
    """What the CV needs of a learner over :class:`ContextInputs`."""

    def fit(self, data: ContextInputs, y: np.ndarray) -> _ContextLearner: ...
    def predict(self, data: ContextInputs) -> np.ndarray: ...
    def explain(self, data: ContextInputs, row: int, top: int = 3) -> list[Reason]: ...


CONTEXT_LEARNERS: dict[str, Callable[[], _ContextLearner]] = {
    "ensemble": EnsembleClassifier,
    "context": ContextClassifier,
}
"""The learners over :class:`ContextInputs` (turn embeddings), explained during the CV."""


def contiguous_folds(n: int, folds: int) -> list[np.ndarray]:
    """Test indexes of each fold: contiguous blocks of ``n // folds``; the remainder never tests.

    Contiguous blocks keep a dialogue's turns (and the dialogues around them) together, so a
    fold never tests on turns whose neighbours it trained on, except at a block's two edges.
    """
    block = n // folds
    if block < 1:
        raise CandorError(Errors.E405.format(needed=folds, folds=folds, have=n))
    return [np.arange(block * f, block * (f + 1)) for f in range(folds)]


def cross_validate(
    dialogues: list[UssDialogue], folds: int = 10, context: Context = "before",
    names: tuple[str, ...] = FEATURE_SET_V2, progress: Progress = _identity,
    fold_progress: Progress = _identity, learner: Learner = DEFAULT_LEARNER,
    embed_progress: Progress = _identity, encoder: SentenceEncoder | None = None,
) -> dict[str, Any]:
    """The paper's contiguous-block CV (see the module docstring); 5-class predictions.

    ``encoder`` replaces the NLU's MiniLM for the context learner (tests use a fake one).
    The features default to v2 (the shipped model's): v1 plus approval, rejection and the bot's
    setbacks, which raised all three MultiWOZ metrics of the context learner (csat_uss.md).
    """
    s = build_samples(dialogues, names, context, True, progress)
    tests = contiguous_folds(len(s.y), folds)
    contextual = learner in CONTEXT_LEARNERS
    inputs = _context_inputs(s, names, encoder, embed_progress) if contextual else None
    preds, labels, reasons = [], [], Counter[str]()
    seconds = {"fit_predict": 0.0, "explain": 0.0}
    explained = 0
    for f, test in enumerate(fold_progress(tests)):
        train = np.ones(len(s.y), dtype=bool)
        train[test] = False
        if inputs is not None:
            start = time.perf_counter()
            clf = CONTEXT_LEARNERS[learner]().fit(inputs.take(np.flatnonzero(train)), s.y[train])
            fold_inputs = inputs.take(test)
            preds.append(clf.predict(fold_inputs))
            middle = time.perf_counter()
            rows = range(0, len(test), EXPLAIN_EVERY)
            reasons.update(r.name for i in rows for r in clf.explain(fold_inputs, i))
            explained += len(rows)
            seconds["fit_predict"] += middle - start
            seconds["explain"] += time.perf_counter() - middle
        else:
            preds.append(_fit_predict(s, train, test, names, learner, f))
        labels.append(s.y[test])
    pred, label = np.concatenate(preds), np.concatenate(labels)
    result: dict[str, Any] = {
        **classification_metrics(pred, label),
        "folds": folds,
        "n_samples": int(len(s.y)),
        "n_predicted": int(len(pred)),
        "label_counts": {str(k): int((label == k).sum()) for k in CLASSES},
        "context": context,
        "learner": learner,
        "model": LEARNERS[learner],
    }
    if reasons:
        result["top_reasons"] = dict(reasons.most_common(TOP_REASONS))
        result["explained"] = explained
        result["seconds"] = {k: round(v, 1) for k, v in seconds.items()}  # varies run to run
    return result


def _context_inputs(
    s: Samples, names: tuple[str, ...], encoder: SentenceEncoder | None, progress: Progress,
) -> ContextInputs:
    texts = (t.text for d, _ in s.prefixes for t in d.turns)
    table = embed_texts(texts, encoder, progress)
    return context_inputs(s.prefixes, s.x, names, table, table.dim)


def _fit_predict(
    s: Samples, train: np.ndarray, test: np.ndarray, names: tuple[str, ...], learner: Learner,
    fold: int,
) -> np.ndarray:
    if learner == "hybrid":
        clf = HybridClassifier()
        idx_train = np.flatnonzero(train)
        clf.fit([s.texts[i] for i in idx_train], s.x[train], s.y[train])
        return clf.predict([s.texts[i] for i in test], s.x[test])
    model = fit_ordinal(s.x[train], s.y[train], names, version=f"cv-fold-{fold}")
    return model.predict_class(s.x[test])
