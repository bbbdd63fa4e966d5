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
from typing import TYPE_CHECKING, Any

from bot.bench.csat.learners import DEFAULT_LEARNER, LEARNERS

if TYPE_CHECKING:
    from datetime import datetime

    from bot.scoring.model import CsatModel
    from bot.scoring.transcript import Dialogue
    from bot.settings.console import AuditKeys


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
    p.add_argument("--version", help="artefact version (default csat-v3; with survey answers "
                                      "csat-surveys-DATE-TIME)")
    p.add_argument("--context", choices=("through", "before"), default="through",
                   help="with --uss: whether a turn's own words are visible to its rating "
                        "(survey answers rate whole conversations)")
    p.add_argument("--out", type=Path, help="artefact path (default: the shipped csat-v3.json; "
                                            "otherwise CANDOR_HOME/models/VERSION.json)")
    p.add_argument("--check-only", action="store_true",
                   help="with survey answers: train and run the held-out check, never promote")
    p.set_defaults(func=train)

    p = sub.add_parser("model", help="which CSAT model scores conversations, and why")
    p.add_argument("--use-shipped", action="store_true",
                   help="drop the promoted model and score with the shipped one again (audited)")
    p.set_defaults(func=active)

    p = sub.add_parser("evaluate", help="validate on a USS-format dialogue file")
    p.add_argument("--uss", type=Path, required=True)
    p.add_argument("--cv", type=int, help="folds of the paper's protocol (10)")
    p.add_argument("--context", choices=("before", "through"), default="before")
    p.add_argument("--learner", choices=tuple(LEARNERS), default=DEFAULT_LEARNER,
                   help="with --cv: the linear model over features + acts + turn embeddings "
                        "averaged with gradient boosting (ensemble, the default), that linear "
                        "model alone (context), the ordinal feature model, or features + TF-IDF "
                        "words (hybrid)")
    p.add_argument("--model", type=Path, help="artefact (default: the shipped csat-v3)")
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
    p.add_argument("--model", type=Path, help="artefact (default: the model in use, see `candor csat model`)")


def _bar(desc: str, unit: str) -> Any:
    from tqdm import tqdm

    return partial(tqdm, desc=desc, unit=unit, file=sys.stderr, leave=False)


def _model(args: argparse.Namespace) -> CsatModel:
    """``--model FILE`` if given, else the model in use (promoted, or shipped)."""
    from bot.scoring.active_model import load_active_model
    from bot.scoring.model import load_model

    return load_model(args.model) if args.model else load_active_model()


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _read_uss(path: Path) -> Any:
    from bot.bench.csat.uss import parse_uss

    return parse_uss(path.read_text(encoding="utf-8"), str(path))


def train(args: argparse.Namespace) -> int:
    """``candor csat train``: fit the shipped model on the synthetic set (or a USS file).

    With survey answers (``--surveys`` or ``--input``) it trains a candidate instead and
    promotes it only if it passes the held-out check (:func:`_train_on_surveys`).
    """
    from bot.bench.csat.synthetic import synthetic_dialogues
    from bot.bench.csat.training import SHIPPED_RECENCY, labelled_from_uss, train_model
    from bot.scoring.model import DEFAULT_MODEL_PATH, save_model

    if args.input or args.surveys:
        return _train_on_surveys(args)
    args.version = args.version or "csat-v3"
    recency = None
    if args.uss:
        labelled = labelled_from_uss(_read_uss(args.uss))
        source = {"source": "uss", "file": args.uss.name}
    else:
        labelled = synthetic_dialogues()
        source = {"source": "synthetic", "generator": "bot.bench.csat.synthetic",
                  "dialogues": len(labelled)}
        recency = SHIPPED_RECENCY
    if not args.out and args.uss:
        from bot.settings import candor_home

        args.out = candor_home().models / f"{args.version}.json"
    model = train_model(labelled, args.version, source, context=args.context,
                        progress=_bar("features", "dialogue"), recency=recency)
    out = args.out or DEFAULT_MODEL_PATH
    save_model(model, out)
    print(f"wrote {out} ({model.version}, {model.trained_on['samples']} samples)")
    return 0


