"""``candor csat ...``: train, evaluate, score, explain and calibrate the CSAT predictor.

Glue only: files and the transcript database at the edges, the pure core in ``bot/scoring/``.
Heavy imports (NumPy, SciPy, scikit-learn, VADER) happen inside the command functions so
``candor --help`` stays instant.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from pathlib import Path
from typing import Any

from bot.bench.csat.learners import DEFAULT_LEARNER, LEARNERS


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor csat`` and its sub-commands."""
    parser = subparsers.add_parser("csat", help="predict, explain and validate CSAT")
    sub = parser.add_subparsers(dest="csat", metavar="ACTION", required=True)

    p = sub.add_parser("train", help="fit the CSAT model and write its versioned artefact")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--uss", type=Path, help="train on a USS-format file")
    source.add_argument("--input", type=Path, help="train on a JSON export's survey answers")
    source.add_argument("--surveys", action="store_true",
                        help="train on the transcript DB's survey answers")
    p.add_argument("--version", default="csat-v2", help="artefact version (default csat-v2)")
    p.add_argument("--context", choices=("through", "before"), default="through")
    p.add_argument("--out", type=Path, help="artefact path (default: the shipped csat-v2.json)")
    p.set_defaults(func=train)

    p = sub.add_parser("evaluate", help="validate on a USS-format dialogue file")
    p.add_argument("--uss", type=Path, required=True)
    p.add_argument("--cv", type=int, help="folds of the paper's protocol (10)")
    p.add_argument("--context", choices=("before", "through"), default="before")
    p.add_argument("--learner", choices=tuple(LEARNERS), default=DEFAULT_LEARNER,
                   help="with --cv: the linear model over features + acts + turn embeddings "
                        "averaged with gradient boosting (ensemble, the default), that linear "
                        "model alone (context), the ordinal feature model, or features + TF-IDF "
                        "words (hybrid)")
    p.add_argument("--model", type=Path, help="artefact (default: shipped csat-v2)")
    p.add_argument("--out", type=Path, required=True, help="results JSON")
    p.set_defaults(func=evaluate)

    p = sub.add_parser("agreement", help="how well a USS file's annotators agree with one "
                                         "another: the human reference for each metric")
    p.add_argument("--uss", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True, help="results JSON")
    p.set_defaults(func=agreement)

    p = sub.add_parser("score", help="score conversations (batch, idempotent)")
    _source(p)
    p.add_argument("--out", type=Path, help="with --input: write the scores JSON here")
    p.add_argument("--idle-minutes", type=float,
                   help="score open conversations idle this long "
                        "(default CANDOR_CSAT_IDLE_MINUTES, else 30)")
    p.set_defaults(func=score)

    p = sub.add_parser("explain", help="show a conversation's score and its top factors")
    p.add_argument("conversation_id")
    _source(p)
    p.set_defaults(func=explain)

    p = sub.add_parser("calibrate", help="fit predicted -> surveyed mapping, report errors")
    _source(p)
    p.add_argument("--out", type=Path, help="calibration JSON (default: CANDOR_HOME/models)")
    p.set_defaults(func=calibrate)


