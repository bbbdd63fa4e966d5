"""The guard policy as Rasa runs it: created in a model storage, predicting on real trackers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.importers.importer import TrainingDataImporter

from bot.paths import PROJECT_ROOT
from policies.compliance_guard import ComplianceGuardPolicy


@pytest.fixture(scope="module")
def domain() -> Domain:
    return TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"), str(PROJECT_ROOT / "domain.yml"),
        [str(PROJECT_ROOT / "data")],
    ).get_domain()


def make_policy(tmp_path: Path, **config: Any) -> ComplianceGuardPolicy:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    full = {**ComplianceGuardPolicy.get_default_config(), **config}
    return ComplianceGuardPolicy.create(full, storage, Resource("guard"), context)


@pytest.fixture
def guard(tmp_path: Path, domain: Domain) -> ComplianceGuardPolicy:
    policy = make_policy(tmp_path)
    policy.train([], domain)
    return policy


def user(text: str, intent: str, confidence: float = 0.95, detectors: tuple[str, ...] = (),
         error: bool = False, checked: bool = True) -> UserUttered:
    parse: dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": confidence},
                             "entities": []}
    if checked:
        parse["compliance"] = {"hits": [{"detector": d, "pattern_name": "p", "start": 0,
                                         "end": 1, "score": 0.9} for d in detectors]}
        if error:
            parse["compliance"]["error"] = "E203"
    return UserUttered(text, parse["intent"], parse_data=parse)


def predict(guard: ComplianceGuardPolicy, domain: Domain, events: list[Event]) -> tuple[str | None, dict[str, Any]]:
    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_listen"), *events],
                                               domain.slots)
    prediction = guard.predict_action_probabilities(tracker, domain)
    if max(prediction.probabilities) == 0:
        return None, prediction.diagnostic_data
    return domain.action_names_or_texts[prediction.max_confidence_index], prediction.diagnostic_data


def test_abstains_on_an_ordinary_question(guard: ComplianceGuardPolicy, domain: Domain) -> None:
    assert predict(guard, domain, [user("what is an IRA", "faq")])[0] is None


def test_forces_the_rule_action_and_explains_why(guard: ComplianceGuardPolicy, domain: Domain) -> None:
    action, diagnostic = predict(guard, domain, [user("I want to complain", "complain")])
    assert action == "action_record_complaint"
    assert diagnostic["rule_id"] == "complaint" and "DISP" in diagnostic["regulation"]


def test_a_pattern_fires_even_when_the_intent_is_wrong(guard: ComplianceGuardPolicy, domain: Domain) -> None:
    event = user("should I invest in stocks", "faq", detectors=("signal.advice_request.v3",))
    assert predict(guard, domain, [event])[0] == "utter_advice_decline"


def test_outranks_rule_policy(guard: ComplianceGuardPolicy) -> None:
    assert guard.priority > 6


def test_answers_the_rest_of_the_message_then_ends_the_turn(
    guard: ComplianceGuardPolicy, domain: Domain
) -> None:
    events = [user("worst bank ever", "complain"), ActionExecuted("action_record_complaint"),
              BotUttered("I've recorded your complaint.")]
    assert predict(guard, domain, events)[0] == "action_answer_also"
    events.append(ActionExecuted("action_answer_also"))
    assert predict(guard, domain, events)[0] == "action_listen"


def test_answers_the_other_requests_after_the_learned_policies_answered(
    guard: ComplianceGuardPolicy, domain: Domain
) -> None:
    event = user("I lost my card and what's the ATM fee", "faq")
    event.parse_data["additional_intents"] = [
        {"intent": "faq", "response_key": "faq/fees_atm", "confidence": 0.9}]
    assert predict(guard, domain, [event])[0] is None  # the main request first
    answered = [event, ActionExecuted("utter_faq"), BotUttered("A new card is on its way.")]
    assert predict(guard, domain, answered)[0] == "action_answer_also"
    assert predict(guard, domain, [*answered, ActionExecuted("action_answer_also")])[0] == (
        "action_listen")


def dispute_form_completed_by(event: UserUttered) -> list[Event]:
    """The dispute form fills its last slot from ``event`` and ends, saying nothing."""
    return [ActiveLoop("dispute_form"), event, ActionExecuted("dispute_form"),
            SlotSet("requested_slot", None), ActiveLoop(None)]


def submitted(completed: list[Event]) -> list[Event]:
    """Then the form's submit rule records the dispute and says so."""
    return [*completed, ActionExecuted("action_submit_dispute"),
            BotUttered("Your dispute is recorded.")]


