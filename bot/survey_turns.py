"""The end-of-chat survey as it appears in a transcript: its response names, and its turns.

``actions/survey.py`` sends these responses, the guard policy and the NLG recognise the reply to
the comment question by them, and the CSAT scorer leaves the whole exchange out of what it
scores: the rating and the comment are the answer a prediction is compared with (calibration,
the held-out check before a promotion), so they must not also be its evidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

ASK_RATING = "utter_ask_csat_rating"
ASK_COMMENT = "utter_ask_csat_comment"
THANKS = "utter_csat_thanks"
ALREADY_RATED = "utter_csat_already_rated"
NOT_SAVED = "utter_csat_not_saved"
RATING_INTENT = "rate_chat"

SURVEY_RESPONSES = frozenset({ASK_RATING, ASK_COMMENT, THANKS, ALREADY_RATED, NOT_SAVED})
"""What the bot says only inside the survey exchange."""
_AFTER_A_COMMENT = frozenset({THANKS, NOT_SAVED})
_BOT_ROLES = frozenset({"bot", "assistant", "system"})


def _response(turn: Mapping[str, Any]) -> str | None:
    return turn.get("response") or turn.get("action")


def survey_turn_indexes(turns: Sequence[Mapping[str, Any]]) -> frozenset[int]:
    """Positions of the survey exchange in stored turns (dicts with role/intent/response).

    The bot's survey prompts and thanks, the customer's ratings, and their reply to the comment
    question when the bot took it as a comment or a skip (thanked for it). A question asked
    instead of a comment is answered as usual and stays.
    """
    drop: set[int] = set()
    for i, turn in enumerate(turns):
        if turn.get("role") in _BOT_ROLES:
            if _response(turn) in SURVEY_RESPONSES:
                drop.add(i)
            continue
        if turn.get("intent") == RATING_INTENT:
            drop.add(i)
        elif i > 0 and _response(turns[i - 1]) == ASK_COMMENT:
            nxt = next((t for t in turns[i + 1:] if t.get("role") in _BOT_ROLES), None)
            if nxt is not None and _response(nxt) in _AFTER_A_COMMENT:
                drop.add(i)
    return frozenset(drop)
