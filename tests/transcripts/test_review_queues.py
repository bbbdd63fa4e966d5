"""Queue predicates and fallback-loop detection over turns (pure)."""

from __future__ import annotations

import pytest

from bot.transcripts.review_queues import (
    ConversationFacts,
    TurnFact,
    fallback_loop,
    fallback_streak,
    queues_for,
)

U = lambda intent="faq", detectors=(): TurnFact("user", intent, None, detectors)  # noqa: E731
B = lambda response="utter_faq/x", rules=(): TurnFact("bot", None, response, (), rules)  # noqa: E731

# fmt: off
STREAKS = [
    ((), 0),
    ((U(), B()), 0),
    ((U("nlu_fallback"), B("utter_ask_rephrase")), 1),
    ((U("nlu_fallback"), B("utter_ask_rephrase"), U("nlu_fallback"), B("utter_default")), 2),
    # a good answer in between resets the run
    ((U("nlu_fallback"), B("utter_ask_rephrase"), U(), B(), U("nlu_fallback"),
      B("utter_ask_rephrase")), 1),
    # the customer's nlu_fallback counts even when the reply is not a known fallback response
    ((U("nlu_fallback"), B("utter_offer_human"), U("nlu_fallback"), B("utter_offer_human")), 2),
    ((U(), B("action_fallback_custom"), U(), B("utter_safe_fallback"), U(), B("utter_default")), 3),
]
# fmt: on


@pytest.mark.parametrize(("turns", "expected"), STREAKS)
def test_fallback_streak(turns: tuple[TurnFact, ...], expected: int) -> None:
    assert fallback_streak(turns) == expected


def test_a_human_asked_for_and_not_given_is_a_loop() -> None:
    asked = (U("request_human"), B("utter_offer_human"))
    assert fallback_loop(ConversationFacts(asked))
    assert not fallback_loop(ConversationFacts(asked, handoffs=1))
    given = (U("request_human"), B("utter_handoff", ("human-handoff",)))
    assert not fallback_loop(ConversationFacts(given))
    by_detector = (U("faq", ("signal.human_request.v1",)), B())
    assert fallback_loop(ConversationFacts(by_detector))


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