def test_a_form_completed_by_a_several_part_message_is_submitted_before_the_rest(
    guard: ComplianceGuardPolicy, domain: Domain
) -> None:
    """The last slot of a form filled by a message with a second request: the form says
    nothing, so its submit rule answers first (a turn once ended here with no reply at all).
    """
    event = user("it was 40 pounds, and can you fix this quickly?", "inform")
    event.parse_data["additional_intents"] = [{"intent": "faq", "confidence": 0.9}]
    completed = dispute_form_completed_by(event)
    assert predict(guard, domain, completed)[0] is None  # RulePolicy's submit rule runs
    assert predict(guard, domain, submitted(completed))[0] == "action_answer_also"


def test_a_dispute_form_the_rule_restarted_is_submitted_before_the_rest(
    guard: ComplianceGuardPolicy, domain: Domain
) -> None:
    """The last answer of a dispute fires the dispute rule again: its action (the form) completes
    in silence, so the submit rule still answers first (the load benchmark's 503 E026).
    """
    event = user("it was taken then put back, please sort it quickly", "thank",
                 detectors=("signal.dispute.v3",))
    event.parse_data["rule_scores"] = {"dispute-intake": 0.9}
    event.parse_data["additional_intents"] = [{"intent": "disclose_vulnerability", "confidence": 0.9}]
    completed = dispute_form_completed_by(event)
    assert predict(guard, domain, completed)[0] is None
    assert predict(guard, domain, submitted(completed))[0] == "action_answer_also"


def test_the_disclosure_is_not_the_turns_answer(guard: ComplianceGuardPolicy, domain: Domain) -> None:
    event = user("it was 40 pounds, and what's the ATM fee", "inform")
    event.parse_data["additional_intents"] = [{"intent": "faq", "confidence": 0.9}]
    disclosed = [event, ActionExecuted("utter_ai_disclosure"),
                 BotUttered("I'm an AI assistant.", metadata={"utter_action": "utter_ai_disclosure"}),
                 ActionExecuted("dispute_form")]
    assert predict(guard, domain, disclosed)[0] is None


def test_a_single_request_is_left_to_the_learned_policies(
    guard: ComplianceGuardPolicy, domain: Domain
) -> None:
    event = user("what's the ATM fee", "faq")
    event.parse_data["additional_intents"] = []
    assert predict(guard, domain, [event, ActionExecuted("utter_faq")])[0] is None


def test_runs_every_fired_rule_most_severe_first(guard: ComplianceGuardPolicy, domain: Domain) -> None:
    first = user("my wife died, get me a person", "disclose_vulnerability",
                 detectors=("signal.human_request.v3",))
    assert predict(guard, domain, [first])[0] == "action_vulnerable_customer"
    then = [first, ActionExecuted("action_vulnerable_customer")]
    assert predict(guard, domain, then)[0] == "action_handoff"


def test_leaves_turns_the_learned_policies_started(guard: ComplianceGuardPolicy, domain: Domain) -> None:
    events = [user("what is an IRA", "faq"), ActionExecuted("utter_faq")]
    assert predict(guard, domain, events)[0] is None


def test_fails_closed_when_detectors_failed(guard: ComplianceGuardPolicy, domain: Domain) -> None:
    assert predict(guard, domain, [user("hello", "greet", error=True)])[0] == "utter_safe_fallback"


def test_fails_closed_when_a_message_was_never_checked(guard: ComplianceGuardPolicy, domain: Domain) -> None:
    assert predict(guard, domain, [user("hello", "greet", checked=False)])[0] == "utter_safe_fallback"


def test_button_payloads_need_no_check(guard: ComplianceGuardPolicy, domain: Domain) -> None:
    assert predict(guard, domain, [user("/deny", "deny", checked=False)])[0] is None


def test_inside_a_form_only_interrupting_rules_take_over(guard: ComplianceGuardPolicy, domain: Domain) -> None:
    form = [ActiveLoop("dispute_form")]
    assert predict(guard, domain, [*form, user("this is unacceptable", "complain")])[0] is None
    assert predict(guard, domain, [*form, user("get me a human", "request_human")])[0] == "action_handoff"


def test_training_refuses_a_rulebook_naming_unknown_actions(tmp_path: Path) -> None:
    policy = make_policy(tmp_path)
    with pytest.raises(InvalidConfigException, match="E204 .*action_record_complaint"):
        policy.train([], Domain.from_yaml("version: '3.1'\nintents: [greet]"))


def test_a_broken_rulebook_stops_the_policy(tmp_path: Path) -> None:
    bad = tmp_path / "compliance.yml"
    bad.write_text("version: 1\nrules: [")
    with pytest.raises(InvalidConfigException, match="E201"):
        make_policy(tmp_path / "storage", rulebook=bad)


def session_start(disclosed: bool) -> list[Event]:
    from rasa.shared.core.events import BotUttered, SessionStarted

    events: list[Event] = [ActionExecuted("action_session_start")]
    if disclosed:
        events.append(BotUttered("I'm an AI", metadata={"utter_action": "utter_ai_disclosure"}))
    return [*events, SessionStarted(), ActionExecuted("action_listen")]


