"""``candor bench nlu encoders``: which sentence encoders to put in the pipeline, by k-fold CV.

Choosing the encoder on the validation split that reports the final number would overfit that
split, so the choice is made here, on the training CSV alone: every row is encoded once per
registered encoder (``bot.nlu.encoders.ENCODERS``), then each feature set (one encoder, several,
with or without n-grams) is scored by stratified k-fold cross-validation of the classifier
the product uses (linear SVM over L2-normalised embedding blocks of weight ``dense_weight`` and
sublinear tf-idf word 1-2 / char_wb 2-5 blocks, as ``LinearIntentClassifier`` builds them).

What this leaves out, and why it is still the right comparison: Rasa's tokenizer (n-grams here
come from scikit-learn's analyzers) and the confidence calibration (it does not change the top
intent). Encoding once instead of once per fold is what makes comparing encoders affordable.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

NGRAMS = "ngrams"


def add_parser(actions: argparse._SubParsersAction[Any]) -> None:
    """Add ``encoders`` to ``candor bench nlu``'s actions."""
    parser = actions.add_parser("encoders", help="k-fold CV of encoder feature sets on a CSV")
    parser.add_argument("--train", type=Path, required=True, help="CSV with columns text,category")
    parser.add_argument(
        "--sets",
        default="minilm+ngrams,mpnet+ngrams,minilm+mpnet+ngrams,minilm+mpnet",
        help="comma-separated feature sets; each joins encoder names and 'ngrams' with '+'",
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--C", dest="c", type=float, default=1.0)
    parser.add_argument("--dense-weight", type=float, default=2.0)
    parser.add_argument(
        "--cascade",
        help="also score a cascade FAST/FULL (e.g. minilm+ngrams/minilm+mpnet+ngrams): the fast "
        "set answers when its calibrated top probability reaches a threshold, the full set the rest",
    )
    parser.add_argument("--thresholds", default="0.5,0.6,0.7,0.8,0.9,0.95",
                        help="comma-separated thresholds for --cascade")
    parser.add_argument("--out", type=Path, required=True, help="results JSON to write")
    parser.add_argument("--markdown", type=Path, help="also write a markdown summary here")
    parser.set_defaults(func=run)


def parse_sets(spec: str, known: Sequence[str]) -> list[tuple[str, ...]]:
    """``"minilm+ngrams,mpnet"`` -> ``[("minilm", "ngrams"), ("mpnet",)]``; unknown names fail."""
    sets = [tuple(part.strip() for part in s.split("+")) for s in spec.split(",") if s.strip()]
    for feature_set in sets:
        unknown = [n for n in feature_set if n != NGRAMS and n not in known]
        if unknown or not feature_set:
            raise ValueError(f"feature set {'+'.join(feature_set)!r}: unknown {unknown}")
    return sets


def ngram_blocks(train: list[str], test: list[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Word 1-2 and char_wb 2-5 (min_df 2) counts as the product weighs them (tf-idf, L2)."""
    from sklearn.feature_extraction.text import CountVectorizer

    from bot.nlu.linear_model import BlockSpec, fit_idf, transform_block

    out_train, out_test = [], []
    for vectorizer in (
        CountVectorizer(ngram_range=(1, 2), lowercase=True),
        CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, lowercase=True),
    ):
        counts = vectorizer.fit_transform(train)
        spec = BlockSpec("ngrams", counts.shape[1], sparse=True, idf=list(fit_idf(counts)))
        out_train.append(transform_block(counts, spec))
        out_test.append(transform_block(vectorizer.transform(test), spec))
    return sp.hstack(out_train).tocsr(), sp.hstack(out_test).tocsr()


def cross_validate(
    texts: list[str],
    labels: list[str],
    embeddings: dict[str, np.ndarray],
    sets: list[tuple[str, ...]],
    folds: int,
    seed: int,
    c: float,
    dense_weight: float,
) -> dict[str, list[float]]:
    """Per feature set, the accuracy on each fold (same folds for every set)."""
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    y = np.asarray(labels)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores: dict[str, list[float]] = {"+".join(s): [] for s in sets}
    for train_idx, test_idx in splitter.split(texts, y):
        ngrams = None
        if any(NGRAMS in s for s in sets):
            ngrams = ngram_blocks([texts[i] for i in train_idx], [texts[i] for i in test_idx])
        for feature_set in sets:
            x_train, x_test = feature_matrices(
                feature_set, embeddings, ngrams, train_idx, test_idx, dense_weight
            )
            model = LinearSVC(C=c, random_state=seed).fit(x_train, y[train_idx])
            accuracy = float((model.predict(x_test) == y[test_idx]).mean())
            scores["+".join(feature_set)].append(round(accuracy, 4))
    return scores


def feature_matrices(
    feature_set: tuple[str, ...],
    embeddings: dict[str, np.ndarray],
    ngrams: tuple[sp.csr_matrix, sp.csr_matrix] | None,
    train_idx: np.ndarray,
    test_idx: np.ndarray,
    dense_weight: float,
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """One fold's training and test inputs for a feature set, blocks as the product weighs them."""
    from bot.nlu.linear_model import BlockSpec, transform_block

    blocks_train, blocks_test = [], []
    for name in feature_set:
        if name == NGRAMS:
            assert ngrams is not None, "n-gram blocks are built when a set names them"
            blocks_train.append(ngrams[0])
            blocks_test.append(ngrams[1])
            continue
        spec = BlockSpec(name, embeddings[name].shape[1], sparse=False, weight=dense_weight)
        blocks_train.append(transform_block(embeddings[name][train_idx], spec))
        blocks_test.append(transform_block(embeddings[name][test_idx], spec))
    return sp.hstack(blocks_train).tocsr(), sp.hstack(blocks_test).tocsr()


def cascade_outcome(
    fast_proba: np.ndarray, fast_pred: np.ndarray, full_pred: np.ndarray, y: np.ndarray,
    threshold: float,
) -> tuple[float, float]:
    """Accuracy and escalated share when rows below ``threshold`` take the full model's label.

    What ``LinearIntentClassifier`` does with ``escalate``: the fast model answers when its top
    calibrated probability reaches the threshold, the full feature set answers the rest.
    """
    escalate = fast_proba.max(axis=1) < threshold
    predicted = np.where(escalate, full_pred, fast_pred)
    return float((predicted == y).mean()), float(escalate.mean())


def cross_validate_cascade(
    texts: list[str],
    labels: list[str],
    embeddings: dict[str, np.ndarray],
    fast: tuple[str, ...],
    full: tuple[str, ...],
    thresholds: list[float],
    folds: int,
    seed: int,
    c: float,
    dense_weight: float,
) -> dict[str, dict[str, list[float]]]:
    """Per threshold, each fold's accuracy and escalated share of the fast -> full cascade.

    The fast model is fitted and calibrated exactly as the product does it
    (:meth:`LinearModel.fit`, 3 calibration folds), because its probability decides.
    """
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    from bot.nlu.linear_model import LinearModel

    y = np.asarray(labels)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    out: dict[str, dict[str, list[float]]] = {
        f"{t:g}": {"accuracy": [], "escalated": []} for t in thresholds
    }
    for train_idx, test_idx in splitter.split(texts, y):
        ngrams = None
        if NGRAMS in fast + full:
            ngrams = ngram_blocks([texts[i] for i in train_idx], [texts[i] for i in test_idx])
        x_train, x_test = feature_matrices(full, embeddings, ngrams, train_idx, test_idx,
                                           dense_weight)
        full_pred = LinearSVC(C=c, random_state=seed).fit(x_train, y[train_idx]).predict(x_test)
        x_train, x_test = feature_matrices(fast, embeddings, ngrams, train_idx, test_idx,
                                           dense_weight)
        model = LinearModel.fit(x_train, list(y[train_idx]), [], c=c, folds=3, seed=seed)
        proba = model.predict_proba(x_test)
        fast_pred = np.asarray(model.labels)[proba.argmax(axis=1)]
        for t in thresholds:
            accuracy, escalated = cascade_outcome(proba, fast_pred, full_pred, y[test_idx], t)
            out[f"{t:g}"]["accuracy"].append(round(accuracy, 4))
            out[f"{t:g}"]["escalated"].append(round(escalated, 4))
    return out


def markdown(result: dict[str, Any]) -> str:
    """A short report: one row per feature set, best first, and what each encoder costs."""
    from bot.bench.nlu_report import machine_line

    lines = [
        "# Sentence encoders, k-fold cross-validation on the training rows",
        "",
        f"Data: `{result['train']}` ({result['n_rows']} rows, sha256 "
        f"`{result['train_sha256'][:12]}`), {result['folds']} stratified folds (seed "
        f"{result['seed']}), linear SVM C={result['C']}, embedding weight {result['dense_weight']}.",
        "",
        "```",
        result["command"],
        "```",
        "",
        "| feature set | mean accuracy | folds |",
        "| --- | --- | --- |",
    ]
    ranked = sorted(result["scores"].items(), key=lambda kv: -float(np.mean(kv[1])))
    for name, folds in ranked:
        per_fold = " / ".join(f"{a * 100:.1f}" for a in folds)
        lines.append(f"| {name} | {np.mean(folds) * 100:.2f}% | {per_fold} |")
    lines += ["", "| encoder | encode all rows (s) | one message (ms, median of 50) |",
              "| --- | --- | --- |"]
    for name, cost in result["encoders"].items():
        lines.append(f"| {name} | {cost['encode_seconds']} | {cost['single_ms_p50']} |")
    if "cascade" in result:
        cascade = result["cascade"]
        lines += ["", f"Cascade: `{cascade['fast']}` answers when its calibrated top probability "
                  f"reaches the threshold, `{cascade['full']}` answers the rest.", "",
                  "| threshold | mean accuracy | escalated to the full set | folds |",
                  "| --- | --- | --- | --- |"]
        for threshold, folds in cascade["by_threshold"].items():
            per_fold = " / ".join(f"{a * 100:.1f}" for a in folds["accuracy"])
            lines.append(f"| {threshold} | {np.mean(folds['accuracy']) * 100:.2f}% | "
                         f"{np.mean(folds['escalated']) * 100:.1f}% | {per_fold} |")
    lines += ["", f"Machine: {machine_line(result['machine'])}", ""]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Encode the rows once per encoder, cross-validate every feature set, report."""
    from bot.bench import harness
    from bot.bench.nlu_metrics import file_sha256, read_csv
    from bot.nlu.encoders import ENCODERS, load_encoder

    rows = read_csv(args.train)
    texts, labels = [t for t, _ in rows], [c for _, c in rows]
    sets = parse_sets(args.sets, list(ENCODERS))
    cascade = parse_sets(args.cascade.replace("/", ","), list(ENCODERS)) if args.cascade else []
    if args.cascade and len(cascade) != 2:
        raise ValueError(f"--cascade wants FAST/FULL, got {args.cascade!r}")
    embeddings: dict[str, np.ndarray] = {}
    costs: dict[str, dict[str, float]] = {}
    for name in sorted({n for s in sets + cascade for n in s if n != NGRAMS}):
        encoder = load_encoder(name)
        start = time.perf_counter()
        embeddings[name] = np.stack([e.sentence for e in encoder.encode(texts, progress=True)])
        encode_seconds = time.perf_counter() - start
        singles = []
        for text in texts[:50]:
            start = time.perf_counter()
            encoder.encode([text])
            singles.append((time.perf_counter() - start) * 1000)
        costs[name] = {
            "encode_seconds": round(encode_seconds, 1),
            "single_ms_p50": round(float(np.median(singles)), 1),
        }
    scores = cross_validate(
        texts, labels, embeddings, sets, args.folds, args.seed, args.c, args.dense_weight
    )
    if cascade:
        thresholds = [float(t) for t in args.thresholds.split(",")]
        outcome = cross_validate_cascade(
            texts, labels, embeddings, cascade[0], cascade[1], thresholds, args.folds,
            args.seed, args.c, args.dense_weight,
        )
    result: dict[str, Any] = {
        "train": str(args.train),
        "train_sha256": file_sha256(args.train),
        "n_rows": len(rows),
        "folds": args.folds,
        "seed": args.seed,
        "C": args.c,
        "dense_weight": args.dense_weight,
        "scores": scores,
        "mean_accuracy": {k: round(float(np.mean(v)), 4) for k, v in scores.items()},
        "encoders": costs,
        **({"cascade": {"fast": "+".join(cascade[0]), "full": "+".join(cascade[1]),
                        "by_threshold": outcome}} if cascade else {}),
        "machine": harness.machine(),
        "command": shlex.join(["candor", *sys.argv[1:]]),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    report = markdown(result)
    if args.markdown:
        args.markdown.write_text(report, "utf-8")
    print(report)
    return 0