def _train_on_surveys(args: argparse.Namespace) -> int:
    """Train on the bank's survey answers; promote only past the minimum count and the check.

    A quarter of the answered conversations (by a hash of their id) is held out; the candidate
    learns from the rest and must rank the held-out answers better than the model in use
    (:mod:`bot.scoring.promotion`). It scores a conversation as the shipped model does, by how
    it ended (recency), and learns each answer from the turn prefixes that score averages. It
    is saved either way, with the check in ``trained_on``; a promotion is recorded in the audit
    log, so there is no key, no promotion.
    """
    from dataclasses import replace
    from datetime import datetime, timezone

    from bot.bench.csat.training import SHIPPED_RECENCY, train_model
    from bot.errors import CandorError, Errors
    from bot.scoring.active_model import load_active_model
    from bot.scoring.model import DEFAULT_MODEL_PATH, load_model, save_model
    from bot.scoring.promotion import (
        MIN_HELD_OUT,
        MIN_SURVEY_ANSWERS,
        held_out_check,
        is_held_out,
    )
    from bot.scoring.scorer import score_conversation
    from bot.settings import candor_home
    from bot.settings.console import AuditKeys

    keys = None if args.check_only else AuditKeys.from_env()
    held: list[tuple[Dialogue, int]] = []
    learn: list[tuple[Dialogue, int]] = []
    for c, s in _conversations(args):
        if s is not None:
            (held if is_held_out(c.conversation_id) else learn).append((c, int(s)))
    answered = len(held) + len(learn)
    if answered < MIN_SURVEY_ANSWERS or len(held) < MIN_HELD_OUT:
        raise CandorError(Errors.E412.format(needed=MIN_SURVEY_ANSWERS, held_needed=MIN_HELD_OUT,
                                             have=answered, held_have=len(held)))
    now = datetime.now(timezone.utc)
    current = load_active_model()
    version = args.version or f"csat-surveys-{now:%Y%m%d-%H%M%S}"
    out = args.out or candor_home().models / f"{version}.json"
    taken = {load_model(f).version: "shipped" for f in DEFAULT_MODEL_PATH.parent.glob("*.json")}
    taken[current.version] = "the model in use"
    if version in taken or out.exists():
        raise CandorError(Errors.E413.format(version=version,
                                             where=taken.get(version, f"{out} exists")))
    source = {"source": "surveys", "conversations": len(learn), "held_out": len(held)}
    model = train_model([(c, (), s) for c, s in learn], version, source,
                        progress=_bar("features", "dialogue"), recency=SHIPPED_RECENCY,
                        fit_recency=True)
    check = held_out_check([score_conversation(c, model).value for c, _ in held],
                           [score_conversation(c, current).value for c, _ in held],
                           [s for _, s in held])
    record = {"against": current.version, **check.as_dict()}
    model = replace(model, trained_on={**model.trained_on, "held_out_check": record})
    save_model(model, out)
    print(f"wrote {out} ({version}: learnt from {len(learn)} answers, {len(held)} held out)")
    print(f"held-out check against {current.version}: {check.reason}")
    if keys is None or not check.promote:
        why = " (--check-only)" if keys is None else ""
        print(f"not promoted{why}: {current.version} still scores conversations")
        return 0
    _activate(out, model, current.version, record, now, keys)
    print(f"promoted {version}; `candor csat model --use-shipped` undoes it")
    return 0


def _activate(artefact: Path | None, model: CsatModel, replaced: str, check: dict[str, Any],
              now: datetime, keys: AuditKeys) -> None:
    """Point the scorers at ``artefact`` (None: the shipped one), audit it, rescore with it.

    The stored conversations are rescored at once, so the console, the review queues and
    Studio show the model in use, not a mix of it and the one it replaced.
    """
    import getpass

    from bot.runtime.autoscore import idle_seconds_from_env
    from bot.scoring import active_model
    from bot.transcripts.audit_log import append
    from bot.transcripts.db import database

    if artefact is None:
        active_model.use_shipped()
    else:
        active_model.activate(artefact, model, replaced, check, now.isoformat())
    append(database(), keys, getpass.getuser(), "csat_model_activated",
           {"version": model.version, "replaced": replaced,
            "artefact": str(artefact) if artefact else "shipped", "check": check})
    scored, _ = _rescore_stored(model, idle_seconds_from_env())
    print(f"rescored {scored} stored conversations with {model.version}")


