"""Markdown summary of a ``candor bench nlu`` result (committed beside the JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.bench.nlu_metrics import summary_table, worst_classes


def _component(entry: dict[str, Any]) -> str:
    options = ", ".join(f"{k}={v}" for k, v in entry.items() if k != "name")
    return f"`{entry['name']}`" + (f" ({options})" if options else "")


def markdown_report(result: dict[str, Any], plot: Path | None = None) -> str:
    """Command, headline table, pipeline, worst categories, top confusions, machine."""
    data, machine = result["data"], result["machine"]
    lines = [
        "# NLU benchmark",
        "",
        f"Dataset: {data.get('dataset') or data['train']}",
        "",
        "```",
        result["command"],
        "```",
        "",
        "```",
        summary_table(result),
        "```",
        "",
        "`accuracy` scores the classifier's top intent even where the FallbackClassifier "
        "answered `nlu_fallback`; `accuracy, fallback = wrong` counts those as errors.",
        "",
        "## Pipeline",
        "",
        *[f"1. {_component(entry)}" for entry in result["pipeline"]],
        "",
        "## Worst categories (F1)",
        "",
        "| category | precision | recall | F1 | support |",
        "| --- | --- | --- | --- | --- |",
        *[
            f"| {name} | {s['precision']:.2f} | {s['recall']:.2f} | {s['f1']:.2f} "
            f"| {s['support']} |"
            for name, s in worst_classes(result["per_class"], 10)
        ],
        "",
        "## Most frequent confusions",
        "",
        "| gold | predicted | count |",
        "| --- | --- | --- |",
        *[
            f"| {c['gold']} | {c['predicted']} | {c['count']} |"
            for c in result["top_confusions"][:10]
        ],
        "",
    ]
    if plot:
        lines += [f"![per-category F1]({plot.name})", ""]
    lines += [
        "## Machine",
        "",
        machine_line(machine),
        "",
        f"Inputs: train `{data['train']}` (sha256 `{data['train_sha256'][:12]}`), "
        f"test `{data['test']}` (sha256 `{data['test_sha256'][:12]}`).",
        "",
    ]
    return "\n".join(lines)


def cv_markdown_report(result: dict[str, Any]) -> str:
    """Product cross-validation: command, intent and FAQ-topic accuracy, confusions."""
    lines = [
        "# Product NLU: cross-validation on data/nlu",
        "",
        f"{result['n_examples']} examples, {result['n_intents']} intents "
        f"({result['n_faq_topics']} FAQ topics under `faq`), {result['folds']} stratified "
        f"folds (seed {result['seed']}), config `{Path(result['config']).name}`; "
        f"{result['seconds']:.0f} s in all.",
        "",
        "```",
        result["command"],
        "```",
        "",
        "| | accuracy (pooled held-out) | per fold | macro-F1 | train-fold accuracy |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key, title in (("intent", "intent"), ("faq_topic", "FAQ topic (`faq/<topic>`)")):
        s = result[key]
        folds = ", ".join(f"{a:.2%}" for a in s["fold_accuracy"])
        train = ", ".join(f"{a:.2%}" for a in s["fold_train_accuracy"])
        lines.append(f"| {title} | **{s['accuracy']:.2%}** (n={s['n']}) | {folds} "
                     f"| {s['macro_f1']:.4f} | {train} |")
    lines += [
        "",
        "Intent accuracy scores the classifier's top intent even where the FallbackClassifier "
        "answered `nlu_fallback` (Rasa's evaluation undoes the fallback). FAQ-topic accuracy is "
        "Rasa's response-selection score: the topic picked under the gold intent `faq`.",
        "",
    ]
    for key, title in (("intent", "Intent"), ("faq_topic", "FAQ topic")):
        s = result[key]
        lines += [
            f"## {title}: most frequent confusions",
            "",
            "| gold | predicted | count |",
            "| --- | --- | --- |",
            *[
                f"| {c['gold']} | {c['predicted']} | {c['count']} |"
                for c in s["top_confusions"][:10]
            ],
            "",
            f"## {title}: worst classes (F1)",
            "",
            "| class | precision | recall | F1 | support |",
            "| --- | --- | --- | --- | --- |",
            *[
                f"| {name} | {c['precision']:.2f} | {c['recall']:.2f} | {c['f1']:.2f} "
                f"| {c['support']} |"
                for name, c in worst_classes(s["per_class"], 8)
            ],
            "",
        ]
    lines += ["## Pipeline", "", *[f"1. {_component(e)}" for e in result["pipeline"]], ""]
    machine = result["machine"]
    lines += [
        "## Machine",
        "",
        machine_line(machine),
        "",
    ]
    return "\n".join(lines)


def machine_line(machine: dict[str, Any]) -> str:
    """CPU, cores, load and versions in one sentence: enough to compare two runs."""
    return (
        f"{machine['cpu']}, {machine['cpu_count']} cores (shared; load average at the end "
        f"{machine['load_average_1_5_15']}), Python {machine['python']}, Rasa {machine['rasa']}, "
        f"TensorFlow {machine['tensorflow']}."
    )
