"""Pure helpers for NLU benchmarks: CSV I/O, a deterministic stratified split, metrics, reports.

Kept apart from the ``candor bench nlu`` command (bot/bench/nlu.py) so they can be unit-tested
without training anything.
"""

from __future__ import annotations

import csv
import hashlib
import random
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

Rows = list[tuple[str, str]]  # (text, category)


def read_csv(path: Path) -> Rows:
    """Rows of a ``text,category`` CSV; fails loudly on a missing column or empty text."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"text", "category"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing column(s) {sorted(missing)}")
        rows = [(r["text"].strip(), r["category"].strip()) for r in reader]
    if not rows or any(not t or not c for t, c in rows):
        raise ValueError(f"{path}: no rows, or a row with an empty text or category")
    return rows


def write_csv(path: Path, rows: Rows) -> None:
    """Write ``text,category`` rows."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "category"])
        writer.writerows(rows)


def file_sha256(path: Path) -> str:
    """Fingerprint of an input file, so a result names exactly what it measured."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stratified_split(rows: Rows, fraction: float, seed: int) -> tuple[Rows, Rows]:
    """(train, validation): ``fraction`` of each category (at least one), same on every run.

    Rows are shuffled per category with ``random.Random(seed)`` over the input order, so the
    split depends only on the file's content, the fraction and the seed.
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction must be in (0, 1), got {fraction}")
    by_category: dict[str, list[int]] = defaultdict(list)
    for i, (_, category) in enumerate(rows):
        by_category[category].append(i)
    rng = random.Random(seed)
    held: set[int] = set()
    for category in sorted(by_category):
        indices = by_category[category][:]
        rng.shuffle(indices)
        if len(indices) >= 2:
            held.update(indices[: max(1, round(len(indices) * fraction))])
    train = [r for i, r in enumerate(rows) if i not in held]
    val = [r for i, r in enumerate(rows) if i in held]
    return train, val


def percentile_ms(seconds: list[float], q: float) -> float:
    """Latency percentile in milliseconds."""
    return float(np.percentile(np.asarray(seconds) * 1000.0, q)) if seconds else 0.0


def classification_metrics(gold: list[str], pred: list[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 over gold categories, per-class scores and the top confusions."""
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    labels = sorted(set(gold))
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, pred, labels=labels, zero_division=0
    )
    per_class = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    confusions = Counter((g, p) for g, p in zip(gold, pred, strict=True) if g != p)
    return {
        "accuracy": round(float(accuracy_score(gold, pred)), 4),
        "macro_f1": round(float(np.mean(f1)), 4),
        "per_class": per_class,
        "top_confusions": [
            {"gold": g, "predicted": p, "count": n} for (g, p), n in confusions.most_common(15)
        ],
    }


def worst_classes(per_class: dict[str, dict[str, Any]], n: int = 10) -> list[tuple[str, Any]]:
    """Return the ``n`` categories with the lowest F1."""
    return sorted(per_class.items(), key=lambda item: item[1]["f1"])[:n]


def summary_table(result: dict[str, Any]) -> str:
    """Format the short table ``candor bench nlu`` prints."""
    rows = [
        ("n_train / n_test", f"{result['n_train']} / {result['n_test']}"),
        ("accuracy", f"{result['accuracy']:.2%}"),
        ("macro_f1", f"{result['macro_f1']:.4f}"),
        ("accuracy, fallback = wrong", f"{result['accuracy_with_fallback']:.2%}"),
        ("fallback rate", f"{result['fallback_rate']:.2%}"),
        ("train_seconds", f"{result['train_seconds']:.1f}"),
        ("parse_ms_p50 / p95", f"{result['parse_ms_p50']:.1f} / {result['parse_ms_p95']:.1f}"),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def plot_per_class_f1(per_class: dict[str, dict[str, Any]], path: Path) -> None:
    """Bar chart of per-category F1, sorted, worst at the top."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    items = sorted(per_class.items(), key=lambda item: item[1]["f1"])
    fig, ax = plt.subplots(figsize=(8, max(4.0, 0.16 * len(items))))
    ax.barh([k for k, _ in items], [v["f1"] for _, v in items], color="#3b6ea5")
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("F1 on the validation split")
    ax.tick_params(axis="y", labelsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
