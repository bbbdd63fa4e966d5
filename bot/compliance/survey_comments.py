"""Which rule hits stand when the customer answers the survey's comment question.

"Call me on 415 ..." in a survey comment is contact details left with feedback, not a request
for a person, so there the human-handoff rule does not fire. The guard policy (what is enforced)
and the NLG (what each reply is labelled with) both ask :func:`turn_rule_hits`, so the two can
never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered

from bot.compliance.contract import COMPLIANCE_KEY, HUMAN_HANDOFF
from bot.compliance.evaluation import RuleHit, rule_hits
from bot.compliance.rulebook import Rulebook
from bot.survey_turns import ASK_COMMENT

CONTACT_TYPES = frozenset({"PHONE_NUMBER", "EMAIL_ADDRESS"})


def survey_comment_turn(events: Sequence[Event]) -> bool:
    """True when the latest customer message answers the survey's comment question."""
    seen_user = False
    for event in reversed(events):
        if isinstance(event, UserUttered):
            if seen_user:
                return False
            seen_user = True
        elif (seen_user and isinstance(event, ActionExecuted)
              and event.action_name != ACTION_LISTEN_NAME):
            return event.action_name == ASK_COMMENT
        elif seen_user and isinstance(event, BotUttered):
            return event.metadata.get("utter_action") == ASK_COMMENT
    return False


def leaves_contact_details(parse_data: Mapping[str, Any]) -> bool:
    """The message carries a phone number or an e-mail address (found by the PII detectors)."""
    hits = (parse_data.get(COMPLIANCE_KEY) or {}).get("hits") or []
    return any(h.get("entity_type") in CONTACT_TYPES for h in hits)


def turn_rule_hits(rulebook: Rulebook, events: Sequence[Event],
                   parse_data: Mapping[str, Any] | None) -> list[RuleHit]:
    """:func:`rule_hits` of the latest customer message, in the context of the turn."""
    hits = rule_hits(rulebook, parse_data)
    if parse_data and survey_comment_turn(events) and leaves_contact_details(parse_data):
        return [hit for hit in hits if hit.rule_id != HUMAN_HANDOFF]
    return hits
