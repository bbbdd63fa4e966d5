"""Finding the survey exchange in stored turns (``bot.survey_turns``)."""

from __future__ import annotations

import yaml

from bot.paths import PROJECT_ROOT
from bot.scoring.transcript import DialogueTurn
from bot.survey_turns import (
    ASK_COMMENT,
    ASK_RATING,
    RATING_INTENT,
    SURVEY_RESPONSES,
    THANKS,
    survey_turn_indexes,
)


def user(text: str, intent: str = "faq") -> DialogueTurn:
    return DialogueTurn("user", text, intent)


def bot(response: str, text: str = "...") -> DialogueTurn:
    return DialogueTurn("bot", text, response=response)


def test_every_survey_response_is_in_the_domain() -> None:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert SURVEY_RESPONSES <= set(domain["responses"])
    assert RATING_INTENT in domain["intents"]


def test_the_rating_the_comment_and_the_prompts_are_the_survey() -> None:
    turns = [user("how do I freeze my card"), bot("utter_faq/card_freeze"),
             user("bye", "goodbye"), bot("utter_goodbye"), bot(ASK_RATING),
             user('/rate_chat{"csat_rating": "1"}', RATING_INTENT), bot(ASK_COMMENT),
             user("useless, never again", "nlu_fallback"), bot(THANKS)]
    assert survey_turn_indexes(turns) == {4, 5, 6, 7, 8}


def test_a_question_asked_instead_of_a_comment_stays() -> None:
    turns = [bot(ASK_RATING), user("4 stars", RATING_INTENT), bot(ASK_COMMENT),
             user("what is the overdraft fee?"), bot("utter_faq/overdraft_fee")]
    assert survey_turn_indexes(turns) == {0, 1, 2}


def test_a_conversation_without_a_survey_is_untouched() -> None:
    turns = [user("hi", "greet"), bot("utter_greet"), user("thanks", "thank")]
    assert survey_turn_indexes(turns) == frozenset()
