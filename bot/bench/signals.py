"""``candor bench signals``: precision/recall of the rules that fire on what a customer says.

The default set is the frozen, blind evaluation set (``bench/data/signals_eval/``: written by
someone who had seen neither the detector patterns nor the training data). Only its *test* half
is reported (:func:`bot.compliance.labelled_examples.half_of`); the *tune* half is the one
detectors may be changed against and the rule classifier learns from, and ``--misses`` lists its
misses (refused on its test half, so nobody tunes on it by accident; another ``--data`` set,
such as the all-tuning ``bench/data/signals_tune2/``, may be listed whole). Each customer turn
is parsed by the trained model and evaluated three ways with
:func:`bot.compliance.evaluation.rule_hits`: the pattern signals alone, the learned side alone
(the rule classifier's scores, and intents where a rule names them), and both as production runs
them; a sample fires a rule when any of its turns does. Scores carry 95% Wilson intervals.
Results: ``bench/results/<name>.{json,md,png}``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.bench.charts import pyplot
from bot.bench.signal_metrics import (
    markdown,
    mode_summary,
    precision_recall,
)
from bot.compliance.labelled_examples import load_samples, turns_of
from bot.paths import PROJECT_ROOT

DEFAULT_DATA = PROJECT_ROOT / "bench" / "data" / "signals_eval" / "signals_eval.yml"
DEFAULT_OUT = PROJECT_ROOT / "bench" / "results"
MODES = ("patterns", "nlu", "combined")


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor bench signals``."""
    parser = subparsers.add_parser("signals", help="guardrail triggers: precision/recall")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--half", choices=("test", "tune", "all"), default="test",
                        help="which half of the split to score (default: the test half)")
    parser.add_argument("--model", type=Path, help="trained model (default: the current one)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--name", default="guardrails_signals_eval", help="result file stem")
    parser.add_argument("--misses", action="store_true",
                        help="print wrong rule sets (the default set's tune half, or any other --data)")
    parser.add_argument("--banking77", type=Path,
                        help="also count the rules fired on these ordinary customer queries (a CSV "
                             "with text and category columns, e.g. BANKING77's training split)")
    parser.set_defaults(func=run)


def measured_rules(rule_ids: list[str], samples: Sequence[Mapping[str, Any]]) -> list[str]:
    """Rules the set labels, in rulebook order (a labelled rule the rulebook lacks comes last)."""
    labelled = {rule for s in samples for rule in s["rules"]}
    return [r for r in rule_ids if r in labelled] + sorted(labelled - set(rule_ids))


def misses_allowed(data: Path, half: str) -> bool:
    """Whether ``--misses`` may list this selection.

    The default set is frozen for evaluation: only its tune half may be looked at. Any other
    ``--data`` set is one the caller chose as a tuning set (e.g. ``bench/data/signals_tune2``,
    all of it tuning), so every half of it may be listed.
    """
    return half == "tune" or data.resolve() != DEFAULT_DATA.resolve()


def run(args: argparse.Namespace) -> int:
    """Parse every turn, score the three modes, write JSON, markdown and a chart."""
    if args.misses and not misses_allowed(args.data, args.half):
        raise SystemExit("--misses lists the frozen set's tune half only (never tune on its test "
                         "half); another --data set may be listed whole")
    from tqdm import tqdm

    from bot.bench.harness import load_agent
    from bot.compliance.contract import COMPLIANCE_KEY, RULE_SCORES_KEY
    from bot.compliance.evaluation import fired_rule_ids, rule_hits
    from bot.compliance.rulebook import load_rulebook
    from bot.runtime.training import model_path
    from bot.settings import candor_home

    book = load_rulebook()
    samples = load_samples(args.data, args.half)
    measured = measured_rules([r.id for r in book.rules], samples)
    agent = load_agent(args.model or model_path(candor_home()))
    parsed = [[asyncio.run(agent.parse_message(t)) for t in turns_of(s)]
              for s in tqdm(samples, desc="parsing", unit="sample")]
    views = {
        "patterns": lambda p: {**p, "intent": {}, RULE_SCORES_KEY: {}},
        "nlu": lambda p: {**p, COMPLIANCE_KEY: {"hits": []}},
        "combined": lambda p: p,
    }
    gold = [set(s["rules"]) for s in samples]
    report: dict[str, Any] = {"n_samples": len(samples), "half": args.half,
                              "data": str(args.data.relative_to(PROJECT_ROOT)
                                          if args.data.is_relative_to(PROJECT_ROOT) else args.data),
                              "rulebook_version": book.version, "modes": {}}
    predicted_by_mode: dict[str, list[set[str]]] = {}
    for mode, view in views.items():
        predicted_by_mode[mode] = [
            {rule for p in turns for rule in fired_rule_ids(rule_hits(book, view(p)))} & set(measured)
            for turns in parsed
        ]
        report["modes"][mode] = {rule: precision_recall(gold, predicted_by_mode[mode], rule)
                                 for rule in measured}
    if args.misses:
        print_misses(samples, gold, predicted_by_mode["combined"])
    if args.banking77:
        report["ordinary"] = ordinary_queries(args.banking77, book, measured,
                                              lambda text: asyncio.run(agent.parse_message(text)))
    write_results(args, report, measured)
    return 0


