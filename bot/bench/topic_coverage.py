"""``candor bench coverage``: how often real customer wording gets an answer on its topic.

Issue 18 asks that Candor answer real customers' retail questions on topic (goal 85%). The
wording here is BANKING77's training split (online-banking customers' own queries, CC BY 4.0),
which the bot never learns from. ``bench/data/topic_map/banking77_topics.yml`` says, per
category, which of Candor's answers is on topic (written from the category names and Candor's
topics, frozen before the first run); categories about an e-money wallet's top-ups are left
out, and retail questions Candor has no topic for count as misses.

A message is answered on topic when the trained model's intent (after the fallback) or FAQ topic
is one the map accepts, or a rule the map accepts fires on it (a payment the customer did not
make is answered by the dispute form, not by a FAQ). This reads the NLU's decision, which the
guard and the policies act on; a rule that pre-empts the answer (a handoff) is not subtracted.
Only counts and category names are reported, never the sentences.

The messages are split in two by :func:`bot.compliance.labelled_examples.half_of` of the text:
the *tune* half is where missing topics and wording are looked for, the *test* half (the
default) is what the figure reports, so a topic added because of a miss cannot flatter it.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.bench.charts import pyplot
from bot.compliance.labelled_examples import half_of
from bot.errors import CandorError, Errors
from bot.paths import PROJECT_ROOT

DEFAULT_MAP = PROJECT_ROOT / "bench" / "data" / "topic_map" / "banking77_topics.yml"
DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "data" / "banking77" / "train.csv"
DEFAULT_OUT = PROJECT_ROOT / "bench" / "results"
GOAL = 0.85  # issue 18: on-topic answers to real customer wording
RULE_PREFIX = "rule:"


@dataclass(frozen=True)
class Category:
    """One data-set category: what answers it on topic, or why nothing does."""

    name: str
    answers: frozenset[str]  # empty for a gap or a category left out
    gap: str | None = None  # a retail question Candor has no topic for
    not_retail: str | None = None  # left out of the rate


def load_topic_map(path: Path, known: Iterable[str]) -> dict[str, Category]:
    """The map's categories; an error (E011) names the file, the category and the field.

    ``known`` holds every label an answer may name (``faq/<topic>``, intents, ``rule:<id>``),
    so a renamed topic fails here instead of silently counting every message as a miss.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    labels = set(known)
    categories: dict[str, Category] = {}
    for name, entry in (raw.get("categories") or {}).items():
        kinds = [k for k in ("answers", "gap", "not_retail") if k in (entry or {})]
        if len(kinds) != 1:
            raise CandorError(Errors.E011.format(
                path=path, problem=f"categories.{name}: give exactly one of answers, gap or "
                                   "not_retail"))
        answers = frozenset(str(a) for a in entry.get("answers") or [])
        unknown = sorted(answers - labels)
        if unknown:
            raise CandorError(Errors.E011.format(
                path=path, problem=f"categories.{name}.answers: unknown answer {unknown[0]!r} "
                                   "(not a FAQ topic, an intent or a rule)"))
        if kinds == ["answers"] and not answers:
            raise CandorError(Errors.E011.format(
                path=path, problem=f"categories.{name}.answers: empty list"))
        categories[str(name)] = Category(str(name), answers, entry.get("gap"),
                                         entry.get("not_retail"))
    return categories


