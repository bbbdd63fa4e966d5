"""The end-of-conversation survey: a 1-5 rating with buttons, then an optional comment.

Asked when a conversation ends: a goodbye, "nothing else" after "anything else?", or a handoff
(:class:`actions.guardrails.ActionHandoff` calls :func:`ask_for_rating`; a priority handoff of
a customer in distress is not followed by a rating request). Asked at most once per
conversation: the ``csat_survey`` slot remembers it, and the transcript database says whether
the widget's ``POST /api/survey`` already has an answer. Never required: the rating is a
button (or a typed number), nothing waits for it, and a new question is answered as usual.
Only the reply to the comment question goes to :class:`ActionCsatComment` (``data/rules.yml``;
requests the rulebook governs, such as a complaint or a handoff, are the guard policy's), and
a reply that asks an FAQ question gets that FAQ's answer instead of being stored.

Answers are stored through the repository function the widget's API uses, with
``source="bot"``; the comment is redacted there (no raw personal data at rest) and is never
repeated back. The widget shows its own survey only when the bot has not asked.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.errors import Errors
from bot.survey_turns import ALREADY_RATED, ASK_COMMENT, ASK_RATING, NOT_SAVED, THANKS
from bot.transcripts import repository

logger = logging.getLogger(__name__)

SURVEY_SLOT = "csat_survey"  # None -> "asked" -> "rated" -> "done"
#: Slots that belong to one conversation and are not carried into the next session.
SESSION_SCOPED_SLOTS = frozenset({SURVEY_SLOT})
RATING_ENTITY = "csat_rating"
RATINGS = frozenset("12345")
SKIP_WORDS = 3  # "no", "no thanks", "nah i'm good": a refusal, not a comment
#: Waits before asking again for a conversation the transcript does not hold yet: the
#: transcript trails the tracker store by a moment (``candor transcripts follow``).
CATCH_UP_SECONDS = (0.1, 0.25, 0.5, 1.0, 2.0)

QUESTION_WORDS = frozenset({"how", "what", "when", "where", "why", "who", "which", "can",
                            "could", "do", "does", "is", "are", "will", "would", "should"})
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_RATING = re.compile(r"\b([1-5]|one|two|three|four|five)\b", re.IGNORECASE)


def parse_rating(message: dict[str, Any]) -> int | None:
    """The 1-5 rating in a message: the button's entity, else the first number typed."""
    for entity in message.get("entities") or []:
        if entity.get("entity") == RATING_ENTITY and str(entity.get("value")) in RATINGS:
            return int(entity["value"])
    match = _RATING.search(message.get("text") or "")
    if match is None:
        return None
    word = match.group(1).lower()
    return _WORDS.get(word) or int(word)


def is_skip(message: dict[str, Any]) -> bool:
    """The Skip button, or a short "no" (a longer negative message is a comment)."""
    text = (message.get("text") or "").strip()
    intent = (message.get("intent") or {}).get("name")
    return text.startswith("/") or (intent == "deny" and len(text.split()) <= SKIP_WORDS)


def faq_question(message: dict[str, Any]) -> str | None:
    """The FAQ answer to give when the reply asks a question NLU placed, else None.

    The comment question invites free text, which NLU often files under a topic ("quick
    answer about my card"), so the topic alone does not make it a question: it has to read
    as one too (a question mark or an opening question word).
    """
    if (message.get("intent") or {}).get("name") != "faq":
        return None
    text = (message.get("text") or "").strip()
    words = text.lower().split()
    if not (text.endswith("?") or (words and words[0] in QUESTION_WORDS)):
        return None
    selected = ((message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    key = selected.get("intent_response_key")
    return f"utter_{key}" if key else None


async def record_rating(sender_id: str, rating: int) -> None:
    """Store a rating, waiting a few seconds for the transcript to hold the conversation."""
    for delay in (*CATCH_UP_SECONDS, None):
        try:
            await asyncio.to_thread(repository.record_survey, sender_id, rating, source="bot")
            return
        except repository.UnknownConversation:
            if delay is None:
                raise
            await asyncio.sleep(delay)


async def ask_for_rating(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Ask for the rating unless this conversation was already asked or already answered."""
    if tracker.get_slot(SURVEY_SLOT):
        return []
    try:
        answered = await asyncio.to_thread(repository.has_survey, tracker.sender_id)
    except Exception as err:  # noqa: BLE001 - an answer could not be stored either
        logger.error(Errors.E609.format(sender=tracker.sender_id, cause=type(err).__name__))
        return []
    if answered:  # the widget's survey came first
        return [SlotSet(SURVEY_SLOT, "done")]
    dispatcher.utter_message(response=ASK_RATING)
    return [SlotSet(SURVEY_SLOT, "asked")]


class ActionAskCsat(Action):
    """End of conversation: ask for a 1-5 rating, once."""

    def name(self) -> str:
        return "action_ask_csat"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        return await ask_for_rating(dispatcher, tracker)


class ActionCsatRating(Action):
    """Store the rating (button or typed), then offer the optional comment."""

    def name(self) -> str:
        return "action_csat_rating"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        if tracker.get_slot(SURVEY_SLOT) in ("rated", "done"):
            dispatcher.utter_message(response=ALREADY_RATED)
            return []
        rating = parse_rating(tracker.latest_message)
        if rating is None:
            dispatcher.utter_message(response=ASK_RATING)
            return [SlotSet(SURVEY_SLOT, "asked")]
        try:
            await record_rating(tracker.sender_id, rating)
        except repository.DuplicateSurvey:
            dispatcher.utter_message(response=ALREADY_RATED)
            return [SlotSet(SURVEY_SLOT, "done")]
        except Exception as err:  # noqa: BLE001 - the customer is told; nothing raw is logged
            logger.error(Errors.E609.format(sender=tracker.sender_id, cause=type(err).__name__))
            dispatcher.utter_message(response=NOT_SAVED)
            return [SlotSet(SURVEY_SLOT, "done")]
        return [SlotSet(SURVEY_SLOT, "rated"), FollowupAction(ASK_COMMENT)]


class ActionCsatComment(Action):
    """Store the reply to the comment question (redacted; a skip stores nothing) and thank."""

    def name(self) -> str:
        return "action_csat_comment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        message = tracker.latest_message
        answer = faq_question(message)
        if answer is not None:  # a new question: answered, nothing stored
            dispatcher.utter_message(response=answer)
            return [SlotSet(SURVEY_SLOT, "done")]
        if not is_skip(message):
            try:
                await asyncio.to_thread(repository.add_survey_comment, tracker.sender_id,
                                        message.get("text") or "")
            except Exception as err:  # noqa: BLE001 - never log the comment itself
                logger.error(Errors.E609.format(sender=tracker.sender_id,
                                                cause=type(err).__name__))
                dispatcher.utter_message(response=NOT_SAVED)
                return [SlotSet(SURVEY_SLOT, "done")]
        dispatcher.utter_message(response=THANKS)
        return [SlotSet(SURVEY_SLOT, "done")]
