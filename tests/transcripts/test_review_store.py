"""Filling queues and the sample, claiming, append-only reviews, four eyes (both dialects)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bot.errors import CandorError
from bot.settings.console import AuditKeys
from bot.transcripts import review_models as rm
from bot.transcripts.audit_log import recent, verify_log
from bot.transcripts.db import Database
from bot.transcripts.deadlines import Period
from bot.transcripts.review_config import ReviewPolicy
from bot.transcripts.review_fill import DayCoverage, coverage, fill_day
from bot.transcripts.review_sampling import Candidate, SamplePolicy, draw
from bot.transcripts.review_store import (
    annotate,
    claim,
    item_detail,
    outcome_totals,
    queue_counts,
    queue_items,
    record_review,
)
from tests.web.console_seed import seed

DAY = date(2026, 9, 21)
POLICY = ReviewPolicy(sample=SamplePolicy(rate=0.25),
                      clocks={"complaints": {"acknowledge": Period(2, True)}})


def keys() -> AuditKeys:
    return AuditKeys.from_env()


def test_fill_queues_by_rule_and_sample_the_rest_reproducibly(db: Database) -> None:
    ids = seed(db, extra_faqs=6).ids
    report = fill_day(db, keys(), "comp", DAY, POLICY, seed="fixed-seed")
    assert report.added == {"complaints": 1, "disputes": 1, "vulnerable": 1, "handoffs": 1}
    assert report.population == 8 and len(report.drawn) == 2 and report.new_sample
    with db.begin() as s:
        sample = s.execute(select(rm.ReviewSample)).scalar_one()
        population, weights = list(sample.population_ids), list(sample.weights)
    assert ids["faq"] in population and ids["complaint"] not in population
    # an examiner redoes the draw from what was recorded (no CSAT here: weight = 1 + hits)
    again = draw([Candidate(c, rule_hits=round(w - 1)) for c, w in zip(population, weights, strict=True)],
                 POLICY.sample, sample.seed)
    assert report.drawn == again.drawn and set(report.drawn) <= set(population)
    # filling again adds nothing and never redraws
    second = fill_day(db, keys(), "comp", DAY, POLICY)
    assert second.added == {} and second.drawn == report.drawn and not second.new_sample
    assert queue_counts(db)["sample"] == (2, 2)
    actions = [e.action for e in recent(db, 10)]
    assert actions.count("sample_drawn") == 1 and actions.count("queues_filled") == 2


def test_a_review_is_claimed_recorded_escalated_and_closed_by_a_second_reviewer(
        db: Database) -> None:
    seed(db)
    fill_day(db, keys(), "comp", DAY, POLICY, seed="s")
    [item] = queue_items(db, "complaints", POLICY, today=date(2026, 9, 30))
    assert item.status == "open" and item.overdue  # 2 business days from 2026-09-21
    with pytest.raises(CandorError, match="E723"):  # claim first
        record_review(db, keys(), item.id, "comp", "no_issue", "fine")
    claim(db, keys(), item.id, "comp")
    with pytest.raises(CandorError, match="E723"):
        claim(db, keys(), item.id, "comp2")
    with pytest.raises(CandorError, match="E725"):
        record_review(db, keys(), item.id, "comp", "maybe", "fine")
    first = record_review(db, keys(), item.id, "comp", "escalate", "Fee charged twice",
                          "Refund owed?")
    with pytest.raises(CandorError, match="E724"):  # four eyes
        claim(db, keys(), item.id, "comp")
    claim(db, keys(), item.id, "comp2")
    closed = record_review(db, keys(), item.id, "comp2", "breach", "Duplicate fee not refunded")
    # the escalator cannot overrule the second reviewer afterwards either
    claim(db, keys(), item.id, "comp")
    with pytest.raises(CandorError, match="E724"):
        record_review(db, keys(), item.id, "comp", "no_issue", "actually fine")
    detail = item_detail(db, item.id, POLICY, today=date(2026, 9, 30))
    assert [(r.id, r.reviewer, r.outcome, r.supersedes_id) for r in detail.history] == [
        (first, "comp", "escalate", None), (closed, "comp2", "breach", first)]
    assert detail.item.status == "closed" and not detail.item.overdue
    assert outcome_totals(db)["complaints"] == {"breach": 1}
    recorded = [e for e in recent(db, 50) if e.action == "review_recorded"]
    assert [e.details["outcome"] for e in recorded] == ["breach", "escalate"]
    assert all(e.subject and e.subject.startswith("h:") for e in recorded)
    assert verify_log(db, keys()).ok
    with db.begin() as s:
        assert s.execute(select(func.count()).select_from(rm.Review)).scalar_one() == 2


def test_annotations_belong_to_a_turn_of_the_items_conversation(db: Database) -> None:
    seed(db)
    fill_day(db, keys(), "comp", DAY, POLICY, seed="s")
    [complaint] = queue_items(db, "complaints", POLICY, today=DAY)
    [dispute] = queue_items(db, "disputes", POLICY, today=DAY)
    from bot.transcripts.console_transcript import transcript_view
    turns = transcript_view(db, complaint.conversation_id).turns  # type: ignore[union-attr]
    annotate(db, keys(), complaint.id, turns[1].id, "comp", "Customer names the fee")
    with pytest.raises(CandorError, match="E725"):
        annotate(db, keys(), dispute.id, turns[1].id, "comp", "wrong conversation")
    notes = item_detail(db, complaint.id, POLICY, today=DAY).annotations
    assert [(a, n) for a, n, _ in notes[turns[1].id]] == [("comp", "Customer names the fee")]


def test_coverage_counts_the_sampled_items_with_a_review(db: Database) -> None:
    seed(db, extra_faqs=6)
    report = fill_day(db, keys(), "comp", DAY, POLICY, seed="cov")
    [first, _second] = queue_items(db, "sample", POLICY, today=DAY)
    assert coverage(db) == [DayCoverage(DAY, "cov", 8, 2, 0)]
    claim(db, keys(), first.id, "comp")
    record_review(db, keys(), first.id, "comp", "no_issue", "Answered correctly")
    [day] = coverage(db)
    assert (day.population, day.drawn, day.reviewed, day.coverage) == (8, 2, 1, 0.5)
    assert {r.conversation_id for r in queue_items(db, "sample", POLICY, today=DAY)} == set(
        report.drawn)
