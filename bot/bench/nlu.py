"""``candor bench nlu``: train the product's NLU pipeline on a text,category CSV, score another.

The pipeline is read from config.yml's ``pipeline:`` (``--config`` for another file, e.g. a
baseline), never restated here, so the benchmark measures what the product ships. Training and
parsing go through Rasa's own ``train_nlu`` and ``Agent.parse_message``, so ``train_seconds``
includes featurization and ``parse_ms_*`` is the per-message latency a user would see (NLU only).

``accuracy`` scores the classifier's top intent even when the FallbackClassifier replaced it with
``nlu_fallback``, as published intent-detection results do; ``accuracy_with_fallback`` counts a
fallback as wrong and ``fallback_rate`` says how often it fires.

``candor bench nlu split`` carves a deterministic stratified validation split out of a CSV (for
BANKING77, whose official test split is kept for evaluation elsewhere); ``candor bench nlu cv``
cross-validates the product's own data (bot/bench/nlu_cv.py); ``candor bench nlu encoders``
chooses the sentence encoders by cross-validation on the training rows (bot/bench/encoder_cv.py).
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

from bot.bench import harness
from bot.paths import PROJECT_ROOT
from bot.settings import candor_home

FALLBACK_INTENT = "nlu_fallback"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor bench nlu`` (run) and ``candor bench nlu split``."""
    parser = subparsers.add_parser("nlu", help="NLU intent accuracy, train time, parse latency")
    parser.add_argument("--train", type=Path, help="CSV with columns text,category")
    parser.add_argument("--test", type=Path, help="CSV with columns text,category")
    parser.add_argument("--out", type=Path, help="results JSON to write")
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "config.yml")
    parser.add_argument("--markdown", type=Path, help="also write a markdown summary here")
    parser.add_argument("--plot", type=Path, help="also write a per-class F1 chart (PNG)")
    parser.add_argument("--dataset", default="", help="name and licence, for the report")
    parser.set_defaults(func=run)
    actions = parser.add_subparsers(dest="nlu_action", metavar="ACTION")
    split = actions.add_parser("split", help="carve a stratified validation split from a CSV")
    split.add_argument("--in", dest="source", type=Path, required=True)
    split.add_argument("--val-fraction", type=float, default=0.1)
    split.add_argument("--seed", type=int, default=13)
    split.add_argument("--out-dir", type=Path, help="default: $CANDOR_HOME/cache/bench/<name>")
    split.set_defaults(func=split_command)
    from bot.bench.encoder_cv import add_parser as add_encoders_parser
    from bot.bench.nlu_cv import add_parser as add_cv_parser

    add_cv_parser(actions)
    add_encoders_parser(actions)


def split_command(args: argparse.Namespace) -> int:
    """Write ``train.csv``, ``val.csv`` and ``split.json`` (what was split, how)."""
    from bot.bench.nlu_metrics import file_sha256, read_csv, stratified_split, write_csv

    rows = read_csv(args.source)
    train, val = stratified_split(rows, args.val_fraction, args.seed)
    name = f"{args.source.parent.name}-{args.source.stem}-val{args.val_fraction:g}-seed{args.seed}"
    out_dir: Path = args.out_dir or candor_home().cache / "bench" / name
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(out_dir / "train.csv", train)
    write_csv(out_dir / "val.csv", val)
    manifest = {
        "source": str(args.source),
        "source_sha256": file_sha256(args.source),
        "val_fraction": args.val_fraction,
        "seed": args.seed,
        "n_train": len(train),
        "n_val": len(val),
    }
    (out_dir / "split.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    print(f"{len(train)} train + {len(val)} validation rows -> {out_dir}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Train, parse every test row, write the JSON (and optional markdown/plot), print a table."""
    if not (args.train and args.test and args.out):
        print("candor bench nlu: --train, --test and --out are required", file=sys.stderr)
        return 2
    from bot.bench.nlu_metrics import (
        classification_metrics,
        file_sha256,
        percentile_ms,
        plot_per_class_f1,
        read_csv,
        summary_table,
    )

    train_rows, test_rows = read_csv(args.train), read_csv(args.test)
    with tempfile.TemporaryDirectory(prefix="candor-bench-nlu-") as tmp:
        work = Path(tmp)
        harness.isolate_environment(work)
        config, pipeline = harness.bench_config(args.config, work)
        nlu_file = harness.write_nlu_yaml(train_rows, work / "nlu.yml")
        model_path, train_seconds = harness.train(config, nlu_file, work / "models")
        gold = [category for _, category in test_rows]
        predicted, fallbacks, latencies = _parse_all(model_path, [t for t, _ in test_rows])
    metrics = classification_metrics(gold, predicted)
    correct_answered = sum(
        g == p and not f for g, p, f in zip(gold, predicted, fallbacks, strict=True)
    )
    result: dict[str, Any] = {
        "accuracy": metrics["accuracy"],
        "macro_f1": metrics["macro_f1"],
        "accuracy_with_fallback": round(correct_answered / len(gold), 4),
        "fallback_rate": round(sum(fallbacks) / len(gold), 4),
        "train_seconds": round(train_seconds, 1),
        "parse_ms_p50": round(percentile_ms(latencies, 50), 2),
        "parse_ms_p95": round(percentile_ms(latencies, 95), 2),
        "n_train": len(train_rows),
        "n_test": len(test_rows),
        "n_categories": len({c for _, c in train_rows}),
        "pipeline": pipeline,
        "config": str(args.config),
        "data": {
            "dataset": args.dataset,
            "train": str(args.train),
            "train_sha256": file_sha256(args.train),
            "test": str(args.test),
            "test_sha256": file_sha256(args.test),
        },
        "machine": harness.machine(),
        "command": shlex.join(["candor", *sys.argv[1:]]),
        "per_class": metrics["per_class"],
        "top_confusions": metrics["top_confusions"],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    if args.plot:
        plot_per_class_f1(metrics["per_class"], args.plot)
    if args.markdown:
        from bot.bench.nlu_report import markdown_report

        args.markdown.write_text(markdown_report(result, args.plot), "utf-8")
    print(summary_table(result))
    return 0


def _parse_all(model_path: str, texts: list[str]) -> tuple[list[str], list[bool], list[float]]:
    """Top non-fallback intent, whether the fallback fired, and seconds per parse."""
    import asyncio

    from rasa.core.agent import Agent
    from tqdm import tqdm

    agent = Agent.load(model_path)

    async def parse_all() -> tuple[list[str], list[bool], list[float]]:
        await agent.parse_message("warm up")  # first call traces TF graphs
        names, fallbacks, seconds = [], [], []
        for text in tqdm(texts, desc="parsing", unit="msg"):
            started = time.perf_counter()
            parsed = await agent.parse_message(text)
            seconds.append(time.perf_counter() - started)
            top = (parsed.get("intent") or {}).get("name")
            fallbacks.append(top == FALLBACK_INTENT)
            ranking = [r["name"] for r in parsed.get("intent_ranking") or []]
            names.append(next((n for n in ranking if n != FALLBACK_INTENT), top or ""))
        return names, fallbacks, seconds

    return asyncio.run(parse_all())