def active(args: argparse.Namespace) -> int:
    """``candor csat model``: the model in use and its promotion, or back to the shipped one."""
    from datetime import datetime, timezone

    from bot.errors import CandorError
    from bot.scoring.active_model import load_active_model, read_activation
    from bot.scoring.model import DEFAULT_MODEL_PATH, load_model
    from bot.settings.console import AuditKeys

    if args.use_shipped:
        try:
            current = read_activation()
            replaced = current.version if current else None
        except CandorError:  # E414: the way out of a broken pointer must not need the pointer
            replaced = "an unreadable promotion"
        if replaced is None:
            print("the shipped model is already in use")
            return 0
        _activate(None, load_model(DEFAULT_MODEL_PATH), replaced, {}, datetime.now(timezone.utc),
                  AuditKeys.from_env())
    activation = read_activation()
    model = load_active_model()
    if activation is None:
        print(f"in use: {model.version} (shipped, {DEFAULT_MODEL_PATH})")
        return 0
    check = activation.check
    print(f"in use: {model.version} (promoted {activation.activated_at}, replacing "
          f"{activation.replaced})\nartefact: {activation.artefact}\n"
          f"held-out check: rho {check.get('spearman_candidate')} against "
          f"{check.get('spearman_current')} on {check.get('held_out')} answers")
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
    from bot.runtime.autoscore import idle_seconds_from_env
    from bot.scoring.batch import score_row

    model = _model(args)
    idle = args.idle_minutes * 60 if args.idle_minutes is not None else idle_seconds_from_env()
    if not args.input:
        scored, written = _rescore_stored(model, idle)
        print(f"scored {scored} conversations ({written} written or updated)")
        return 0
    rows = [score_row(c, model) for c in _bar("scoring", "conversation")(
        _due([c for c, _ in _conversations(args)], idle))]
    out = args.out or args.input.with_suffix(".scores.json")
    _write_json(out, {"model_version": model.version, "scores": rows})
    print(f"scored {len(rows)} conversations -> {out}")
    return 0


def _due(conversations: list[Dialogue], idle_seconds: float) -> list[Dialogue]:
    """The conversations a scoring run scores now: ended, or idle that long (marked ended)."""
    import time

    from bot.scoring.batch import due

    now = time.time()
    return [d for d in (due(c, now, idle_seconds) for c in conversations) if d]


def _rescore_stored(model: CsatModel, idle_seconds: float) -> tuple[int, int]:
    """Score every due stored conversation with ``model``: (scored, rows written).

    Each row becomes its conversation's current score, the one the console shows.
    """
    from bot.runtime import csat_records as adapter
    from bot.scoring.batch import score_row

    todo = _due([c for c, _ in adapter.db_conversations()], idle_seconds)
    rows = [score_row(c, model) for c in _bar("scoring", "conversation")(todo)]
    return len(rows), adapter.db_save_scores(rows)


def explain(args: argparse.Namespace) -> int:
    """``candor csat explain``: one conversation's score and the features that moved it."""
    from bot.errors import CandorError, Errors
    from bot.runtime import csat_records as adapter
    from bot.scoring.batch import score_row

    model = _model(args)
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
    from bot.scoring.scorer import score_conversation
    from bot.settings import candor_home

    model = _model(args)
    pairs = [(c, s) for c, s in _conversations(args) if s is not None]
    predicted = [score_conversation(c, model).value for c, _ in pairs]
    cal, report = calibration_report(predicted, [float(s) for _, s in pairs])
    out = args.out or candor_home().models / f"{model.version}.calibration.json"
    _write_json(out, {"model_version": model.version, **asdict(cal), "report": report})
    print(json.dumps(report, indent=2, sort_keys=True))
    print(f"wrote {out}")
    return 0
