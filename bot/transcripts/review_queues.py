"""Which review queues a conversation belongs in: one registry of queue -> predicate.

Pure: a conversation's facts (rule hits, turns, predicted CSAT, handoffs, complaints) in, the
names of its queues out, so every predicate is table-tested without a database. The queues are
declared once here; the console, the enqueuing job and the sampling (which draws from
conversations in no queue) all read this table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: Rule ids whose hits feed a queue (the rulebook's ids, compliance.yml).
COMPLAINT_RULE = "complaint"
DISPUTE_RULE = "dispute-intake"
VULNERABLE_RULE = "vulnerable-customer"
HANDOFF_RULE = "human-handoff"
DATA_RIGHTS_RULE = "data-rights-request"
#: Bot responses that mean "I did not understand" (Rasa's defaults and Candor's own).
FALLBACK_RESPONSES = frozenset({"utter_default", "utter_ask_rephrase", "action_default_fallback",
                                "utter_safe_fallback"})
HUMAN_REQUEST_INTENT = "request_human"
HUMAN_REQUEST_DETECTOR = "signal.human_request.v1"
#: Fallbacks in a row that make a loop.
LOOP_LENGTH = 2


@dataclass(frozen=True)
class TurnFact:
    """What queue predicates need of one turn (no text)."""

    actor: str
    intent: str | None = None
    response: str | None = None
    detectors: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()


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


def _is_fallback(answer: TurnFact, question: TurnFact | None) -> bool:
    response = answer.response or ""
    return (response in FALLBACK_RESPONSES or "fallback" in response
            or (question is not None and question.intent == "nlu_fallback"))


def fallback_streak(turns: Sequence[TurnFact]) -> int:
    """The longest run of bot replies in a row that were fallbacks."""
    longest = run = 0
    question: TurnFact | None = None
    for turn in turns:
        if turn.actor == "user":
            question = turn
            continue
        run = run + 1 if _is_fallback(turn, question) else 0
        longest = max(longest, run)
        question = None
    return longest


def _asks_for_human(turn: TurnFact) -> bool:
    return turn.actor == "user" and (turn.intent == HUMAN_REQUEST_INTENT
                                     or HUMAN_REQUEST_DETECTOR in turn.detectors)


def human_denied(facts: ConversationFacts) -> bool:
    """A person was asked for and none was given (no handoff recorded or carried out)."""
    asked = any(_asks_for_human(t) for t in facts.turns)
    return asked and facts.handoffs == 0 and HANDOFF_RULE not in facts.rule_ids


def fallback_loop(facts: ConversationFacts) -> bool:
    """Two or more fallbacks in a row, or a human asked for and not given."""
    return fallback_streak(facts.turns) >= LOOP_LENGTH or human_denied(facts)


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
              lambda f, _t: COMPLAINT_RULE in f.rule_ids or f.complaints > 0),
    QueueSpec("disputes", "Disputes", _rule(DISPUTE_RULE)),
    QueueSpec("vulnerable", "Vulnerable customers", _rule(VULNERABLE_RULE)),
    QueueSpec("handoffs", "Handoffs", lambda f, _t: HANDOFF_RULE in f.rule_ids or f.handoffs > 0),
    QueueSpec("fallback-loops", "Fallback loops", lambda f, _t: fallback_loop(f)),
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
