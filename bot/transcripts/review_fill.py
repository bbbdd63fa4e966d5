"""Filling the review queues for a day: rule queues first, then the risk-weighted sample.

Reads each conversation started that day (UTC) as :class:`ConversationFacts`, adds an item to
every queue whose predicate holds (idempotent: one item per conversation and queue), then
draws the day's sample from the conversations no rule queue took. The draw is recorded once
per day (seed, rate, population ids and weights, ids drawn) and never redrawn; each step
writes one audit entry. :func:`coverage` reports each day's sample and how much of it has
been reviewed.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.compliance.doom_loops import TurnFact
from bot.settings.console import AuditKeys
from bot.transcripts import audit_log as chain
from bot.transcripts import models as m
from bot.transcripts import review_models as rm
from bot.transcripts.current_csat import current_values
from bot.transcripts.db import Database
from bot.transcripts.projection import detector_names
from bot.transcripts.review_config import ReviewPolicy
from bot.transcripts.review_queues import SAMPLE_QUEUE, ConversationFacts, queues_for
from bot.transcripts.review_sampling import Candidate, draw


@dataclass(frozen=True)
class FillReport:
    """What one fill added: items per queue, and the sample (new or already drawn)."""

    day: date
    added: dict[str, int]
    population: int
    drawn: tuple[str, ...]
    seed: str
    new_sample: bool


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """``[midnight, next midnight)`` UTC."""
    start = datetime.combine(day, time(0), timezone.utc)
    return start, start + timedelta(days=1)


def conversation_facts(s: Session, pks: Sequence[int]) -> dict[int, ConversationFacts]:
    """Facts of each conversation in ``pks`` (a few batched queries, no text)."""
    hits: dict[int, list[str]] = defaultdict(list)
    for turn_id, rule_id in s.execute(select(m.RuleHit.turn_id, m.RuleHit.rule_id)
                                      .where(m.RuleHit.conversation_pk.in_(pks))):
        hits[turn_id].append(rule_id)
    turns: dict[int, list[TurnFact]] = defaultdict(list)
    for t in s.execute(select(m.Turn.id, m.Turn.conversation_pk, m.Turn.actor, m.Turn.intent,
                              m.Turn.response, m.Turn.action, m.Turn.detectors)
                       .where(m.Turn.conversation_pk.in_(pks)).order_by(m.Turn.id)):
        turns[t.conversation_pk].append(TurnFact(
            t.actor, t.intent, t.response, t.action, detectors=detector_names(t.detectors),
            rule_ids=tuple(hits.get(t.id, ()))))

    def counts(model: type) -> dict[int, int]:
        col = model.conversation_pk  # type: ignore[attr-defined]
        return dict(s.execute(select(col, func.count()).where(col.in_(pks)).group_by(col)).all())

    handoffs, complaints = counts(m.Handoff), counts(m.Complaint)
    csat = current_values(s, pks)
    return {pk: ConversationFacts(tuple(turns.get(pk, ())), csat.get(pk), handoffs.get(pk, 0),
                                  complaints.get(pk, 0)) for pk in pks}


def _existing(s: Session, pks: Sequence[int]) -> set[tuple[int, str]]:
    rows = s.execute(select(rm.ReviewItem.conversation_pk, rm.ReviewItem.queue)
                     .where(rm.ReviewItem.conversation_pk.in_(pks)))
    return {(pk, queue) for pk, queue in rows}


def _sample(s: Session, keys: AuditKeys, actor: str, day: date, policy: ReviewPolicy,
            candidates: list[Candidate], ids: dict[str, int], seed: str | None,
            now: datetime) -> tuple[rm.ReviewSample, bool]:
    existing = s.execute(select(rm.ReviewSample).where(rm.ReviewSample.day == day)
                         ).scalars().first()
    if existing is not None:
        return existing, False
    seed = seed or f"{day.isoformat()}:{secrets.token_hex(8)}"
    result = draw(candidates, policy.sample, seed)
    sample = rm.ReviewSample(
        day=day, seed=seed, rate=policy.sample.rate, population_size=len(result.population),
        population_ids=list(result.population), weights=list(result.weights),
        drawn_ids=list(result.drawn), drawn_by=actor, drawn_at=now,
        params={"rule_hit_weight": policy.sample.rule_hit_weight,
                "low_csat_weight": policy.sample.low_csat_weight, "method": "efraimidis-spirakis"})
    s.add(sample)
    s.flush()
    for cid in result.drawn:
        s.add(rm.ReviewItem(conversation_pk=ids[cid], queue=SAMPLE_QUEUE, sample_id=sample.id,
                            created_at=now))
    chain.append_in(s, keys, actor, "sample_drawn", {
        "day": day.isoformat(), "sample_id": sample.id, "seed": seed, "rate": sample.rate,
        "population": len(result.population), "drawn": list(result.drawn)}, now=now)
    return sample, True


def fill_day(db: Database, keys: AuditKeys, actor: str, day: date, policy: ReviewPolicy,
             seed: str | None = None, now: datetime | None = None) -> FillReport:
    """Queue the day's conversations by rule and draw the day's sample from the rest."""
    now = now or datetime.now(timezone.utc)
    start, end = day_bounds(day)
    with db.begin() as s:
        chain.serialise(s)
        rows = s.execute(select(m.Conversation.id, m.Conversation.conversation_id)
                         .where(m.Conversation.started_at >= start,
                                m.Conversation.started_at < end)).all()
        ids = {cid: pk for pk, cid in rows}
        facts = conversation_facts(s, list(ids.values()))
        have = _existing(s, list(ids.values()))
        added: dict[str, int] = defaultdict(int)
        candidates: list[Candidate] = []
        for cid, pk in ids.items():
            queues = queues_for(facts[pk], policy.low_csat_threshold)
            if not queues:
                f = facts[pk]
                candidates.append(Candidate(cid, len([r for t in f.turns for r in t.rule_ids]),
                                            f.csat))
            for queue in queues:
                if (pk, queue) not in have:
                    s.add(rm.ReviewItem(conversation_pk=pk, queue=queue, created_at=now))
                    added[queue] += 1
        chain.append_in(s, keys, actor, "queues_filled",
                        {"day": day.isoformat(), "conversations": len(ids), "added": dict(added)},
                        now=now)
        sample, new = _sample(s, keys, actor, day, policy, candidates, ids, seed, now)
        return FillReport(day, dict(added), sample.population_size, tuple(sample.drawn_ids),
                          sample.seed, new)


@dataclass(frozen=True)
class DayCoverage:
    """One day's sample: population, drawn, and how many drawn items have a review."""

    day: date
    seed: str
    population: int
    drawn: int
    reviewed: int

    @property
    def coverage(self) -> float:
        """Share of the drawn items reviewed so far."""
        return self.reviewed / self.drawn if self.drawn else 1.0


def coverage(db: Database, days: int = 14) -> list[DayCoverage]:
    """The newest ``days`` samples, newest first."""
    reviewed = (select(rm.ReviewItem.sample_id, func.count(func.distinct(rm.ReviewItem.id)))
                .join(rm.Review, rm.Review.item_id == rm.ReviewItem.id)
                .where(rm.ReviewItem.sample_id.is_not(None)).group_by(rm.ReviewItem.sample_id))
    with db.begin() as s:
        done = dict(s.execute(reviewed).all())
        samples = s.execute(select(rm.ReviewSample).order_by(rm.ReviewSample.day.desc())
                            .limit(days)).scalars()
        return [DayCoverage(x.day, x.seed, x.population_size, len(x.drawn_ids),
                            int(done.get(x.id, 0))) for x in samples]
