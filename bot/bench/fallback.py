"""``candor bench fallback``: declining what the bot should, answering what it can.

A bank bot must not answer a weather question with a card-PIN answer, nor send a customer's
real banking question to "please rephrase". The `FallbackClassifier` threshold trades one
against the other, so this benchmark measures both on the trained model, at the configured
threshold and over a sweep:

- out of scope: CLINC150's out-of-scope queries (Larson et al. 2019, CC BY 3.0; both stored
  splits), and keyboard-mash gibberish generated here from a fixed seed;
- in scope: CLINC150's banking and credit-card queries (validation split), questions a bank's
  customers ask. Candor answers them with an FAQ topic, an account-data refusal or a handoff,
  so any intent other than a fallback or ``out_of_scope`` counts as answered.

CLINC's out-of-scope set is out of scope for *its* 150 intents; a few are banking questions
("how much is an overdraft fee") that Candor does answer, so its "answered" rate is an upper
bound on wrong answers. Results: ``bench/results/nlu_fallback.{json,md,png}``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import string
from pathlib import Path
from typing import Any

from bot.paths import PROJECT_ROOT

DEFAULT_CLINC = PROJECT_ROOT.parent / "shared" / "data" / "clinc150"
DEFAULT_OUT = PROJECT_ROOT / "bench" / "results"
DECLINED = {"nlu_fallback", "out_of_scope"}
THRESHOLDS = [round(0.3 + 0.05 * i, 2) for i in range(11)]  # 0.30 .. 0.80


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor bench fallback``."""
    parser = subparsers.add_parser("fallback", help="out-of-scope and gibberish vs in-scope")
    parser.add_argument("--clinc", type=Path, default=DEFAULT_CLINC, help="CLINC150 folder")
    parser.add_argument("--model", type=Path, help="trained model (default: the current one)")
    parser.add_argument("--gibberish", type=int, default=200, help="generated gibberish lines")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.set_defaults(func=run)


def gibberish(n: int, seed: int = 13) -> list[str]:
    """Keyboard mash: 1-4 random lower-case 'words' of 2-9 letters."""
    rng = random.Random(seed)
    return [
        " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9)))
                 for _ in range(rng.randint(1, 4)))
        for _ in range(n)
    ]


def clinc_texts(folder: Path, files: tuple[str, ...], splits: set[str]) -> list[str]:
    """Texts of the given CLINC150 csv files and splits."""
    texts = []
    for name in files:
        with (folder / name).open(encoding="utf-8") as handle:
            texts += [row["text"] for row in csv.DictReader(handle) if row["split"] in splits]
    return texts


def best_answer(parsed: dict[str, Any]) -> tuple[str, float]:
    """The classifier's top intent other than ``nlu_fallback``, and its confidence."""
    for entry in parsed.get("intent_ranking") or []:
        if entry.get("name") != "nlu_fallback":
            return str(entry["name"]), float(entry.get("confidence") or 0.0)
    return "nlu_fallback", 0.0


def answered_rate(parses: list[dict[str, Any]], threshold: float | None) -> float:
    """Share answered: at the configured model (``None``) or as if the threshold were given."""
    if not parses:
        return 0.0
    if threshold is None:
        count = sum(p["intent"]["name"] not in DECLINED for p in parses)
    else:
        count = 0
        for p in parses:
            intent, confidence = best_answer(p)
            count += intent not in DECLINED and confidence >= threshold
    return count / len(parses)


def run(args: argparse.Namespace) -> int:
    """Parse the three sets with the trained model; write JSON, markdown and a plot."""
    from tqdm import tqdm

    from bot.bench.harness import load_agent
    from bot.runtime.training import model_path
    from bot.settings import candor_home

    sets = {
        "out_of_scope": clinc_texts(args.clinc, ("oos.csv",), {"train", "val"}),
        "gibberish": gibberish(args.gibberish),
        "in_scope": clinc_texts(args.clinc, ("banking.csv", "credit_cards.csv"), {"val"}),
    }
    model = args.model or model_path(candor_home())
    agent = load_agent(model)
    parses = {
        name: [asyncio.run(agent.parse_message(t)) for t in tqdm(texts, desc=name, unit="msg")]
        for name, texts in sets.items()
    }
    report = {
        "model": Path(model).name,
        "sizes": {name: len(texts) for name, texts in sets.items()},
        "configured": {name: answered_rate(p, None) for name, p in parses.items()},
        "sweep": [{"threshold": t, **{name: answered_rate(p, t) for name, p in parses.items()}}
                  for t in THRESHOLDS],
        "data": "CLINC150 (Larson et al. 2019, CC BY 3.0) + generated gibberish (seed 13)",
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "nlu_fallback.json").write_text(json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    (args.out / "nlu_fallback.md").write_text(
        "# Fallback: out of scope and gibberish vs in-scope banking questions\n\n"
        f"Data: {report['data']}. Model `{report['model']}`. Command: `candor bench fallback`. "
        "'answered' = any intent other than `nlu_fallback` / `out_of_scope`; lower is better for "
        "out of scope and gibberish, higher for in scope. The sweep re-applies a fallback "
        "threshold to the classifier's top confidence (ambiguity check left out).\n\n"
        f"{table}\n\n![sweep](nlu_fallback.png)\n"
    )
    plot(report, args.out / "nlu_fallback.png")
    print(table)
    return 0


def markdown(report: dict[str, Any]) -> str:
    """Configured rates first, then the sweep."""
    names = list(report["sizes"])
    head = "| threshold | " + " | ".join(f"{n} answered (n={report['sizes'][n]})" for n in names)
    lines = [head + " |", "| --- |" + " --- |" * len(names)]
    lines.append("| **configured** | " + " | ".join(
        f"**{report['configured'][n]:.1%}**" for n in names) + " |")
    for row in report["sweep"]:
        lines.append(f"| {row['threshold']:.2f} | " + " | ".join(f"{row[n]:.1%}" for n in names)
                     + " |")
    return "\n".join(lines)


def plot(report: dict[str, Any], path: Path) -> None:
    """Answered share against the threshold, one line per set."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4))
    xs = [row["threshold"] for row in report["sweep"]]
    for name in report["sizes"]:
        ax.plot(xs, [row[name] for row in report["sweep"]], marker="o", label=name)
    ax.set_xlabel("fallback threshold on the top intent's confidence")
    ax.set_ylabel("share answered")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
