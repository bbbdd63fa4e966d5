"""``candor bench thresholds``: each guardrail rule's ``min_score``, chosen on unseen writers.

The rule classifier learns from several blind writers' sets, and each writer draws the line
between "complaint" and "grumble" a little differently. A threshold chosen on one validation
writer follows that writer's habits; one chosen on text the model learnt is far too low. So
every learnt set is scored *out of writer*: the classifier (:class:`bot.nlu.rule_model.
RuleModel`, same settings and NLU examples as the product) is refitted without that set and
scores its turns. The validation sets, which nothing learns from, are scored by the classifier
fitted on every learnt set, as the product's is. Every customer turn is parsed by the trained
model for the pattern signals and intents, so a rule fires exactly as
:func:`bot.compliance.evaluation.hits_of_rule` decides in production, at each threshold.
:func:`bot.bench.threshold_selection.choose` picks the threshold on all of it pooled. The
frozen evaluation set's test half is never read.

Results: ``bench/results/<name>.{json,md,png}``; copy the chosen values into compliance.yml.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bot.bench.charts import pyplot
from bot.bench.signal_metrics import Counts, count
from bot.bench.threshold_selection import TARGETS, THRESHOLDS, Target, choose, margin
from bot.compliance.contract import COMPLIANCE_KEY, RULE_SCORES_KEY
from bot.compliance.evaluation import hits_of_rule
from bot.compliance.labelled_examples import load_samples, turns_of
from bot.compliance.rulebook import Rule, load_rulebook
from bot.nlu.rule_classifier import (
    RuleClassifier,
    fit_options,
    labelled_examples,
    nlu_examples,
    source_samples,
)
from bot.nlu.rule_model import RuleModel
from bot.paths import PROJECT_ROOT

DEFAULT_VALIDATION = (
    PROJECT_ROOT / "bench" / "data" / "signals_val" / "signals_val.yml",
    PROJECT_ROOT / "bench" / "data" / "signals_val2" / "signals_val2.yml",
)
DEFAULT_OUT = PROJECT_ROOT / "bench" / "results"
COMPONENT = "bot.nlu.rule_classifier.RuleClassifier"
#: Sets the pattern signals were fitted to (issue 18's second and third passes): out of writer
#: for the classifier, but not for the patterns, so they are reported and never pooled.
PATTERNS_FITTED_TO = frozenset({"signals_eval", "signals_tune2"})

Parsed = dict[str, Any]


@dataclass
class ScoredSet:
    """One labelled set: every sample's gold rules and its parsed turns, scores included."""

    name: str
    learnt: bool  # scored out of writer (True) or a validation set (False)
    gold: list[frozenset[str]]
    turns: list[list[Parsed]]
    pooled: bool = True  # False: reported, but left out of the choice


class ParseCache:
    """The trained model's parse of each text, kept on disk for a rerun with the same model.

    Parsing every turn of every set takes most of a run; a comparison of settings (``--setting``)
    only refits the classifier, so it can reuse the parses. The file records the model's size
    and modification time and is ignored when they differ.
    """

    def __init__(self, path: Path | None, model_file: Path) -> None:
        self._path = path
        stat = model_file.stat()
        self._model = f"{model_file.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
        stored = (json.loads(path.read_text(encoding="utf-8"))
                  if path is not None and path.exists() else {})
        self._parses: dict[str, Parsed] = (stored.get("parses", {})
                                           if stored.get("model") == self._model else {})

    def get(self, text: str) -> Parsed | None:
        """A copy of the stored parse (callers replace its rule scores)."""
        stored = self._parses.get(text)
        return json.loads(json.dumps(stored)) if stored is not None else None

    def put(self, text: str, parsed: Parsed) -> Parsed:
        """Store ``parsed`` (as JSON would hold it) and return it."""
        self._parses[text] = json.loads(json.dumps(parsed, default=str))
        return parsed

    def save(self) -> None:
        """Write the file, when one was asked for."""
        if self._path is not None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._path.write_text(json.dumps({"model": self._model, "parses": self._parses}),
                                  encoding="utf-8")


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor bench thresholds``."""
    parser = subparsers.add_parser(
        "thresholds", help="choose each rule's min_score on writers the classifier never learnt")
    parser.add_argument("--model", type=Path, help="trained model (default: the current one)")
    parser.add_argument("--validation", type=Path, nargs="*", default=list(DEFAULT_VALIDATION),
                        help="labelled sets nothing learns from, scored by the trained model")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--name", default="rule_thresholds", help="result file stem")
    parser.add_argument("--parse-cache", type=Path,
                        help="keep the model's parses here for the next run with the same model")
    parser.add_argument("--setting", action="append", default=[], metavar="KEY=VALUE",
                        help="override a classifier setting for every fit (e.g. C=3), to compare")
    parser.add_argument("--errors", type=Path, metavar="FILE",
                        help="write the learnt sets' misses and false alarms at the current "
                             "thresholds here (JSON; never the validation sets')")
    parser.set_defaults(func=run)


def component_config(overrides: Sequence[str] = ()) -> dict[str, Any]:
    """The rule classifier's settings: defaults, config.yml's pipeline entry, then ``KEY=VALUE``s."""
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    entry: dict[str, Any] = next((c for c in config.get("pipeline") or [] if c.get("name") == COMPONENT), {})
    merged = {**RuleClassifier.get_default_config(),
              **{k: v for k, v in entry.items() if k != "name"}}
    for override in overrides:
        key, _, value = override.partition("=")
        if key not in merged or not value:
            raise SystemExit(f"--setting {override!r}: expected KEY=VALUE with KEY one of "
                             + ", ".join(sorted(merged)))
        merged[key] = yaml.safe_load(value)
    return merged


def nlu_training_data() -> Any:
    """The project's NLU training data, read as ``rasa train`` reads it."""
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        config_path=str(PROJECT_ROOT / "config.yml"), domain_path=str(PROJECT_ROOT / "domain.yml"),
        training_data_paths=[str(PROJECT_ROOT / "data")])
    return importer.get_nlu_data()