def test_sends_the_disclosure_itself_when_the_action_server_could_not(
    guard: ComplianceGuardPolicy, domain: Domain
) -> None:
    action, diagnostic = predict(guard, domain, [*session_start(False), user("hi", "greet")])
    assert (action, diagnostic["rule_id"]) == ("utter_ai_disclosure", "ai-disclosure")
    after = [*session_start(False), user("complain!", "complain"), ActionExecuted("utter_ai_disclosure")]
    assert predict(guard, domain, after)[0] == "action_record_complaint"


def test_no_second_disclosure(guard: ComplianceGuardPolicy, domain: Domain) -> None:
    assert predict(guard, domain, [*session_start(True), user("hi", "greet")])[0] is None
    later = [*session_start(True), user("hi", "greet"), ActionExecuted("utter_greet"),
             ActionExecuted("action_listen"), user("hello", "greet")]
    assert predict(guard, domain, later)[0] is None


def test_inside_a_form_the_guard_competes_with_the_form_prediction(
    guard: ComplianceGuardPolicy, domain: Domain
) -> None:
    events = [ActionExecuted("action_listen"), ActiveLoop("dispute_form"), user("human!", "request_human")]
    tracker = DialogueStateTracker.from_events("s", events, domain.slots)
    assert guard.predict_action_probabilities(tracker, domain).is_no_user_prediction
    outside = DialogueStateTracker.from_events("s", [events[0], events[2]], domain.slots)
    assert not guard.predict_action_probabilities(outside, domain).is_no_user_prediction


def test_a_dispute_that_is_also_a_complaint_records_both(guard: ComplianceGuardPolicy, domain: Domain) -> None:
    event = user("you charged me twice and ignored me for a month", "complain",
                 detectors=("signal.complaint.v4", "signal.dispute.v3"))
    assert predict(guard, domain, [event])[0] == "action_record_complaint"
    then = [event, ActionExecuted("action_record_complaint")]
    assert predict(guard, domain, then)[0] == "dispute_form"


def test_a_scam_story_with_a_question_offers_priority_help_then_answers(
    guard: ComplianceGuardPolicy, domain: Domain
) -> None:
    event = user("my online boyfriend needs money, what's the international transfer fee?", "faq",
                 detectors=("signal.vulnerability.v4",))
    assert predict(guard, domain, [event])[0] == "action_vulnerable_customer"
    then = [event, ActionExecuted("action_vulnerable_customer"),
            BotUttered("I'm sorry. I can put you through to a person first.")]
    assert predict(guard, domain, then)[0] == "action_answer_also"


def comment(text: str, intent: str, hits: list[dict[str, Any]]) -> list[Event]:
    """A survey comment: the reply to the comment question, with the given detector hits."""
    event = user(text, intent)
    event.parse_data["compliance"] = {"hits": hits}
    return [ActionExecuted("action_csat_rating"), ActionExecuted("utter_ask_csat_comment"),
            ActionExecuted("action_listen"), event]


def hit(detector: str, entity_type: str) -> dict[str, Any]:
    return {"detector": detector, "entity_type": entity_type, "pattern_name": "p", "start": 0,
            "end": 1, "score": 0.9}


def test_contact_details_in_a_survey_comment_are_stored_not_a_handoff(
    guard: ComplianceGuardPolicy, domain: Domain
) -> None:
    events = comment("good chat, call me on 555 0100 if you want more feedback", "request_human",
                     [hit("pii.phone.v1", "PHONE_NUMBER"),
                      hit("signal.human_request.v3", "HUMAN_REQUEST")])
    assert predict(guard, domain, events)[0] == "action_csat_comment"
    assert predict(guard, domain, [*events, ActionExecuted("action_csat_comment")])[0] == (
        "action_listen")


def test_a_dissatisfied_survey_comment_is_a_complaint_and_still_stored(
    guard: ComplianceGuardPolicy, domain: Domain
) -> None:
    events = comment("useless, went round in circles", "complain",
                     [hit("signal.complaint.v4", "COMPLAINT")])
    assert predict(guard, domain, events)[0] == "action_record_complaint"
    events.append(ActionExecuted("action_record_complaint"))
    assert predict(guard, domain, events)[0] == "action_csat_comment"


def test_a_plain_survey_comment_is_left_to_the_rules(guard: ComplianceGuardPolicy, domain: Domain) -> None:
    assert predict(guard, domain, comment("quick and clear, thanks", "thank", []))[0] is None


def test_a_request_for_a_person_in_a_comment_without_contact_details_is_a_handoff(
    guard: ComplianceGuardPolicy, domain: Domain
) -> None:
    events = comment("can I talk to a person now", "request_human",
                     [hit("signal.human_request.v3", "HUMAN_REQUEST")])
    assert predict(guard, domain, events)[0] == "action_handoff"
