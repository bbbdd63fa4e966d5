"""``candor bench signals``: precision/recall of the conversational guardrail triggers.

For the rules that fire on what a customer says (advice, complaint, vulnerability, human
request, bot-identity question, account data), each message of a labelled set written for
Candor (``bench/data/guardrail_signals.yml``, never used for training) is evaluated three ways
with :func:`bot.compliance.evaluation.rule_hits`: the pattern signals alone, the trained NLU's
intent alone, and both together as production runs them. Results:
``bench/results/guardrails_signals.{json,md}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

import yaml

from bot.paths import PROJECT_ROOT

DEFAULT_DATA = PROJECT_ROOT / "bench" / "data" / "guardrail_signals.yml"
DEFAULT_OUT = PROJECT_ROOT / "bench" / "results"
MODES = ("patterns", "nlu", "combined")


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor bench signals``."""
    parser = subparsers.add_parser("signals", help="guardrail triggers: precision/recall")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--model", type=Path, help="trained model (default: the current one)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.set_defaults(func=run)


def precision_recall(gold: list[set[str]], predicted: list[set[str]], rule: str) -> dict[str, Any]:
    """Per-rule counts and scores over the samples."""
    tp = sum(rule in g and rule in p for g, p in zip(gold, predicted, strict=True))
    fp = sum(rule not in g and rule in p for g, p in zip(gold, predicted, strict=True))
    fn = sum(rule in g and rule not in p for g, p in zip(gold, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall}


def run(args: argparse.Namespace) -> int:
    """Parse every labelled message, score the three modes, write JSON and markdown."""
    from rasa.core.agent import Agent

    from bot.compliance.contract import COMPLIANCE_KEY
    from bot.compliance.evaluation import fired_rule_ids, rule_hits
    from bot.compliance.rulebook import load_rulebook
    from bot.runtime.training import model_path
    from bot.settings import candor_home

    book = load_rulebook()
    samples = yaml.safe_load(args.data.read_text(encoding="utf-8"))
    measured = [r.id for r in book.rules if r.trigger.intents]  # what customers say
    agent = Agent.load(str(args.model or model_path(candor_home())))
    parsed = [asyncio.run(agent.parse_message(s["text"])) for s in samples]
    views = {
        "patterns": [{**p, "intent": {}} for p in parsed],
        "nlu": [{**p, COMPLIANCE_KEY: {"hits": []}} for p in parsed],
        "combined": parsed,
    }
    gold = [set(s["rules"]) for s in samples]
    report: dict[str, Any] = {"n_samples": len(samples), "data": str(args.data), "modes": {}}
    for mode, view in views.items():
        predicted = [set(fired_rule_ids(rule_hits(book, p))) & set(measured) for p in view]
        report["modes"][mode] = {rule: precision_recall(gold, predicted, rule) for rule in measured}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "guardrails_signals.json").write_text(json.dumps(report, indent=2) + "\n")
    table = markdown(report, measured)
    (args.out / "guardrails_signals.md").write_text(
        "# Guardrail triggers: precision / recall\n\n"
        f"{len(samples)} labelled messages written for Candor (`{args.data.name}`), each parsed by "
        "the trained model; a rule counts as fired when `rule_hits` returns it.\n\n"
        f"Command: `candor bench signals`\n\n{table}\n"
    )
    print(table)
    return 0


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def markdown(report: dict[str, Any], rules: list[str]) -> str:
    """One row per rule: precision/recall for patterns, NLU and both."""
    lines = ["| rule | " + " | ".join(f"{m} P / R" for m in MODES) + " |",
             "| --- |" + " --- |" * len(MODES)]
    for rule in rules:
        cells = [f"{_fmt(report['modes'][m][rule]['precision'])} / "
                 f"{_fmt(report['modes'][m][rule]['recall'])}" for m in MODES]
        lines.append(f"| `{rule}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)
