"""Queue predicates over conversation facts (pure); fallback loops: tests/compliance/test_doom_loops.py."""

from __future__ import annotations

import pytest

from bot.compliance.doom_loops import TurnFact
from bot.transcripts.review_queues import ConversationFacts, queues_for

U = lambda intent="faq", detectors=(): TurnFact("user", intent, detectors=detectors)  # noqa: E731
B = lambda response="utter_faq/x", rules=(): TurnFact("bot", None, response, rule_ids=rules)  # noqa: E731

def test_a_fallback_loop_or_a_person_denied_is_queued() -> None:
    loop = (U("nlu_fallback"), B("utter_ask_rephrase"), U("nlu_fallback"), B("utter_offer_human"))
    assert queues_for(ConversationFacts(loop), 2.5) == ["fallback-loops"]
    asked = (U("request_human"), B("utter_offer_human"))
    assert queues_for(ConversationFacts(asked), 2.5) == ["fallback-loops"]
    assert queues_for(ConversationFacts(asked, handoffs=1), 2.5) == ["handoffs"]
    given = (U("request_human"), B("utter_handoff", ("human-handoff",)))
    assert queues_for(ConversationFacts(given), 2.5) == ["handoffs"]
    by_detector = (U("faq", ("signal.human_request.v1",)), B())
    assert queues_for(ConversationFacts(by_detector), 2.5) == ["fallback-loops"]


# fmt: off
MEMBERSHIP = [
    (ConversationFacts((U(), B())), 2.5, []),
    (ConversationFacts((U(), B("utter_complaint_ack", ("complaint",)))), 2.5, ["complaints"]),
    (ConversationFacts((U(), B())), 2.5, []),
    (ConversationFacts((U(), B()), complaints=1), 2.5, ["complaints"]),
    (ConversationFacts((U(), B("x", ("dispute-intake",)))), 2.5, ["disputes"]),
    (ConversationFacts((U(), B("x", ("vulnerable-customer",)))), 2.5, ["vulnerable"]),
    (ConversationFacts((U("request_human"), B("x", ("human-handoff",)))), 2.5, ["handoffs"]),
    (ConversationFacts((U(), B("x", ("data-rights-request",)))), 2.5, ["data-rights"]),
    (ConversationFacts((U(), B()), csat=2.4), 2.5, ["low-csat"]),
    (ConversationFacts((U(), B()), csat=2.5), 2.5, []),
    (ConversationFacts((U(), B()), csat=3.9), 4.0, ["low-csat"]),
    (ConversationFacts((U(), B()), csat=None), 5.0, []),
    (ConversationFacts((U(), B("x", ("complaint", "dispute-intake"))), csat=1.0), 2.5,
     ["complaints", "disputes", "low-csat"]),
]
# fmt: on


@pytest.mark.parametrize(("facts", "threshold", "queues"), MEMBERSHIP)
def test_queue_membership(facts: ConversationFacts, threshold: float, queues: list[str]) -> None:
    assert queues_for(facts, threshold) == queues
