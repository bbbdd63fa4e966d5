"""Studio's reads: conversation facts for the metrics, response figures, experiment results.

The only Studio module that queries the transcript tables; it turns rows into the pure
:mod:`bot.scoring.flow_metrics` facts (text never leaves the database here) and counts
experiment arms for :mod:`bot.scoring.experiment_stats`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.compliance.contract import COMPLAINT
from bot.compliance.doom_loops import TurnFact, answered_by_fallback, exchanges
from bot.scoring.experiment_stats import Interval, mean_interval, pause_verdict, wilson
from bot.scoring.flow_metrics import ConversationFact, funnel_stages
from bot.settings.console import AuditKeys
from bot.transcripts import models as m
from bot.transcripts.console_queries import ListFilter
from bot.transcripts.current_csat import current_values
from bot.transcripts.db import Database
from bot.transcripts.projection import detector_names
from bot.transcripts.records import aware
from bot.transcripts.response_store import ExperimentState, experiments, set_experiment_status

MAX_CONVERSATIONS = 50_000
_CHUNK = 500
MONITOR = "studio-monitor"


@dataclass(frozen=True)
class Period:
    """Conversations started in ``[since, until)`` on ``channel`` (None: any)."""

    since: datetime | None = None
    until: datetime | None = None
    channel: str | None = None


def _chunks(items: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _pks_of(s: Session, model: Any, pks: Sequence[int], *where: object) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(pks):
        found.update(s.execute(select(model.conversation_pk)
                               .where(model.conversation_pk.in_(chunk), *where)).scalars())
    return found


def load_facts(db: Database, period: Period) -> list[ConversationFact]:
    """Every conversation of ``period`` as facts (at most :data:`MAX_CONVERSATIONS`)."""
    c = m.Conversation
    query = select(c.id, c.conversation_id, c.started_at, c.channel, c.outcome)
    if period.since:
        query = query.where(c.started_at >= period.since)
    if period.until:
        query = query.where(c.started_at < period.until)
    if period.channel:
        query = query.where(c.channel == period.channel)
    with db.begin() as s:
        convs = s.execute(query.order_by(c.started_at, c.id).limit(MAX_CONVERSATIONS)).all()
        pks = [row.id for row in convs]
        turns: dict[int, list[TurnFact]] = defaultdict(list)
        ratings: dict[int, int] = {}
        predicted: dict[int, float] = {}
        for chunk in _chunks(pks):
            t = m.Turn
            hits: dict[int, list[str]] = defaultdict(list)
            for turn_id, rule_id in s.execute(select(m.RuleHit.turn_id, m.RuleHit.rule_id)
                                              .where(m.RuleHit.conversation_pk.in_(chunk))):
                hits[turn_id].append(rule_id)
            for row in s.execute(select(t.id, t.conversation_pk, t.actor, t.intent, t.response,
                                        t.action, t.variant, t.response_version, t.detectors)
                                 .where(t.conversation_pk.in_(chunk)).order_by(t.id)):
                turns[row.conversation_pk].append(TurnFact(
                    row.actor, row.intent, row.response, row.action, row.variant,
                    row.response_version, detector_names(row.detectors),
                    tuple(hits.get(row.id, ()))))
            ratings.update(s.execute(select(m.Survey.conversation_pk, m.Survey.rating)
                                     .where(m.Survey.conversation_pk.in_(chunk))).all())
            predicted.update(current_values(s, chunk))
        handoffs = _pks_of(s, m.Handoff, pks)
        complaints = _pks_of(s, m.Complaint, pks) | _pks_of(
            s, m.RuleHit, pks, m.RuleHit.rule_id == COMPLAINT)
    return [ConversationFact(r.conversation_id, aware(r.started_at), r.channel, r.outcome,
                             tuple(turns[r.id]), r.id in handoffs, r.id in complaints,
                             ratings.get(r.id), predicted.get(r.id)) for r in convs]


@dataclass(frozen=True)
class Shown:
    """How often a response (version) was shown, and in how many conversations."""

    messages: int
    conversations: int


def narrow_to_step(db: Database, flt: ListFilter, step: str) -> ListFilter:
    """``flt`` narrowed to the conversations of a funnel step, as Studio's funnel counts them."""
    facts = load_facts(db, Period(flt.since, flt.until, flt.channel))
    return replace(flt, conversation_ids=frozenset(
        c.conversation_id for c in funnel_stages(facts)[step]))


def response_figures(db: Database, since: datetime | None) -> dict[tuple[str, str, int], Shown]:
    """(response, variant, version) -> times shown since ``since``."""
    t = m.Turn
    query = (select(t.response, t.variant, t.response_version, func.count(),
                    func.count(func.distinct(t.conversation_pk)))
             .where(t.actor == "bot", t.response.is_not(None))
             .group_by(t.response, t.variant, t.response_version))
    if since:
        query = query.where(t.sent_at >= since)
    with db.begin() as s:
        return {(r[0], r[1] or "baseline", int(r[2] or 0)): Shown(int(r[3]), int(r[4]))
                for r in s.execute(query)}


@dataclass(frozen=True)
class ArmResult:
    """One arm's conversations and results, each with its 95% interval."""

    arm: str
    conversations: int
    csat: Interval
    containment: Interval
    fallback_after: Interval
    handoff: Interval
    complaint: Interval
    predicted: Interval
    counts: dict[str, int]


def arm_of(variant: str | None, arms: dict[str, int]) -> str:
    """The arm a shown variant belongs to (the live text, whatever its version, is baseline)."""
    return variant if variant in arms else "baseline"


def _fallback_after(c: ConversationFact, response: str) -> bool:
    steps = exchanges(c.turns)
    for index, (_question, replies) in enumerate(steps):
        if any(t.response == response for t in replies):
            return index + 1 < len(steps) and answered_by_fallback(*steps[index + 1])
    return False


def experiment_results(db: Database, exp: ExperimentState) -> list[ArmResult]:
    """Per arm: the conversations that were shown the response since the experiment began."""
    facts = load_facts(db, Period(since=exp.created_at))
    groups: dict[str, list[ConversationFact]] = {arm: [] for arm in exp.arms}
    for c in facts:
        shown = [t for t in c.turns if t.actor == "bot" and t.response == exp.response]
        if shown:
            groups.setdefault(arm_of(shown[0].variant, exp.arms), []).append(c)
    out = []
    for arm, convs in sorted(groups.items()):
        n = len(convs)
        counts = {"n": n, "complaint": sum(c.complaint for c in convs),
                  "handoff": sum(c.handoff for c in convs)}
        out.append(ArmResult(
            arm, n, mean_interval([float(c.rating) for c in convs if c.rating is not None]),
            wilson(sum(not c.handoff for c in convs), n),
            wilson(sum(_fallback_after(c, exp.response) for c in convs), n),
            wilson(counts["handoff"], n), wilson(counts["complaint"], n),
            mean_interval([c.predicted for c in convs if c.predicted is not None]), counts))
    return out


def check_experiments(db: Database, keys: AuditKeys, alpha: float, tau: float) -> list[int]:
    """Pause every running experiment whose variant is significantly worse; return their ids."""
    paused = []
    for exp in experiments(db):
        if exp.status != "running":
            continue
        results = experiment_results(db, exp)
        verdict = pause_verdict({r.arm: r.counts for r in results}, exp.min_sample, alpha, tau)
        if verdict.pause:
            set_experiment_status(db, keys, exp.id, "paused", MONITOR, verdict.reason)
            paused.append(exp.id)
    return paused