def run(args: argparse.Namespace) -> int:
    """Score every set, sweep the thresholds, write JSON, markdown and a chart."""
    from tqdm import tqdm

    from bot.bench.harness import load_agent
    from bot.nlu.encoders import load_encoder
    from bot.runtime.training import model_path
    from bot.settings import candor_home

    book = load_rulebook()
    rules = [r for r in book.rules if r.trigger.model is not None]
    triggers = {r.id: r.trigger.model for r in rules if r.trigger.model is not None}
    config = component_config(args.setting)
    model_file = Path(args.model or model_path(candor_home()))
    agent = load_agent(model_file)
    encoder = load_encoder(str(config["encoder"]))

    parses = ParseCache(args.parse_cache, model_file)

    def parse(text: str) -> Parsed:
        return parses.get(text) or parses.put(text, dict(asyncio.run(agent.parse_message(text))))

    cache: dict[str, np.ndarray] = {}

    def embed(texts: list[str]) -> np.ndarray:
        """Sentence embeddings, each distinct text encoded once across all the fits."""
        new = list(dict.fromkeys(t for t in texts if t not in cache))
        cache.update(zip(new, encoder.sentence_embeddings(new), strict=True))
        return np.stack([cache[t] for t in texts])

    nlu = nlu_examples(nlu_training_data(), triggers)
    sources: list[Mapping[str, Any]] = list(config["examples"])
    held_out = {text for source in config["held_out"] for text, _ in source_samples(source)}

    def fitted(without: int | None) -> RuleModel:
        """The product's classifier, fitted without the ``without``-th example source."""
        examples = nlu + labelled_examples(
            [s for i, s in enumerate(sources) if i != without], config["held_out"],
            frozenset(triggers), float(config["example_weight"]))
        return RuleModel.fit(examples, embed([e.text for e in examples]),
                             list(triggers), fit_options(config))

    sets: list[ScoredSet] = []
    for index, source in enumerate(tqdm(sources, desc="out-of-writer folds", unit="set")):
        samples = [s for s in load_samples(PROJECT_ROOT / str(source["path"]),
                                           source.get("half", "all"))
                   if " ".join(turns_of(s)) not in held_out]
        scored = scored_set(set_name(source), True, samples, parse, fitted(index), embed)
        scored.pooled = Path(str(source["path"])).stem not in PATTERNS_FITTED_TO
        sets.append(scored)
    everything = fitted(None)
    for path in tqdm(args.validation, desc="validation sets", unit="set"):
        sets.append(scored_set(path.stem, False, load_samples(path), parse, everything, embed))
    parses.save()
    report = sweep(rules, sets)
    report["settings"] = args.setting
    write_results(args, report, book.version)
    if args.errors is not None:
        args.errors.write_text(json.dumps(learnt_errors(rules, sets), indent=1) + "\n",
                               encoding="utf-8")
    return 0


