"""Which conversations a scoring run should (re)score, and the row it stores for each.

A conversation is due when it has ended or has been idle for ``idle_seconds`` (configurable:
``candor csat score --idle-minutes``); an idle one is scored as ended, so abandonment counts.
Rows are keyed by (conversation id, model version) and are a pure function of the transcript
and the artefact, so a re-run rewrites identical rows: the batch is idempotent. The transcript
writer can call :func:`score_row` directly when a conversation ends.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, TypedDict

from bot.scoring.model import CsatModel
from bot.scoring.scorer import score_conversation
from bot.scoring.transcript import Dialogue

DEFAULT_IDLE_SECONDS = 30 * 60


class ScoreRow(TypedDict):
    """What is stored per conversation (the ``csat_scores`` table / the JSON export)."""

    conversation_id: str
    value: float
    predicted_class: int
    turn_scores: list[float]
    explanation: dict[str, Any]
    model_version: str


def last_activity(conversation: Dialogue) -> float | None:
    """Timestamp (epoch seconds) of the latest turn that has one."""
    stamps = [t.timestamp for t in conversation.turns if t.timestamp is not None]
    return max(stamps) if stamps else None


def due(conversation: Dialogue, now: float, idle_seconds: float) -> Dialogue | None:
    """The conversation to score (marked ended), or None when it is still live."""
    if not conversation.user_turns:
        return None
    if conversation.ended:
        return conversation
    last = last_activity(conversation)
    if last is not None and now - last >= idle_seconds:
        return replace(conversation, ended=True)
    return None


def score_row(conversation: Dialogue, model: CsatModel) -> ScoreRow:
    """Score one conversation into its stored form."""
    s = score_conversation(conversation, model)
    return ScoreRow(
        conversation_id=conversation.conversation_id,
        value=s.value,
        predicted_class=s.predicted_class,
        turn_scores=list(s.turn_scores),
        explanation=s.explanation(),
        model_version=s.model_version,
    )