def map_version(path: Path) -> int:
    """The map's ``version``: a result names the revision of the answer key it was scored by."""
    return int((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("version", 1))


def answer_labels(parsed: Mapping[str, Any], fired_rules: Iterable[str]) -> set[str]:
    """What the bot would answer with: intent, FAQ topic and ``rule:<id>`` of each rule fired."""
    intent = parsed.get("intent") or {}
    labels = {str(intent.get("name") or "")}
    topic = intent.get("full_retrieval_intent_name")
    if topic:
        labels.add(str(topic))
    return labels | {RULE_PREFIX + rule for rule in fired_rules}


def on_topic(category: Category, labels: set[str]) -> bool:
    """Whether an answer labelled ``labels`` is one the map accepts for ``category``."""
    return bool(category.answers & labels)


def coverage(rows: Iterable[tuple[str, str]], categories: Mapping[str, Category],
             answer: Callable[[str], set[str]]) -> dict[str, Any]:
    """Per category: messages, answered on topic, and the answers most given instead."""
    per: dict[str, dict[str, Any]] = {}
    for text, name in rows:
        category = categories.get(name)
        if category is None or category.not_retail:
            continue
        stats = per.setdefault(name, {"messages": 0, "on_topic": 0, "instead": Counter()})
        stats["messages"] += 1
        labels = answer(text)
        if on_topic(category, labels):
            stats["on_topic"] += 1
        else:
            given = sorted(label for label in labels if not label.startswith(RULE_PREFIX))
            stats["instead"][given[-1] if given else "(none)"] += 1
    messages = sum(s["messages"] for s in per.values())
    hits = sum(s["on_topic"] for s in per.values())
    return {
        "messages": messages, "on_topic": hits, "rate": round(hits / messages, 4) if messages else 0,
        "categories": {name: {"messages": s["messages"], "on_topic": s["on_topic"],
                              "rate": round(s["on_topic"] / s["messages"], 4),
                              "gap": categories[name].gap,
                              "instead": s["instead"].most_common(3)}
                       for name, s in sorted(per.items())},
        "left_out": sorted(c.name for c in categories.values() if c.not_retail),
    }


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor bench coverage``."""
    parser = subparsers.add_parser(
        "coverage", help="share of real customer queries answered on topic (BANKING77 train)")
    parser.add_argument("--model", type=Path, help="trained model (default: the current one)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="CSV with text,category columns (BANKING77's training split)")
    parser.add_argument("--map", type=Path, default=DEFAULT_MAP)
    parser.add_argument("--half", choices=("test", "tune", "all"), default="test",
                        help="messages by sha256(text) parity: tune finds gaps, test reports")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--name", default="topic_coverage", help="result file stem")
    parser.set_defaults(func=run)


def known_labels(book: Any, training_data: Any) -> set[str]:
    """Every intent and ``faq/<topic>`` of the training data, and ``rule:<id>`` of every rule."""
    labels = {str(e.get("intent")) for e in training_data.intent_examples}
    labels |= {str(e.get("intent_response_key")) for e in training_data.intent_examples
               if e.get("intent_response_key")}
    return labels | {RULE_PREFIX + rule.id for rule in book.rules}


def run(args: argparse.Namespace) -> int:
    """Parse every message with the trained model; write JSON, markdown and a chart."""
    from tqdm import tqdm

    from bot.bench.harness import load_agent
    from bot.bench.rule_thresholds import nlu_training_data
    from bot.compliance.evaluation import fired_rule_ids, rule_hits
    from bot.compliance.rulebook import load_rulebook
    from bot.runtime.training import model_path
    from bot.settings import candor_home

    book = load_rulebook()
    categories = load_topic_map(args.map, known_labels(book, nlu_training_data()))
    with args.data.open(encoding="utf-8", newline="") as handle:
        rows = [(row["text"], row["category"]) for row in csv.DictReader(handle)
                if args.half == "all" or half_of(row["text"]) == args.half]
    agent = load_agent(args.model or model_path(candor_home()))

    def answer(text: str) -> set[str]:
        parsed = asyncio.run(agent.parse_message(text))
        return answer_labels(parsed, fired_rule_ids(rule_hits(book, parsed)))

    report = coverage(tqdm(rows, desc="on-topic answers", unit="msg"), categories, answer)
    report.update(data=f"{args.data.parent.name}/{args.data.name}", half=args.half,
                  map=args.map.name, map_version=map_version(args.map), goal=GOAL,
                  rulebook_version=book.version)
    write_results(args.out, args.name, report)
    return 0


def markdown(report: Mapping[str, Any], chart: Path | None) -> str:
    """The overall rate against the goal, then every category, worst first."""
    rate, goal = float(report["rate"]), float(report["goal"])
    lines = [
        "# On-topic answers to real customer wording\n",
        f"Data: `{report['data']}` (BANKING77's training split, CC BY 4.0; the bot never learns "
        f"from it), {report.get('half', 'all')} half. Map: `bench/data/topic_map/{report['map']}` "
        f"(version {report.get('map_version', 1)}). "
        f"Rulebook {report['rulebook_version']}.\n",
        f"Command: `candor bench coverage --model MODEL --half {report.get('half', 'all')}`\n",
        f"**{report['on_topic']:,} of {report['messages']:,} messages answered on topic: "
        f"{rate:.1%}** (goal {goal:.0%}: {'met' if rate >= goal else 'not met'}). Left out "
        f"(an e-money wallet's top-ups): {', '.join(report['left_out'])}.\n",
        *([f"![on-topic rate per category]({chart.name})\n"] if chart else []),
        "| category | messages | on topic | rate | answered instead (most often) |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    ordered = sorted(report["categories"].items(), key=lambda kv: (kv[1]["rate"], kv[0]))
    for name, c in ordered:
        instead = ", ".join(f"{label} {n}" for label, n in c["instead"])
        note = f" (gap: {c['gap']})" if c["gap"] else ""
        lines.append(f"| {name}{note} | {c['messages']} | {c['on_topic']} | {c['rate']:.0%} | "
                     f"{instead} |")
    return "\n".join(lines) + "\n"


def write_results(out: Path, name: str, report: dict[str, Any]) -> None:
    """``<name>.json``, ``<name>.png`` and ``<name>.md`` under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    chart = write_chart(report, out / f"{name}.png")
    text = markdown(report, chart)
    (out / f"{name}.md").write_text(text, encoding="utf-8")
    print(text)


def write_chart(report: Mapping[str, Any], path: Path) -> Path | None:
    """One bar per category (on-topic rate), the goal as a line."""
    plt = pyplot()
    if plt is None:
        return None
    ordered = sorted(report["categories"].items(), key=lambda kv: kv[1]["rate"])
    fig, ax = plt.subplots(figsize=(8, 0.2 * len(ordered) + 1.2))
    ax.barh([n for n, _ in ordered], [c["rate"] for _, c in ordered],
            color=["#b0413e" if c["gap"] else "#3b6ea5" for _, c in ordered])
    ax.axvline(float(report["goal"]), color="grey", linestyle="--", linewidth=1)
    ax.set_xlim(0, 1)
    ax.tick_params(axis="y", labelsize=6)
    for label, (_, c) in zip(ax.get_yticklabels(), ordered, strict=True):
        if c["gap"]:
            label.set_color("#b0413e")  # no Candor topic: its bar is empty
    ax.set_title(f"On topic per category: {float(report['rate']):.1%} overall "
                 "(dashed: goal; red: no Candor topic)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
