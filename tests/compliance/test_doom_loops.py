"""The shared fallback and doom-loop definition, its names checked against the Rasa project."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import yaml

from bot.compliance.contract import HUMAN_HANDOFF
from bot.compliance.doom_loops import (
    FALLBACK_ACTIONS,
    FALLBACK_INTENT,
    FALLBACK_RESPONSES,
    HUMAN_REQUEST_DETECTOR,
    HUMAN_REQUEST_INTENT,
    TurnFact,
    doom_loop,
    fallback_flags,
    fallback_streak,
    human_denied,
)
from bot.paths import PROJECT_ROOT
from bot.registry import detectors
from bot.scoring.flow_metrics import ConversationFact, has_doom_loop
from bot.transcripts.review_queues import ConversationFacts, queues_for


def U(intent: str = "faq", detectors: tuple[str, ...] = ()) -> TurnFact:  # noqa: N802
    return TurnFact("user", intent=intent, detectors=detectors)


def B(response: str = "utter_faq/x", action: str | None = None,  # noqa: N802
      rules: tuple[str, ...] = ()) -> TurnFact:
    return TurnFact("bot", response=response, action=action, rule_ids=rules)


# fmt: off
STREAKS = [
    ((), 0),
    ((U(), B()), 0),
    ((U(FALLBACK_INTENT), B("utter_ask_rephrase")), 1),
    ((U(FALLBACK_INTENT), B("utter_ask_rephrase"), U(FALLBACK_INTENT), B("utter_default")), 2),
    # a good answer in between resets the run
    ((U(FALLBACK_INTENT), B("utter_ask_rephrase"), U(), B(), U(FALLBACK_INTENT),
      B("utter_ask_rephrase")), 1),
    # the customer's nlu_fallback counts whatever the reply (the second stage offers a person)
    ((U(FALLBACK_INTENT), B("utter_ask_rephrase"), U(FALLBACK_INTENT), B("utter_offer_human")), 2),
    # a reply from a fallback action counts whatever its response
    ((U(), B("utter_sorry", "action_default_fallback"), U(), B("utter_safe_fallback"), U(),
      B("utter_default")), 3),
    # two fallback messages answering one customer message are one fallback, not a loop
    ((U(), B("utter_safe_fallback"), B("utter_default")), 1),
    # offering a person after a complaint is not a fallback
    ((U("complain"), B("utter_complaint_ack"), B("utter_offer_human"), U("deny"),
      B("utter_anything_else")), 0),
    # a bot message before the first customer message answers nothing
    ((B("utter_default"), U(), B()), 0),
]
# fmt: on


@pytest.mark.parametrize(("turns", "expected"), STREAKS)
def test_fallback_streak(turns: tuple[TurnFact, ...], expected: int) -> None:
    assert fallback_streak(turns) == expected


def test_a_person_asked_for_and_not_given() -> None:
    asked = (U(HUMAN_REQUEST_INTENT), B("utter_offer_human"))
    assert human_denied(asked, handoff_recorded=False)
    assert not human_denied(asked, handoff_recorded=True)
    given = (U(HUMAN_REQUEST_INTENT), B("utter_handoff", rules=(HUMAN_HANDOFF,)))
    assert not human_denied(given, handoff_recorded=False)
    by_detector = (U("faq", (HUMAN_REQUEST_DETECTOR,)), B())
    assert human_denied(by_detector, handoff_recorded=False)
    assert not human_denied((U(), B()), handoff_recorded=False)


def test_the_names_are_the_rasa_projects() -> None:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())
    assert FALLBACK_RESPONSES <= set(domain["responses"])
    core = [p for p in config["policies"] if p.get("core_fallback_action_name")]
    assert FALLBACK_ACTIONS == {core[0]["core_fallback_action_name"], "action_fallback"}
    assert "action_fallback" in domain["actions"]
    assert HUMAN_REQUEST_INTENT in domain["intents"]
    assert detectors.get(HUMAN_REQUEST_DETECTOR)().analyze("can I talk to a person")


# fmt: off
#: Hand-built conversations: (turns, handoff recorded, doom loop?).
CONVERSATIONS = [
    ((U(), B()), False, False),
    ((U(FALLBACK_INTENT), B("utter_ask_rephrase"), U(FALLBACK_INTENT), B("utter_offer_human")),
     False, True),
    ((U(FALLBACK_INTENT), B("utter_ask_rephrase"), U(), B()), False, False),
    ((U(HUMAN_REQUEST_INTENT), B("utter_offer_human")), False, True),
    ((U(HUMAN_REQUEST_INTENT), B("utter_handoff")), True, False),
    ((U(HUMAN_REQUEST_INTENT), B("utter_handoff", rules=(HUMAN_HANDOFF,))), False, False),
    ((U("faq", (HUMAN_REQUEST_DETECTOR,)), B()), False, True),
    ((U(), B("utter_safe_fallback"), U(), B("x", "action_default_fallback")), False, True),
]
# fmt: on


@pytest.mark.parametrize(("turns", "handoff", "loop"), CONVERSATIONS)
def test_studio_and_the_review_queue_count_the_same_loops(
        turns: tuple[TurnFact, ...], handoff: bool, loop: bool) -> None:
    """Studio's doom loops and the "fallback-loops" review queue agree on each conversation."""
    started = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    studio = has_doom_loop(ConversationFact("c", started, "rest", "open", turns, handoff=handoff))
    queued = "fallback-loops" in queues_for(ConversationFacts(turns, handoffs=int(handoff)), 0.0)
    assert studio is queued is doom_loop(turns, handoff) is loop
    assert len(fallback_flags(turns)) == sum(t.actor == "user" for t in turns)