def set_name(source: Mapping[str, Any]) -> str:
    """``signals_tune2``, or ``signals_eval (tune)`` for one half of a split set."""
    half = str(source.get("half", "all"))
    return Path(str(source["path"])).stem + ("" if half == "all" else f" ({half})")


def scored_set(name: str, learnt: bool, samples: Sequence[Mapping[str, Any]],
               parse: Callable[[str], Parsed], model: RuleModel,
               embed: Callable[[list[str]], np.ndarray]) -> ScoredSet:
    """Parse every turn for its signals and intents; ``model`` gives the rule scores."""
    texts = [turns_of(sample) for sample in samples]
    turns = [[parse(text) for text in sample_texts] for sample_texts in texts]
    flat_texts = [text for sample_texts in texts for text in sample_texts]
    rows = model.predict_proba(flat_texts, embed(flat_texts))
    flat = [p for sample_turns in turns for p in sample_turns]
    for parsed, row in zip(flat, rows, strict=True):
        parsed[RULE_SCORES_KEY] = dict(zip(model.rules, map(float, row), strict=True))
    return ScoredSet(name, learnt, [frozenset(s["rules"]) for s in samples], turns)


def at_threshold(rule: Rule, threshold: float) -> Rule:
    """The rule with its classifier's ``min_score`` set to ``threshold``."""
    assert rule.trigger.model is not None
    model = rule.trigger.model.copy(update={"min_score": threshold})
    return rule.copy(update={"trigger": rule.trigger.copy(update={"model": model})})


def fired_samples(rule: Rule, scored: ScoredSet) -> list[bool]:
    """Per sample, whether the rule fires (a sample fires when any of its turns does)."""
    return [any(hits_of_rule(rule, p) for p in turns) for turns in scored.turns]


def set_counts(rule: Rule, scored: ScoredSet) -> Counts:
    """How the rule does on one set."""
    return count([rule.id in g for g in scored.gold], fired_samples(rule, scored))


def sweep(rules: Sequence[Rule], sets: Sequence[ScoredSet]) -> dict[str, Any]:
    """Per rule: counts at every candidate threshold, the chosen one and the current one."""
    report: dict[str, Any] = {"sets": [{"name": s.name, "learnt": s.learnt, "pooled": s.pooled,
                                        "samples": len(s.gold)} for s in sets], "rules": {}}
    for rule in rules:
        assert rule.trigger.model is not None
        current = rule.trigger.model.min_score
        target = TARGETS.get(rule.id, Target())
        grid = sorted({*THRESHOLDS, current})
        per_set = {t: [set_counts(at_threshold(rule, t), s) for s in sets] for t in grid}
        pooled = {t: sum((c for c, s in zip(counts, sets, strict=True) if s.pooled), Counts(0, 0, 0))
                  for t, counts in per_set.items()}
        chosen = choose(pooled, target)
        report["rules"][rule.id] = {
            "target": {"precision": target.precision, "recall": target.recall},
            "current": current, "chosen": chosen,
            "pooled": {str(t): summary(c, target) for t, c in pooled.items()},
            "by_set_at_chosen": {s.name: summary(c, target)
                                 for s, c in zip(sets, per_set[chosen], strict=True)},
        }
    report["order"] = [rule.id for rule in rules]
    return report


def learnt_errors(rules: Sequence[Rule], sets: Sequence[ScoredSet]) -> list[dict[str, Any]]:
    """Each learnt set's out-of-writer errors at the rulebook's thresholds, for error analysis.

    Only sets the classifier learns from: the validation sets stay unread, so that they keep
    measuring what the analysis of these errors changes. Each entry says which way the rule
    erred, the customer's turns, the classifier's highest score and the detector patterns hit.
    """
    errors: list[dict[str, Any]] = []
    for scored in (s for s in sets if s.learnt):
        for rule in rules:
            for gold, turns, fired in zip(scored.gold, scored.turns, fired_samples(rule, scored),
                                          strict=True):
                if fired == (rule.id in gold):
                    continue
                errors.append({
                    "set": scored.name, "rule": rule.id,
                    "error": "false alarm" if fired else "missed",
                    "turns": [str(p.get("text", "")) for p in turns],
                    "score": round(max(p[RULE_SCORES_KEY][rule.id] for p in turns), 3),
                    "patterns": sorted({f"{h['detector']}:{h['pattern_name']}" for p in turns
                                        for h in (p.get(COMPLIANCE_KEY) or {}).get("hits") or []}),
                })
    return errors


