"""Which rule fires for a parsed message (pure functions over the real rulebook).

The product's guardrail rules fire on their pattern signals or on the rule classifier's scores
(``model``); intent triggers are checked on the same rulebook with each ``model`` condition
turned back into the intent condition a bank may still configure.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.compliance.evaluation import fired_rule_ids, rule_hits, rules_for_response, takeover_rule
from bot.compliance.rulebook import Rulebook, load_rulebook

GENERAL = "signal.general_question.v1"


CLAUSE_RULES = {"vulnerable-customer", "human-handoff", "complaint"}
#: Each product rule's ``model.min_score``, so cases sit just at or below it.
MIN_SCORE = {r.id: r.trigger.model.min_score for r in load_rulebook().rules if r.trigger.model}
FLOOR = {r.id: r.trigger.model.detector_floor for r in load_rulebook().rules if r.trigger.model}


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


@pytest.fixture(scope="module")
def intent_book(book: Rulebook) -> Rulebook:
    """The rulebook with every ``model`` condition written as intent conditions instead."""
    rules = []
    for rule in book.rules:
        model = rule.trigger.model
        if model is not None:
            trigger = rule.trigger.copy(update={
                "model": None, "intents": model.intents,
                "retrieval_intents": model.retrieval_intents, "clauses": rule.id in CLAUSE_RULES})
            rule = rule.copy(update={"trigger": trigger})
        rules.append(rule)
    return book.copy(update={"rules": rules})


def parsed(intent: str = "faq", confidence: float = 0.95, detectors: tuple[str, ...] = (),
           retrieval: str | None = None, scores: dict[str, float] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "text": "...",
        "intent": {"name": intent, "confidence": confidence},
        "compliance": {"hits": [{"detector": d, "pattern_name": "p", "start": 0, "end": 1,
                                 "score": 0.9} for d in detectors]},
        "rule_scores": scores or {},
    }
    if retrieval:
        data["response_selector"] = {"faq": {"response": {"intent_response_key": retrieval,
                                                          "confidence": 0.9}}}
    return data


# fmt: off
@pytest.mark.parametrize(("message", "rules"), [
    (parsed("complain"), ["complaint"]),
    (parsed("complain", confidence=0.3), []),
    (parsed("faq", detectors=("signal.complaint.v4",)), ["complaint"]),
    (parsed("request_human"), ["human-handoff"]),
    (parsed("bot_challenge"), ["bot-identity-question"]),
    (parsed("ask_personal_advice"), ["no-personal-advice"]),
    (parsed("request_account_data"), ["account-data-requires-auth"]),
    (parsed("faq", detectors=("pii.card_number.v1",)), ["pii-redaction"]),
    (parsed("faq", retrieval="faq/dispute_double_charge"), ["dispute-intake"]),
    (parsed("faq", retrieval="faq/card_pin"), []),
    (parsed("greet"), []),
    (parsed("disclose_vulnerability", detectors=("signal.human_request.v3",)),
     ["vulnerable-customer", "human-handoff"]),
    # a general question on the topic silences the NLU path, not the rule's own signal
    (parsed("request_account_data", detectors=(GENERAL,)), []),
    (parsed("faq", retrieval="faq/dispute_refund", detectors=(GENERAL,)), []),
    (parsed("faq", retrieval="faq/dispute_refund", detectors=(GENERAL, "signal.dispute.v3")),
     ["dispute-intake"]),
    (parsed("complain", detectors=(GENERAL,)), ["complaint"]),
    # issue 18: a denial or praise silences the complaint intent, a professional asking the
    # vulnerability intent, a definition or a merchant's question the dispute topic
    (parsed("complain", detectors=("signal.not_a_complaint.v2",)), []),
    (parsed("complain", detectors=("signal.not_a_complaint.v2", "signal.complaint.v4")), ["complaint"]),
    (parsed("disclose_vulnerability", detectors=("signal.not_their_own.v1",)), []),
    (parsed("faq", retrieval="faq/dispute_refund", detectors=("signal.not_a_dispute.v2",)), []),
])
# fmt: on
def test_rules_fire_on_intents_detectors_and_retrieval_keys(
    intent_book: Rulebook, message: dict[str, Any], rules: list[str]
) -> None:
    assert fired_rule_ids(rule_hits(intent_book, message)) == rules


# fmt: off
@pytest.mark.parametrize(("message", "rules"), [
    (parsed("complain"), []),  # the product's rules do not read the intent
    (parsed(scores={"complaint": MIN_SCORE["complaint"]}), ["complaint"]),
    (parsed(scores={"complaint": MIN_SCORE["complaint"] - 0.01}), []),
    (parsed(scores={"complaint": 0.95, "dispute-intake": 0.95}), ["complaint", "dispute-intake"]),
    (parsed(scores={"vulnerable-customer": 0.95, "human-handoff": 0.95}),
     ["vulnerable-customer", "human-handoff"]),
    # the rule's own pattern counts while the classifier gives the rule its detector_floor ...
    (parsed(detectors=("signal.complaint.v4",), scores={"complaint": FLOOR["complaint"]}), ["complaint"]),
    # ... and is overruled below it; a message the classifier did not score keeps the pattern
    (parsed(detectors=("signal.complaint.v4",), scores={"complaint": FLOOR["complaint"] - 0.01}), []),
    (parsed(detectors=("signal.complaint.v4",)), ["complaint"]),
    (parsed(detectors=("signal.complaint.v4", "pii.email.v1"), scores={"complaint": 0.0}),
     ["pii-redaction"]),
    # nlu_unless silences the classifier as it silences an intent, never the rule's own signal
    (parsed(detectors=(GENERAL,), scores={"account-data-requires-auth": 0.95}), []),
    (parsed(detectors=("signal.not_a_complaint.v2",), scores={"complaint": 0.95}), []),
    (parsed(detectors=("signal.not_a_complaint.v2", "signal.complaint.v4"),
            scores={"complaint": 0.95}), ["complaint"]),
    (parsed(detectors=(GENERAL,), scores={"complaint": 0.95}), ["complaint"]),
    # thanks for a fix silences the complaint classifier, a recognised payment the dispute
    # classifier (rulebook 2026.12-4); v1 no longer silences either
    (parsed(detectors=("signal.not_a_dispute.v2",), scores={"dispute-intake": 0.95}), []),
    (parsed(detectors=("signal.not_a_complaint.v1",), scores={"complaint": 0.95}), ["complaint"]),
    (parsed(detectors=("signal.not_a_dispute.v1",), scores={"dispute-intake": 0.95}),
     ["dispute-intake"]),
    # a payment the customer made to a scammer is a vulnerability case, not a dispute; a
    # payment they never made still is one, scam or not (rulebook 2026.12-3)
    (parsed(detectors=("signal.vulnerability.v4", "signal.scam_money_moved.v1"),
            scores={"vulnerable-customer": 0.95, "dispute-intake": 0.95}), ["vulnerable-customer"]),
    (parsed(detectors=("signal.vulnerability.v4",),
            scores={"vulnerable-customer": 0.95, "dispute-intake": 0.95}),
     ["vulnerable-customer", "dispute-intake"]),
    # a message the NLU is sure stops a form ("actually, cancel this") is no complaint or dispute
    (parsed("stop", confidence=0.95, scores={"complaint": 0.95, "dispute-intake": 0.95}), []),
    (parsed("stop", confidence=0.6, scores={"complaint": 0.95}), ["complaint"]),
    (parsed("stop", confidence=0.95, detectors=("signal.complaint.v4",)), ["complaint"]),
])
# fmt: on
def test_rules_fire_on_the_rule_classifier_at_min_score(
    book: Rulebook, message: dict[str, Any], rules: list[str]
) -> None:
    assert fired_rule_ids(rule_hits(book, message)) == rules


def unscored(message: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in message.items() if key != "rule_scores"}


# fmt: off
@pytest.mark.parametrize(("message", "rules"), [
    (unscored(parsed("request_human", confidence=1.0)), ["human-handoff"]),  # a button payload
    (unscored(parsed("complain", confidence=1.0)), ["complaint"]),
    (unscored(parsed("complain", confidence=0.5)), []),
    (unscored(parsed("faq", confidence=1.0, retrieval="faq/dispute_refund")), ["dispute-intake"]),
    (unscored(parsed("faq", confidence=1.0, retrieval="faq/card_pin")), []),
    (unscored(parsed("complain", confidence=1.0, detectors=("signal.not_a_complaint.v2",))), []),
])
# fmt: on
def test_a_message_the_classifier_never_saw_falls_back_to_its_intents(
    book: Rulebook, message: dict[str, Any], rules: list[str]
) -> None:
    assert fired_rule_ids(rule_hits(book, message)) == rules


def test_a_classifier_hit_names_the_model_and_its_score(book: Rulebook) -> None:
    (hit,) = rule_hits(book, parsed(scores={"dispute-intake": 0.9123}))
    assert (hit.rule_id, hit.detector, hit.pattern_name) == (
        "dispute-intake", "model:rule_classifier", "model")
    assert hit.score == 0.9123 and hit.start is None
    assert hit.action == "dispute_form"


def with_clause(message: dict[str, Any], intent: str) -> dict[str, Any]:
    return {**message, "additional_intents": [{"intent": intent, "response_key": None,
                                               "confidence": 0.9}]}


# fmt: off
@pytest.mark.parametrize(("message", "rules"), [
    (with_clause(parsed("faq", retrieval="faq/digital_app_issues"), "complain"), ["complaint"]),
    (with_clause(parsed("bot_challenge"), "request_human"), ["human-handoff", "bot-identity-question"]),
    (with_clause(parsed("faq", retrieval="faq/card_pin"), "ask_personal_advice"), []),
    (with_clause(parsed("faq", retrieval="faq/card_pin"), "faq"), []),
])
# fmt: on
def test_a_clause_fires_the_rules_that_opt_in(
    intent_book: Rulebook, message: dict[str, Any], rules: list[str]
) -> None:
    hits = rule_hits(intent_book, message)
    assert fired_rule_ids(hits) == rules
    assert all(h.pattern_name == "nlu_clause" for h in hits if h.detector != "intent:bot_challenge")


def test_hits_carry_the_regulation_and_cause(book: Rulebook) -> None:
    (hit,) = rule_hits(book, parsed("faq", detectors=("signal.advice_request.v3",)))
    assert hit.rule_id == "no-personal-advice"
    assert "MiFID" in hit.regulation
    assert hit.detector == "signal.advice_request.v3"
    assert hit.action == "utter_advice_decline"


def test_the_most_severe_rule_takes_over(book: Rulebook) -> None:
    hits = rule_hits(book, parsed(detectors=("signal.vulnerability.v4",),
                                  scores={"complaint": 0.9}))
    assert takeover_rule(book, hits).id == "vulnerable-customer"  # type: ignore[union-attr]


def test_only_interrupting_rules_take_over_inside_a_form(book: Rulebook) -> None:
    complaint = parsed(scores={"complaint": 0.9})
    assert takeover_rule(book, rule_hits(book, complaint), in_form=True) is None
    handoff = parsed(scores={"human-handoff": 0.9})
    rule = takeover_rule(book, rule_hits(book, handoff), in_form=True)
    assert rule is not None and rule.id == "human-handoff"


def test_rules_without_actions_never_take_over(book: Rulebook) -> None:
    assert takeover_rule(book, rule_hits(book, parsed(detectors=("pii.email.v1",)))) is None


@pytest.mark.parametrize(("response", "rules"), [
    ("utter_faq/rates_savings", ["rate-disclaimer"]),
    ("utter_faq/fees_atm", ["rate-disclaimer"]),
    ("utter_faq/deposit_insurance", ["deposit-insurance-disclaimer"]),
    ("utter_ai_disclosure", ["ai-disclosure"]),
    ("utter_faq/card_pin", []),
    (None, []),
])
def test_responses_map_to_the_rules_they_carry_out(
    book: Rulebook, response: str | None, rules: list[str]
) -> None:
    assert [r.id for r in rules_for_response(book, response)] == rules


def test_no_message_no_hits(book: Rulebook) -> None:
    assert rule_hits(book, None) == []
