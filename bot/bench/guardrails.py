"""``candor bench guardrails``: personal-data recall, leaks, over-redaction and cost per message.

Data (read only; no sentence is copied into Candor):

* ``--data``: a labelled set, either Presidio's synthetic PII evaluation data
  (microsoft/presidio-research, MIT; the dev split in ``../shared/data/pii/``, a JSON list) or
  Candor's frozen blind chat set ``bench/data/pii_chat/pii_chat_eval.jsonl`` (one JSON object
  per line; a two-message sample has ``turns`` and per-span ``turn``; each turn is redacted on
  its own, as production sees it).
* ``--banking77``: BANKING77's training split (CC BY 4.0), ordinary banking messages with no
  personal data: the over-redaction rate is the share of them in which anything is redacted.

Each message goes through :func:`bot.compliance.redaction.redact` exactly as in production. The
redaction spans are scored by :mod:`bot.bench.pii_scoring` (overlap matching per entity type,
pooled span P/R/F2) and every labelled value is checked for being left in clear, whole or in
part (the leak rule is defined in that module). Cost is the wall time of ``redact`` per message
after warm-up (p50/p95). Results: ``bench/results/<name>.{json,md,png}``.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import statistics
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from bot.bench.charts import pyplot
from bot.paths import PROJECT_ROOT

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
DEFAULT_DATA = SHARED_DATA / "pii" / "synth_dataset_dev.json"
DEFAULT_BANKING77 = SHARED_DATA / "banking77" / "train.csv"
DEFAULT_OUT = PROJECT_ROOT / "bench" / "results"
REFERENCE = (
    "Presidio default analyzer + spaCy en_core_web_lg on the full set, all types pooled: "
    "P 0.685, R 0.603, F2 0.618; a tuned transformer-based Presidio set-up F2 0.845 "
    "(token-level, presidio-research)."
)
SOURCES = {
    ".json": ("microsoft/presidio-research synth_dataset_v2 (dev split)", "MIT"),
    ".jsonl": ("Candor's blind chat set, written by hand and frozen in commit ba6c484",
               "Candor project"),
}


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor bench guardrails``."""
    parser = subparsers.add_parser("guardrails", help="PII detectors: recall, leaks, cost")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="labelled PII set (.json list or .jsonl)")
    parser.add_argument("--banking77", type=Path, default=None,
                        help=f"BANKING77 train.csv for the over-redaction rate "
                             f"(e.g. {DEFAULT_BANKING77}); omitted: not measured")
    parser.add_argument("--name", default="guardrails_pii", help="results file stem")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder")
    parser.add_argument("--limit", type=int, default=0, help="first N samples only (0 = all)")
    parser.set_defaults(func=run)