def print_misses(samples: Sequence[Mapping[str, Any]], gold: list[set[str]],
                 predicted: list[set[str]]) -> None:
    """Every sample whose fired rules differ from its labels (never the frozen test half)."""
    for sample, want, got in zip(samples, gold, predicted, strict=True):
        if want != got:
            print(f"{sample['id']}: want {sorted(want)} got {sorted(got)} :: "
                  + " || ".join(turns_of(sample)))


def ordinary_queries(path: Path, book: Any, rules: list[str],
                     parse: Callable[[str], Mapping[str, Any]]) -> dict[str, Any]:
    """How often each rule fires on ordinary customer queries, and in which of their categories.

    BANKING77's queries ask about a product or a problem; none asks for a person, for advice or
    whether the bot is one, so those rules firing there are false alarms a customer would see
    (complaint, dispute and account data legitimately fire on some). Only counts and category
    names are reported, never the sentences.
    """
    from tqdm import tqdm

    from bot.compliance.evaluation import fired_rule_ids, rule_hits

    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(row["text"], row.get("category", "")) for row in csv.DictReader(handle)]
    fired: dict[str, Counter[str]] = {rule: Counter() for rule in rules}
    for text, category in tqdm(rows, desc="rules on ordinary queries", unit="msg"):
        for rule in set(fired_rule_ids(rule_hits(book, parse(text)))) & set(rules):
            fired[rule][category] += 1
    return {
        "data": f"{path.parent.name}/{path.name}",
        "messages": len(rows),
        "fired": {rule: sum(c.values()) for rule, c in fired.items()},
        "top_categories": {rule: c.most_common(5) for rule, c in fired.items()},
    }


def ordinary_markdown(ordinary: Mapping[str, Any], rules: Sequence[str]) -> str:
    """One row per rule: messages fired on, their share, the categories most fired on."""
    n = int(ordinary["messages"])
    lines = [f"## Rules fired on ordinary customer queries ({n:,} messages of "
             f"`{ordinary['data']}`)", "",
             "| rule | messages | share | categories most fired on |", "| --- | ---: | ---: | --- |"]
    for rule in rules:
        count = int(ordinary["fired"][rule])
        top = ", ".join(f"{name} {k}" for name, k in ordinary["top_categories"][rule])
        lines.append(f"| `{rule}` | {count} | {count / n:.2%} | {top} |" if n else
                     f"| `{rule}` | 0 | - | |")
    return "\n".join(lines) + "\n"


def write_results(args: argparse.Namespace, report: dict[str, Any], rules: list[str]) -> None:
    """``<name>.json``, ``<name>.md`` and ``<name>.png`` under ``--out``."""
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(report, indent=2) + "\n")
    combined = markdown(report["modes"]["combined"], rules)
    chart = write_chart(report, rules, args.out / f"{args.name}.png")
    command = command_line(report["data"], args.half, args.name,
                           str(args.banking77) if args.banking77 else None)
    (args.out / f"{args.name}.md").write_text(
        "# Guardrail triggers: precision / recall with 95% Wilson intervals\n\n"
        f"{report['n_samples']} samples ({args.half} half) of `{report['data']}`, rulebook "
        f"{report['rulebook_version']}; every customer turn is parsed by the trained model and a "
        "sample fires a rule when `rule_hits` returns it for any of its turns.\n\n"
        f"Command: `{command}`\n\n## Production (patterns + rule classifier)\n\n{combined}\n\n"
        f"## Patterns alone, learned alone (`nlu`), both\n\n{mode_summary(report['modes'], rules)}\n"
        + (f"\n![precision and recall per rule]({chart.name})\n" if chart else "")
        + (f"\n{ordinary_markdown(report['ordinary'], rules)}" if "ordinary" in report else "")
    )
    print(combined)


def command_line(data: str, half: str, name: str, banking77: str | None = None) -> str:
    """The ``candor bench signals`` command that reproduces a result (defaults left out)."""
    default_data = str(DEFAULT_DATA.relative_to(PROJECT_ROOT))
    return "candor bench signals" + "".join(
        f" {flag} {value}" for flag, value, default in (
            ("--data", data, default_data), ("--half", half, "test"),
            ("--name", name, "guardrails_signals_eval"), ("--banking77", banking77, None))
        if value != default
    )


def write_chart(report: dict[str, Any], rules: list[str], path: Path) -> Path | None:
    """Precision and recall bars per rule with their 95% intervals (skipped without matplotlib)."""
    plt = pyplot()
    if plt is None:
        return None
    scores = report["modes"]["combined"]
    fig, ax = plt.subplots(figsize=(9, 3.8))
    for offset, metric in ((-0.2, "precision"), (0.2, "recall")):
        values = [scores[r][metric] or 0.0 for r in rules]
        cis = [scores[r][f"{metric}_ci"] or (0.0, 0.0) for r in rules]
        errors = [[v - lo for v, (lo, _) in zip(values, cis, strict=True)],
                  [hi - v for v, (_, hi) in zip(values, cis, strict=True)]]
        ax.bar([x + offset for x in range(len(rules))], values, 0.4, yerr=errors, capsize=3,
               label=metric)
    ax.set_xticks(list(range(len(rules))), rules, rotation=25, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"Candor guardrail triggers, {report['half']} half (95% Wilson intervals)")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
