"""The experiment monitor pauses a harmful variant, says why, and leaves a fair one running."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.nlg.baseline import load_baselines
from bot.transcripts import models as m
from bot.transcripts.audit_log import recent
from bot.transcripts.db import Database
from bot.transcripts.response_store import experiments, propose, review, start_experiment
from bot.transcripts.studio_models import Experiment
from bot.web.studio_data import check_experiments, experiment_results
from tests.studio.conftest import KEYS

RESPONSE = "utter_greet"


def _seed(db: Database, n: int, baseline_complaints: int, warm_complaints: int) -> None:
    """``n`` conversations per arm that were shown the response (rows as the writer stores
    them, inserted directly: the writer's path is covered by the end-to-end test).
    """
    at = datetime(2026, 9, 21, tzinfo=timezone.utc)
    with db.begin() as s:
        for arm, complaints in (("baseline", baseline_complaints), ("warm", warm_complaints)):
            for i in range(n):
                conv = m.Conversation(conversation_id=f"{arm}-{i}", sender_id=f"{arm}-{i}",
                                      channel="rest", started_at=at, last_event_at=at,
                                      outcome="open")
                s.add(conv)
                s.flush()
                s.add(m.Turn(conversation_pk=conv.id, actor="bot", text="Hello!",
                             response=RESPONSE, variant=arm, response_version=int(arm != "baseline"),
                             ai_label=True, sent_at=at))
                if i < complaints:
                    s.add(m.Complaint(conversation_pk=conv.id, category="service", created_at=at))


def _experiment(db: Database, min_sample: int) -> int:
    version = propose(db, KEYS, RESPONSE, "warm", "Hey!", load_baselines()[RESPONSE].hash, "mia")
    review(db, KEYS, version.id, "carl", "approved")
    exp = start_experiment(db, KEYS, RESPONSE, {"baseline": 1, "warm": 1}, min_sample, "mia")
    with db.begin() as s:  # the conversations below are dated before "now"
        s.get(Experiment, exp.id).created_at = exp.created_at.replace(year=2026, month=9, day=1)
    return exp.id


def test_a_variant_with_many_more_complaints_is_paused_with_the_reason(db: Database) -> None:
    exp_id = _experiment(db, min_sample=60)
    _seed(db, 120, baseline_complaints=2, warm_complaints=40)
    results = {r.arm: r for r in experiment_results(db, experiments(db)[0])}
    assert (results["baseline"].conversations, results["warm"].counts["complaint"]) == (120, 40)
    assert check_experiments(db, KEYS, alpha=0.05, tau=0.05) == [exp_id]
    exp = experiments(db)[0]
    assert exp.status == "paused" and "complaint rate 40/120" in (exp.pause_reason or "")
    entry = recent(db, 1)[0]
    assert (entry.action, entry.actor) == ("experiment_paused", "studio-monitor")
    assert "mSPRT" in entry.details["reason"]


def test_no_pause_below_the_minimum_sample_or_without_harm(db: Database) -> None:
    _experiment(db, min_sample=200)
    _seed(db, 120, baseline_complaints=2, warm_complaints=40)
    assert check_experiments(db, KEYS, alpha=0.05, tau=0.05) == []
    assert experiments(db)[0].status == "running"


def test_equal_arms_keep_running(db: Database) -> None:
    _experiment(db, min_sample=60)
    _seed(db, 120, baseline_complaints=6, warm_complaints=7)
    assert check_experiments(db, KEYS, alpha=0.05, tau=0.05) == []
