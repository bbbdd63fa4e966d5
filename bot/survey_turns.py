"""The end-of-chat survey as it appears in a transcript: its response names, and its turns.

``actions/survey.py`` sends these responses, the guard policy and the NLG recognise the reply to
the comment question by them, and the CSAT scorer leaves the whole exchange out of what it
scores: the rating and the comment are the answer a prediction is compared with (calibration,
the held-out check before a promotion), so they must not also be its evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

ASK_RATING = "utter_ask_csat_rating"
ASK_COMMENT = "utter_ask_csat_comment"
THANKS = "utter_csat_thanks"
ALREADY_RATED = "utter_csat_already_rated"
NOT_SAVED = "utter_csat_not_saved"
RATING_INTENT = "rate_chat"

SURVEY_RESPONSES = frozenset({ASK_RATING, ASK_COMMENT, THANKS, ALREADY_RATED, NOT_SAVED})
"""What the bot says only inside the survey exchange."""
_AFTER_A_COMMENT = frozenset({THANKS, NOT_SAVED})


class Turn(Protocol):
    """What is read of a turn (the CSAT scorer's ``DialogueTurn`` has it)."""

    @property
    def role(self) -> str: ...
    @property
    def intent(self) -> str | None: ...
    @property
    def response(self) -> str | None: ...


def survey_turn_indexes(turns: Sequence[Turn]) -> frozenset[int]:
    """Positions of the survey exchange in a conversation's turns.

    The bot's survey prompts and thanks, the customer's ratings, and their reply to the comment
    question when the bot took it as a comment or a skip (thanked for it). A question asked
    instead of a comment is answered as usual and stays.
    """
    drop: set[int] = set()
    for i, turn in enumerate(turns):
        if turn.role == "bot":
            if turn.response in SURVEY_RESPONSES:
                drop.add(i)
            continue
        if turn.intent == RATING_INTENT:
            drop.add(i)
        elif i > 0 and turns[i - 1].response == ASK_COMMENT:
            nxt = next((t for t in turns[i + 1:] if t.role == "bot"), None)
            if nxt is not None and nxt.response in _AFTER_A_COMMENT:
                drop.add(i)
    return frozenset(drop)
