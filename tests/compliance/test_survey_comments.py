"""A survey comment's contact details are not a request for a person, for guard and NLG alike."""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered

from bot.compliance.evaluation import fired_rule_ids
from bot.compliance.rulebook import load_rulebook
from bot.compliance.survey_comments import (
    leaves_contact_details,
    survey_comment_turn,
    turn_rule_hits,
)

PHONE = {"detector": "pii.phone.v1", "entity_type": "PHONE_NUMBER", "pattern_name": "p",
         "start": 8, "end": 20, "score": 0.9}


def parse(hits: list[dict[str, Any]], scores: dict[str, float]) -> dict[str, Any]:
    return {"text": "call me on 415 555 0132, the app is useless",
            "intent": {"name": "faq", "confidence": 0.9},
            "compliance": {"hits": hits}, "rule_scores": scores}


def asked_for_a_comment(data: dict[str, Any]) -> list[Event]:
    return [UserUttered("4"), ActionExecuted("utter_ask_csat_comment"),
            BotUttered("Anything to add?", metadata={"utter_action": "utter_ask_csat_comment"}),
            ActionExecuted("action_listen"), UserUttered(data["text"], parse_data=data)]


def test_in_a_survey_comment_contact_details_drop_only_the_handoff() -> None:
    data = parse([PHONE], {"human-handoff": 0.95, "complaint": 0.95})
    events = asked_for_a_comment(data)
    assert survey_comment_turn(events) and leaves_contact_details(data)
    hits = turn_rule_hits(load_rulebook(), events, data)
    assert fired_rule_ids(hits) == ["complaint", "pii-redaction"]


def test_elsewhere_or_without_contact_details_the_handoff_stands() -> None:
    book = load_rulebook()
    data = parse([PHONE], {"human-handoff": 0.95})
    plain = [ActionExecuted("action_listen"), UserUttered(data["text"], parse_data=data)]
    assert not survey_comment_turn(plain)
    assert "human-handoff" in fired_rule_ids(turn_rule_hits(book, plain, data))
    bare = parse([], {"human-handoff": 0.95})
    assert "human-handoff" in fired_rule_ids(turn_rule_hits(book, asked_for_a_comment(bare), bare))
    assert turn_rule_hits(book, [], None) == []