def load_samples(path: Path) -> list[dict[str, Any]]:
    """A .json list of samples or a .jsonl file with one sample per line."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    samples = json.loads(text)
    if not isinstance(samples, list):
        raise ValueError(f"{path}: expected a JSON list of samples")
    return samples


def messages(sample: Mapping[str, Any]) -> Iterator[tuple[str, list[Mapping[str, Any]]]]:
    """Each message of a sample with its own labelled spans (one, or one per turn)."""
    if "turns" in sample:
        for index, turn in enumerate(sample["turns"]):
            yield turn, [s for s in sample["spans"] if s.get("turn") == index]
    else:
        yield sample["full_text"], list(sample["spans"])


def run(args: argparse.Namespace) -> int:
    """Score every message, write JSON + markdown + chart, print the table."""
    from tqdm import tqdm

    from bot.bench.pii_scoring import Scores, Span, count_leaks, gold_spans, score_sample
    from bot.compliance.redaction import redact, warm_up

    samples = load_samples(Path(args.data))
    if args.limit:
        samples = samples[: args.limit]
    warm_up()
    scores, timings = Scores(), []
    for sample in tqdm(samples, desc="guardrails/pii", unit="sample"):
        for text, raw_spans in messages(sample):
            start = time.perf_counter()
            result = redact(text)
            timings.append((time.perf_counter() - start) * 1000)
            predicted = [Span(r.start, r.end, r.entity_type) for r in result.redactions]
            gold, other = gold_spans(raw_spans)
            score_sample(text, gold, other, predicted, scores)
            count_leaks(text, result.text, gold, scores)
    over = over_redaction(args.banking77) if args.banking77 else None
    report = build_report(scores, timings, Path(args.data), over)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(report, indent=2) + "\n")
    table = markdown_table(report)
    print(table)
    chart = write_chart(report, args.out / f"{args.name}.png")
    (args.out / f"{args.name}.md").write_text(markdown_summary(report, table, chart))
    return 0


def over_redaction(path: Path) -> dict[str, Any]:
    """Share of BANKING77 training messages in which anything is redacted, and by what type.

    BANKING77 queries hold no personal data, so every redaction there is an over-redaction.
    Only counts are reported (its sentences are not copied into Candor's results).
    """
    from tqdm import tqdm

    from bot.compliance.redaction import redact

    with path.open(encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    by_type: Counter[str] = Counter()
    redacted = 0
    for text in tqdm(texts, desc="over-redaction/banking77", unit="msg"):
        result = redact(text)
        if result.redactions:
            redacted += 1
            by_type.update({r.entity_type for r in result.redactions})
    return {
        "data": f"{path.parent.name}/{path.name} (BANKING77 training split, CC BY 4.0)",
        "messages": len(texts),
        "redacted": redacted,
        "rate": round(redacted / len(texts), 4) if texts else None,
        "messages_by_type": dict(by_type.most_common()),
    }


def build_report(scores: Any, timings: list[float], data: Path,
                 over: dict[str, Any] | None) -> dict[str, Any]:
    """The JSON document: per-type and pooled metrics, leaks, latency, provenance."""
    from bot.bench.pii_scoring import LABEL_MAP, TOLERATED

    source, licence = SOURCES.get(data.suffix, (data.name, "unknown"))
    ordered = sorted(timings)
    return {
        "benchmark": "guardrails/pii",
        "data": {"file": data.name, "source": source, "licence": licence,
                 "messages": len(timings)},
        "matching": "overlap: same entity type, >=1 shared character (pii_scoring.py)",
        "leak_rule": "a value leaks if a token of >=3 letters/digits or any 4 consecutive "
                     "digits of it survive redaction (pii_scoring.py)",
        "label_map": dict(LABEL_MAP),
        "tolerated": {k: sorted(v) for k, v in TOLERATED.items()},
        "per_type": {t: c.as_dict() for t, c in scores.per_type.items()},
        "pooled": scores.pooled().as_dict(),
        "latency_ms": {
            "p50": round(statistics.median(ordered), 2),
            "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
            "mean": round(statistics.fmean(ordered), 2),
        },
        "over_redaction": over,
        "machine": f"{platform.machine()}, Python {platform.python_version()}, shared 2 cores",
        "reference": REFERENCE,
    }


def _fmt(value: Any) -> str:
    return "n/a" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))


def _leaks(m: Mapping[str, Any]) -> str:
    if not m["gold"]:
        return "n/a"
    return f"{m['leaked']} of {m['gold']} ({100 * m['leaked'] / m['gold']:.1f}%)"


def markdown_table(report: dict[str, Any]) -> str:
    """Per-type rows (types with gold or predictions) plus the pooled row, cost, over-redaction."""
    head = ("| entity | gold | predicted | precision | recall | F2 | exact P | exact R "
            "| values left in clear, whole or in part |")
    lines = [head, "|" + " --- |" * 9]
    rows = [(n, m) for n, m in report["per_type"].items() if m["gold"] or m["predicted"]]
    for name, m in rows + [("**pooled**", report["pooled"])]:
        cells = [m["gold"], m["predicted"], m["precision"], m["recall"], m["f2"],
                 m["exact_precision"], m["exact_recall"]]
        lines.append(f"| {name} | " + " | ".join(_fmt(c) for c in cells) + f" | {_leaks(m)} |")
    lat = report["latency_ms"]
    lines.append("")
    lines.append(f"Detection cost per message: p50 {lat['p50']} ms, p95 {lat['p95']} ms, "
                 f"mean {lat['mean']} ms ({report['data']['messages']} messages).")
    over = report["over_redaction"]
    if over:
        lines.append("")
        lines.append(f"Over-redaction on {over['data']}: {over['redacted']} of "
                     f"{over['messages']} messages ({100 * over['rate']:.2f}%) had anything "
                     f"redacted; by type: {over['messages_by_type']}.")
    return "\n".join(lines)


def markdown_summary(report: dict[str, Any], table: str, chart: Path | None) -> str:
    """The committed summary page."""
    parts = [
        "# Guardrails benchmark: personal-data detection and redaction\n",
        f"Data: `{report['data']['file']}` ({report['data']['source']}, "
        f"{report['data']['licence']}), {report['data']['messages']} messages. "
        "Produced by `candor bench guardrails` (see the README's benchmarks table for the "
        "exact command).\n",
        f"Matching: {report['matching']}. Gold labels outside Candor's PII set are ignored; "
        "predicted addresses overlapping only a city/postcode label are not counted.\n",
        f"Leaks: {report['leak_rule']}, whatever type the redactor gave it. This is the "
        "number that matters for \"nothing raw at rest\".\n",
        table + "\n",
        f"Reference: {report['reference']} Not directly comparable (token vs span level, "
        "different types and model size).\n",
    ]
    if chart is not None:
        parts.append(f"![recall and values left in clear per entity type]({chart.name})\n")
    return "\n".join(parts)


def write_chart(report: dict[str, Any], path: Path) -> Path | None:
    """Per-type bars: precision, recall and share of values left in clear (needs matplotlib)."""
    plt = pyplot()
    if plt is None:
        return None
    names = [n for n, m in report["per_type"].items() if m["gold"]] + ["pooled"]
    metrics = [report["per_type"].get(n, report["pooled"]) for n in names]
    xs = range(len(names))
    fig, ax = plt.subplots(figsize=(10, 3.8))
    width = 0.27
    ax.bar([x - width for x in xs], [m["precision"] or 0 for m in metrics], width,
           label="precision")
    ax.bar(list(xs), [m["recall"] or 0 for m in metrics], width, label="recall")
    ax.bar([x + width for x in xs], [m["leak_rate"] or 0 for m in metrics], width,
           label="values left in clear (share)", color="tab:red")
    ax.set_xticks(list(xs), names, rotation=25, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"Candor PII redaction on {report['data']['file']} (overlap matching)",
                 fontsize=10)
    ax.legend(loc="center left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