def _source(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input", type=Path, help="JSON export of conversations instead of the DB")
    p.add_argument("--model", type=Path, help="artefact (default: shipped csat-v2)")


def _bar(desc: str, unit: str) -> Any:
    from tqdm import tqdm

    return partial(tqdm, desc=desc, unit=unit, file=sys.stderr, leave=False)


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _read_uss(path: Path) -> Any:
    from bot.bench.csat.uss import parse_uss

    return parse_uss(path.read_text(encoding="utf-8"), str(path))


def train(args: argparse.Namespace) -> int:
    """``candor csat train``: fit the shipped model on the synthetic set (or a USS file)."""
    from bot.bench.csat.synthetic import synthetic_dialogues
    from bot.bench.csat.training import labelled_from_uss, train_model
    from bot.scoring.model import DEFAULT_MODEL_PATH, save_model

    if args.uss:
        labelled = labelled_from_uss(_read_uss(args.uss))
        source = {"source": "uss", "file": args.uss.name}
    elif args.input or args.surveys:
        labelled = [(c, (), int(s)) for c, s in _conversations(args) if s is not None]
        source = {"source": "surveys", "conversations": len(labelled)}
    else:
        labelled = synthetic_dialogues()
        source = {"source": "synthetic", "generator": "bot.bench.csat.synthetic",
                  "dialogues": len(labelled)}
    if not args.out and (args.uss or args.input or args.surveys):
        from bot.settings import candor_home

        args.out = candor_home().models / f"{args.version}.json"
    model = train_model(labelled, args.version, source, context=args.context,
                        progress=_bar("features", "dialogue"))
    out = args.out or DEFAULT_MODEL_PATH
    save_model(model, out)
    print(f"wrote {out} ({model.version}, {model.trained_on['samples']} samples)")
    return 0


def evaluate(args: argparse.Namespace) -> int:
    """``candor csat evaluate``: Spearman and the paper's CV protocol on a USS file."""
    from bot.bench.csat.evaluate import cross_validate, evaluate_model
    from bot.scoring.model import load_model

    dialogues = _read_uss(args.uss)
    progress = _bar("features", "dialogue")
    if args.cv:
        result = cross_validate(dialogues, args.cv, args.context, progress=progress,
                                fold_progress=_bar("folds", "fold"),
                                learner=args.learner,
                                embed_progress=_bar("embeddings", "batch"))
    else:
        result = evaluate_model(dialogues, load_model(args.model), args.context, progress)
    result = {"file": args.uss.name, "dialogues": len(dialogues), **result}
    _write_json(args.out, result)
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0


def agreement(args: argparse.Namespace) -> int:
    """``candor csat agreement``: each annotator scored against the rest of the panel."""
    from bot.bench.csat.agreement import annotator_agreement

    result = {"file": args.uss.name, **annotator_agreement(_read_uss(args.uss), str(args.uss))}
    _write_json(args.out, result)
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0


def _conversations(args: argparse.Namespace) -> list[Any]:
    """(conversation, survey answer or None) pairs from --input or the transcript DB."""
    from bot.runtime import csat_records as adapter

    if args.input:
        return [(adapter.conversation_from_record(r), r.get("survey"))
                for r in adapter.load_records(args.input)]
    return adapter.db_conversations()


def score(args: argparse.Namespace) -> int:
    """``candor csat score``: score stored (or exported) conversations, idempotently."""
    import time

    from bot.runtime import csat_records as adapter
    from bot.runtime.autoscore import idle_seconds_from_env
    from bot.scoring.batch import due, score_row
    from bot.scoring.model import load_model

    model = load_model(args.model)
    now = time.time()
    idle = args.idle_minutes * 60 if args.idle_minutes is not None else idle_seconds_from_env()
    todo = [d for d in (due(c, now, idle) for c, _ in _conversations(args)) if d]
    rows = [score_row(c, model) for c in _bar("scoring", "conversation")(todo)]
    if args.input:
        out = args.out or args.input.with_suffix(".scores.json")
        _write_json(out, {"model_version": model.version, "scores": rows})
        print(f"scored {len(rows)} conversations -> {out}")
    else:
        written = adapter.db_save_scores(rows)
        print(f"scored {len(rows)} conversations ({written} written or updated)")
    return 0


def explain(args: argparse.Namespace) -> int:
    """``candor csat explain``: one conversation's score and the features that moved it."""
    from bot.errors import CandorError, Errors
    from bot.runtime import csat_records as adapter
    from bot.scoring.batch import score_row
    from bot.scoring.model import load_model

    model = load_model(args.model)
    if args.input:
        found = [c for c, _ in _conversations(args) if c.conversation_id == args.conversation_id]
    else:
        found = adapter.db_conversation(args.conversation_id)
    if not found:
        raise CandorError(Errors.E406.format(conversation_id=args.conversation_id))
    stored = None if args.input else adapter.db_stored_score(args.conversation_id, model.version)
    row = stored or score_row(found[0], model)
    if not args.input:
        print("stored score" if stored else "not yet stored; computed now (`candor csat score`)")
    print(f"{row['conversation_id']}: predicted CSAT {row['value']:.2f} / 5 "
          f"(class {row['predicted_class']}, model {row['model_version']})")
    print("per turn: " + ", ".join(f"{v:.2f}" for v in row["turn_scores"]))
    print("factors, in rating points against an average conversation:")
    for title, key in (("raising", "raising"), ("lowering", "lowering")):
        print(f"{title}:")
        for f in row["explanation"][key] or [{"feature": "(none)", "contribution": 0.0,
                                             "value": 0.0, "description": ""}]:
            print(f"  {f['contribution']:+.2f}  {f['feature']} = {f['value']:g}  "
                  f"{f['description']}")
    return 0


def calibrate(args: argparse.Namespace) -> int:
    """``candor csat calibrate``: fit calibration on survey answers; report ECE before/after."""
    from dataclasses import asdict

    from bot.scoring.calibration import calibration_report
    from bot.scoring.model import load_model
    from bot.scoring.scorer import score_conversation
    from bot.settings import candor_home

    model = load_model(args.model)
    pairs = [(c, s) for c, s in _conversations(args) if s is not None]
    predicted = [score_conversation(c, model).value for c, _ in pairs]
    cal, report = calibration_report(predicted, [float(s) for _, s in pairs])
    out = args.out or candor_home().models / f"{model.version}.calibration.json"
    _write_json(out, {"model_version": model.version, **asdict(cal), "report": report})
    print(json.dumps(report, indent=2, sort_keys=True))
    print(f"wrote {out}")
    return 0
