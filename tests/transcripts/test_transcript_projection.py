"""The pure projection: what each Rasa event adds to a conversation."""

from __future__ import annotations

import pytest

from bot.transcripts.projection import ConversationState, event_key, project
from tests.transcripts import transcript_events as ev

OPEN = ConversationState()


def test_a_user_event_is_a_user_turn_with_its_intent() -> None:
    p = project(ev.user("s", "hi", intent="greet", confidence=0.8), OPEN)
    assert p.turn is not None
    assert (p.turn.actor, p.turn.text, p.turn.intent, p.turn.confidence) == ("user", "hi", "greet", 0.8)
    assert p.channel == "rest" and p.model_version == "model-1"
    assert p.state.last_user_at == p.turn.sent_at


def test_a_bot_turn_carries_action_response_rules_and_latency() -> None:
    state = ConversationState(last_action="utter_faq", last_user_at=100.0)
    event = {**ev.bot("s", "answer", rules=("rate-disclaimer", "rate-disclaimer")), "timestamp": 100.25}
    p = project(event, state)
    assert p.turn is not None
    assert (p.turn.actor, p.turn.action, p.turn.response) == ("bot", "utter_faq", "utter_faq")
    assert p.turn.ai_label is True and p.turn.latency_ms == 250.0
    assert p.rule_ids == ("rate-disclaimer",)


# fmt: off
@pytest.mark.parametrize(("event", "outcome", "handoff", "complaint", "ended"), [
    (ev.slot("s", "handoff", "requested"),        "handed_off", "requested", None,     True),
    (ev.slot("s", "handoff", None),               "open",       None,        None,     False),
    (ev.slot("s", "complaint_category", "fees"),  "open",       None,        "fees",   False),
    (ev.user("s", "bye", intent="goodbye"),       "resolved",   None,        None,     True),
    (ev.slot("s", "requested_slot", "x"),         "open",       None,        None,     False),
])
# fmt: on
def test_outcomes_handoffs_and_complaints(
    event: dict, outcome: str, handoff: str | None, complaint: str | None, ended: bool
) -> None:
    p = project(event, OPEN)
    assert (p.state.outcome, p.handoff, p.complaint, p.ended) == (outcome, handoff, complaint, ended)


def test_goodbye_after_a_handoff_keeps_the_handoff_outcome() -> None:
    p = project(ev.user("s", "bye", intent="goodbye"), ConversationState(outcome="handed_off"))
    assert p.state.outcome == "handed_off" and not p.ended


def test_actions_are_remembered_but_action_listen_is_not() -> None:
    state = project(ev.action("s", "action_handoff"), OPEN).state
    assert project(ev.action("s", "action_listen"), state).state.last_action == "action_handoff"


def test_event_identity_is_stable_and_ignores_transport_fields() -> None:
    event = ev.user("s", "hi")
    same = {k: v for k, v in event.items() if k != "sender_id"}
    assert event_key("s", event) == event_key("s", same)
    assert event_key("s", event) != event_key("t", event)
    assert len(event_key("s", event)) == 64
