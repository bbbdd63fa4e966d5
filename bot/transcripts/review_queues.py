"""Which review queues a conversation belongs in: one registry of queue -> predicate.

Pure: a conversation's facts (rule hits, turns, predicted CSAT, handoffs, complaints) in, the
names of its queues out, so every predicate is table-tested without a database. The queues are
declared once here; the console, the enqueuing job and the sampling (which draws from
conversations in no queue) all read this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.compliance.contract import COMPLAINT, DISPUTE_INTAKE, HUMAN_HANDOFF, VULNERABLE_CUSTOMER
from bot.compliance.doom_loops import TurnFact, doom_loop

#: The rulebook rule (compliance.yml) that feeds the data-rights queue; the other queues' rule
#: ids are :mod:`bot.compliance.contract`'s.
DATA_RIGHTS_RULE = "data-rights-request"


@dataclass(frozen=True)
class ConversationFacts:
    """What queue predicates need of one conversation."""

    turns: tuple[TurnFact, ...]
    csat: float | None = None
    handoffs: int = 0
    complaints: int = 0

    @property
    def rule_ids(self) -> frozenset[str]:
        return frozenset(r for t in self.turns for r in t.rule_ids)


Predicate = Callable[[ConversationFacts, float], bool]


@dataclass(frozen=True)
class QueueSpec:
    """A queue: its name (URL and database), title and membership test.

    The predicate gets the facts and the low-CSAT threshold (from ``bank.yml``).
    """

    name: str
    title: str
    predicate: Predicate


def _rule(rule_id: str) -> Predicate:
    return lambda facts, _threshold: rule_id in facts.rule_ids


QUEUES: tuple[QueueSpec, ...] = (
    QueueSpec("complaints", "Complaints",
              lambda f, _t: COMPLAINT in f.rule_ids or f.complaints > 0),
    QueueSpec("disputes", "Disputes", _rule(DISPUTE_INTAKE)),
    QueueSpec("vulnerable", "Vulnerable customers", _rule(VULNERABLE_CUSTOMER)),
    QueueSpec("handoffs", "Handoffs", lambda f, _t: HUMAN_HANDOFF in f.rule_ids or f.handoffs > 0),
    QueueSpec("fallback-loops", "Fallback loops", lambda f, _t: doom_loop(f.turns, f.handoffs > 0)),
    QueueSpec("data-rights", "Data-rights requests", _rule(DATA_RIGHTS_RULE)),
    QueueSpec("low-csat", "Low predicted CSAT",
              lambda f, threshold: f.csat is not None and f.csat < threshold),
)
#: Items drawn by the daily sample live in this queue.
SAMPLE_QUEUE = "sample"
QUEUE_TITLES = {**{q.name: q.title for q in QUEUES}, SAMPLE_QUEUE: "Risk-weighted sample"}


def queues_for(facts: ConversationFacts, low_csat_threshold: float) -> list[str]:
    """The rule queues (in table order) this conversation belongs in."""
    return [q.name for q in QUEUES if q.predicate(facts, low_csat_threshold)]
