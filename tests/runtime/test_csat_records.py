"""The adapter from stored transcripts to the CSAT scorer (``bot.runtime.csat_records``)."""

from __future__ import annotations

from typing import Any

from bot.runtime.csat_records import CsatConversationInput, conversation_from_record
from bot.scoring.model import load_model
from bot.scoring.scorer import score_conversation
from bot.survey_turns import ASK_COMMENT, ASK_RATING, RATING_INTENT, THANKS

CHAT: list[dict[str, Any]] = [
    {"role": "user", "text": "my card was declined", "intent": "faq", "confidence": 0.9},
    {"role": "bot", "text": "Sorry about that: it was blocked for a suspicious payment.",
     "response": "utter_faq/card_declined", "latency_ms": 700.0},
    {"role": "user", "text": "ok bye", "intent": "goodbye", "confidence": 0.95},
    {"role": "bot", "text": "Goodbye!", "response": "utter_goodbye"},
]


def with_survey(rating: int, comment: str) -> CsatConversationInput:
    turns = CHAT + [
        {"role": "bot", "text": "How would you rate this chat?", "response": ASK_RATING},
        {"role": "user", "text": f'/rate_chat{{"csat_rating": "{rating}"}}',
         "intent": RATING_INTENT},
        {"role": "bot", "text": "Anything to tell us?", "response": ASK_COMMENT},
        {"role": "user", "text": comment, "intent": "nlu_fallback"},
        {"role": "bot", "text": "Thanks for your feedback.", "response": THANKS},
    ]
    return {"conversation_id": "c-1", "ended": True, "turns": turns, "survey": rating}  # type: ignore[typeddict-item]


def test_the_survey_answer_is_not_evidence_for_the_prediction() -> None:
    model = load_model()
    plain = score_conversation(conversation_from_record(
        {"conversation_id": "c-1", "ended": True, "turns": CHAT}), model)  # type: ignore[typeddict-item]
    happy = score_conversation(conversation_from_record(
        with_survey(5, "brilliant, thank you so much!")), model)
    angry = score_conversation(conversation_from_record(
        with_survey(1, "useless!! worst bank ever")), model)
    assert happy == angry == plain
    assert len(conversation_from_record(with_survey(3, "fine")).turns) == len(CHAT)
