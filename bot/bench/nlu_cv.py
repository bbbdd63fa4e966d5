"""``candor bench nlu cv``: Rasa's own NLU cross-validation on the product's training data.

This runs exactly what ``rasa test nlu --cross-validation`` runs (``rasa.nlu.test.cross_validate``:
stratified folds over the full intent, ``faq/<topic>`` included; each fold trained with
``train_nlu`` and parsed through the real processor, FallbackClassifier undone for scoring),
with two additions that make a committed result reproducible and readable:

* a seed: Rasa's ``StratifiedKFold(shuffle=True)`` draws from NumPy's global generator and
  varies between runs; it is seeded here immediately before the folds are made;
* a JSON + markdown summary: fold-by-fold and pooled intent and FAQ-topic accuracy, the most
  frequent confusions and the worst classes.

FAQ-topic accuracy is Rasa's response-selection score: for each ``faq`` example, the topic the
model picked under the gold intent ``faq`` (``LinearIntentClassifier`` with
``select_responses: true`` writes it where Rasa's ResponseSelector would).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.paths import PROJECT_ROOT


def add_parser(actions: argparse._SubParsersAction[Any]) -> None:
    """Add ``cv`` to ``candor bench nlu``'s actions."""
    cv = actions.add_parser("cv", help="Rasa NLU cross-validation on the product's data")
    cv.add_argument("--config", type=Path, default=PROJECT_ROOT / "config.yml")
    cv.add_argument("--data", type=Path, default=PROJECT_ROOT / "data" / "nlu")
    cv.add_argument("--folds", type=int, default=3)
    cv.add_argument("--seed", type=int, default=13)
    cv.add_argument("--out", type=Path, required=True, help="results JSON to write")
    cv.add_argument("--markdown", type=Path, help="also write a markdown summary here")
    cv.set_defaults(func=run_cv)


def run_cv(args: argparse.Namespace) -> int:
    """Cross-validate, write the JSON (and markdown), print the headline numbers."""
    import asyncio

    import numpy as np
    from rasa.nlu.test import cross_validate
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.bench import harness
    from bot.bench.nlu_metrics import classification_metrics

    data = load_data(str(args.data))
    with tempfile.TemporaryDirectory(prefix="candor-bench-nlu-cv-") as tmp:
        work = Path(tmp)
        harness.isolate_environment(work)
        config, pipeline = harness.bench_config(args.config, work)
        np.random.seed(args.seed)  # Rasa's folds come from NumPy's global generator
        started = time.perf_counter()
        intents, _, responses = asyncio.run(
            cross_validate(data, args.folds, str(config), disable_plotting=True,
                           report_as_dict=True)
        )
        seconds = time.perf_counter() - started
    result: dict[str, Any] = {
        "n_examples": len(data.intent_examples),
        "n_intents": len(data.intents),
        "n_faq_topics": len({e.get_full_intent() for e in data.intent_examples} - data.intents),
        "folds": args.folds,
        "seed": args.seed,
        "seconds": round(seconds, 1),
        "intent": _summary(intents, "intent", "predicted", classification_metrics),
        "faq_topic": _summary(
            responses, "intent_response_key_target", "intent_response_key_prediction",
            classification_metrics,
        ),
        "pipeline": pipeline,
        "config": str(args.config),
        "data": str(args.data),
        "machine": harness.machine(),
        "command": shlex.join(["candor", *sys.argv[1:]]),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    if args.markdown:
        from bot.bench.nlu_report import cv_markdown_report

        args.markdown.write_text(cv_markdown_report(result), "utf-8")
    for key in ("intent", "faq_topic"):
        print(f"{key}: accuracy {result[key]['accuracy']:.2%} "
              f"(folds {result[key]['fold_accuracy']}), macro-F1 {result[key]['macro_f1']:.4f}")
    return 0


def _summary(cv: Any, gold_key: str, pred_key: str, metrics: Any) -> dict[str, Any]:
    """Pooled metrics over every held-out example, plus the per-fold test accuracies."""
    predictions = cv.evaluation.get("predictions") or []
    gold = [str(p[gold_key]) for p in predictions]
    pred = [str(p[pred_key] or "") for p in predictions]
    pooled = metrics(gold, pred)
    return {
        "n": len(gold),
        "accuracy": pooled["accuracy"],
        "macro_f1": pooled["macro_f1"],
        "fold_accuracy": [round(float(a), 4) for a in cv.test.get("Accuracy", [])],
        "fold_train_accuracy": [round(float(a), 4) for a in cv.train.get("Accuracy", [])],
        "per_class": pooled["per_class"],
        "top_confusions": pooled["top_confusions"],
    }
