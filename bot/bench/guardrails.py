"""``candor bench guardrails``: PII detection precision/recall and cost per message.

Data: Presidio's synthetic PII evaluation set (microsoft/presidio-research, MIT licence), the
dev split in ``../shared/data/pii/`` (read only; no sentence is copied into Candor). Each
sample goes through :func:`bot.compliance.redaction.redact`, exactly as in production, and
the resulting redaction spans are scored by :mod:`bot.bench.pii_scoring` (overlap
matching per entity type; labels mapped by ``LABEL_MAP``). Cost is the wall time of
``redact`` per message after warm-up. Results: ``bench/results/guardrails_pii.{json,md,png}``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path
from typing import Any

from bot.paths import PROJECT_ROOT

DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "data" / "pii" / "synth_dataset_dev.json"
DEFAULT_OUT = PROJECT_ROOT / "bench" / "results"
REFERENCE = (
    "Presidio default analyzer + spaCy en_core_web_lg on the full set, all types pooled: "
    "P 0.685, R 0.603, F2 0.618 (token-level, presidio-research)."
)


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor bench guardrails``."""
    parser = subparsers.add_parser("guardrails", help="PII detectors: precision/recall, cost")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labelled PII json")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder")
    parser.add_argument("--limit", type=int, default=0, help="first N samples only (0 = all)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Score every sample, write JSON + markdown + chart, print the table."""
    from tqdm import tqdm

    from bot.bench.pii_scoring import Scores, Span, gold_spans, score_sample
    from bot.compliance.redaction import redact, warm_up

    samples = json.loads(Path(args.data).read_text(encoding="utf-8"))
    if args.limit:
        samples = samples[: args.limit]
    warm_up()
    scores, timings = Scores(), []
    for sample in tqdm(samples, desc="guardrails/pii", unit="msg"):
        text = sample["full_text"]
        start = time.perf_counter()
        result = redact(text)
        timings.append((time.perf_counter() - start) * 1000)
        predicted = [Span(r.start, r.end, r.entity_type) for r in result.redactions]
        gold, other = gold_spans(sample["spans"])
        score_sample(text, gold, other, predicted, scores)
    report = build_report(scores, timings, Path(args.data))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "guardrails_pii.json").write_text(json.dumps(report, indent=2) + "\n")
    table = markdown_table(report)
    print(table)
    chart = write_chart(report, args.out / "guardrails_pii.png")
    (args.out / "guardrails_pii.md").write_text(markdown_summary(report, table, chart))
    return 0


def build_report(scores: Any, timings: list[float], data: Path) -> dict[str, Any]:
    """The JSON document: per-type and pooled metrics, latency, provenance."""
    from bot.bench.pii_scoring import LABEL_MAP, TOLERATED

    per_type = {t: c.as_dict() for t, c in scores.per_type.items()}
    ordered = sorted(timings)
    return {
        "benchmark": "guardrails/pii",
        "data": {
            "file": data.name,
            "source": "microsoft/presidio-research synth_dataset_v2 (dev split)",
            "licence": "MIT",
            "samples": len(timings),
        },
        "matching": "overlap: same entity type, >=1 shared character (pii_scoring.py)",
        "label_map": dict(LABEL_MAP),
        "tolerated": {k: sorted(v) for k, v in TOLERATED.items()},
        "per_type": per_type,
        "pooled": scores.pooled().as_dict(),
        "latency_ms": {
            "p50": round(statistics.median(ordered), 2),
            "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
            "mean": round(statistics.fmean(ordered), 2),
        },
        "machine": f"{platform.machine()}, Python {platform.python_version()}, shared 2 cores",
        "reference": REFERENCE,
    }


def _fmt(value: Any) -> str:
    return "n/a" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))


def markdown_table(report: dict[str, Any]) -> str:
    """Per-type rows plus the pooled row, as a markdown table."""
    head = "| entity | gold | predicted | precision | recall | F2 | exact P | exact R |"
    lines = [head, "|" + " --- |" * 8]
    rows = list(report["per_type"].items()) + [("**pooled**", report["pooled"])]
    for name, m in rows:
        cells = [m["gold"], m["predicted"], m["precision"], m["recall"], m["f2"],
                 m["exact_precision"], m["exact_recall"]]
        lines.append(f"| {name} | " + " | ".join(_fmt(c) for c in cells) + " |")
    lat = report["latency_ms"]
    lines.append("")
    lines.append(f"cost per message: p50 {lat['p50']} ms, p95 {lat['p95']} ms, "
                 f"mean {lat['mean']} ms ({report['data']['samples']} messages)")
    return "\n".join(lines)


def markdown_summary(report: dict[str, Any], table: str, chart: Path | None) -> str:
    """The committed summary page."""
    parts = [
        "# Guardrails benchmark: PII detection\n",
        f"Data: `{report['data']['file']}` ({report['data']['source']}, "
        f"{report['data']['licence']}), {report['data']['samples']} samples. "
        "Produced by `candor bench guardrails`.\n",
        f"Matching: {report['matching']}. Gold labels outside Candor's PII set are ignored; "
        "predicted addresses overlapping only a city/postcode label are not counted.\n",
        table + "\n",
        f"Reference: {report['reference']} Not directly comparable (token vs span level, "
        "different types and model size).\n",
        "The set has no account or routing numbers: their rows only count false positives.\n",
    ]
    if chart is not None:
        parts.append(f"![precision and recall per entity type]({chart.name})\n")
    return "\n".join(parts)


def write_chart(report: dict[str, Any], path: Path) -> Path | None:
    """Grouped precision/recall bars per entity type (skipped if matplotlib fails)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception:  # noqa: BLE001 - the chart is optional
        return None
    names = [n for n, m in report["per_type"].items() if m["gold"]] + ["pooled"]
    metrics = [report["per_type"].get(n, report["pooled"]) for n in names]
    xs = range(len(names))
    fig, ax = plt.subplots(figsize=(9, 3.6))
    ax.bar([x - 0.2 for x in xs], [m["precision"] or 0 for m in metrics], 0.4, label="precision")
    ax.bar([x + 0.2 for x in xs], [m["recall"] or 0 for m in metrics], 0.4, label="recall")
    ax.set_xticks(list(xs), names, rotation=25, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title("Candor PII redaction on presidio-research synth dev (overlap matching)")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