def summary(counts: Counts, target: Target) -> dict[str, Any]:
    """Counts, precision, recall and the margin against the targets, rounded for the report."""
    return {"tp": counts.tp, "fp": counts.fp, "fn": counts.fn,
            "precision": round(counts.precision, 4), "recall": round(counts.recall, 4),
            "margin": round(margin(counts, target), 4)}


def markdown(report: Mapping[str, Any], version: str) -> str:
    """The chosen thresholds, pooled precision / recall, and per-set figures."""
    sets = [s["name"] for s in report["sets"]]
    met = sum(r["pooled"][str(r["chosen"])]["margin"] >= 0 for r in report["rules"].values())
    lines = [
        "# Rule classifier thresholds, chosen on writers it never learnt\n",
        f"Rulebook {version}. Command: `candor bench thresholds` (see `bot/bench/rule_thresholds.py`"
        " for the method). Learnt sets are scored by a classifier refitted without them; "
        "validation sets by the classifier fitted on every learnt set. The frozen evaluation "
        "set's test half is never read. The pattern signals were fitted to the sets marked "
        "*not pooled*, so those are shown but do not choose.\n",
        "Sets: " + ", ".join(f"`{s['name']}` ({s['samples']}, "
                             f"{'out of writer' if s['learnt'] else 'validation'}"
                             f"{'' if s.get('pooled', True) else ', not pooled'})"
                             for s in report["sets"]) + "\n",
        *([f"Settings changed for this comparison: `{' '.join(report['settings'])}`\n"]
          if report.get("settings") else []),
        f"Pooled, at the chosen thresholds, {met} of {len(report['rules'])} rules meet both "
        "targets.\n",
        "| rule | target P / R | current | P / R at current | **chosen** | P / R at chosen |",
        "| --- | --- | ---: | --- | ---: | --- |",
    ]
    for rule_id in report["order"]:
        r = report["rules"][rule_id]
        now, best = r["pooled"][str(r["current"])], r["pooled"][str(r["chosen"])]
        lines.append(
            f"| `{rule_id}` | {r['target']['precision']:.2f} / {r['target']['recall']:.2f} | "
            f"{r['current']:.2f} | {now['precision']:.2f} / {now['recall']:.2f} | "
            f"**{r['chosen']:.2f}** | {best['precision']:.2f} / {best['recall']:.2f} |")
    lines += ["", "## Precision / recall per set at the chosen threshold", "",
              "| rule | " + " | ".join(sets) + " |", "| --- |" + " --- |" * len(sets)]
    for rule_id in report["order"]:
        cells = [f"{c['precision']:.2f} / {c['recall']:.2f}"
                 for c in report["rules"][rule_id]["by_set_at_chosen"].values()]
        lines.append(f"| `{rule_id}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_results(args: argparse.Namespace, report: dict[str, Any], version: str) -> None:
    """``<name>.json``, ``<name>.md`` and ``<name>.png`` under ``--out``."""
    args.out.mkdir(parents=True, exist_ok=True)
    report["rulebook_version"] = version
    (args.out / f"{args.name}.json").write_text(json.dumps(report, indent=2) + "\n")
    chart = write_chart(report, args.out / f"{args.name}.png")
    text = markdown(report, version)
    if chart:
        text += f"\n![pooled precision and recall against the threshold]({chart.name})\n"
    (args.out / f"{args.name}.md").write_text(text)
    print(text)


def write_chart(report: Mapping[str, Any], path: Path) -> Path | None:
    """Pooled precision and recall against the threshold, one panel per rule."""
    plt = pyplot()
    if plt is None:
        return None
    order = report["order"]
    fig, axes = plt.subplots(2, (len(order) + 1) // 2, figsize=(12, 5.5), sharey=True)
    for ax, rule_id in zip(axes.flat, order, strict=False):
        r = report["rules"][rule_id]
        grid = sorted(r["pooled"], key=float)
        xs = [float(t) for t in grid]
        ax.plot(xs, [r["pooled"][t]["precision"] for t in grid], label="precision")
        ax.plot(xs, [r["pooled"][t]["recall"] for t in grid], label="recall")
        ax.axvline(r["chosen"], color="grey", linestyle="--", linewidth=1)
        ax.set_title(rule_id, fontsize=9)
        ax.set_ylim(0.5, 1.01)
    axes.flat[0].legend(fontsize=8, loc="lower left")
    fig.suptitle("Pooled precision and recall against min_score (dashed: chosen)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
