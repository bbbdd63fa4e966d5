"""Thin adapter between stored/exported transcripts and the pure scoring core.

Two sources, one shape: a JSON export (``--input FILE``), whose records are typed as
``TypedDict`` because they cross a process boundary, and the transcript database, read only
through ``bot.transcripts.repository`` (STYLE.md practice 11: only the repository touches the
database). Nothing here computes a feature or a score.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypedDict

from bot.errors import CandorError, Errors
from bot.scoring.transcript import Dialogue, DialogueTurn
from bot.survey_turns import survey_turn_indexes


class CsatTurnInput(TypedDict, total=False):
    """The keys the scorer reads; the transcript store's records are a superset."""

    role: str
    text: str
    intent: str | None
    confidence: float | None
    response: str | None
    action: str | None
    rule_ids: list[str]
    latency_ms: float | None
    timestamp: float | None


class CsatConversationInput(TypedDict, total=False):
    """One conversation; ``survey`` is the customer's answer when they gave one."""

    conversation_id: str
    ended: bool
    turns: list[CsatTurnInput]
    survey: int | None


def turn_from_record(r: CsatTurnInput) -> DialogueTurn:
    """A stored or exported turn as the scorer's :class:`DialogueTurn`."""
    role = r.get("role", "")
    return DialogueTurn(
        role="bot" if role in ("bot", "assistant", "system") else "user",
        text=r.get("text") or "",
        intent=r.get("intent"),
        confidence=r.get("confidence"),
        response=r.get("response") or r.get("action"),
        rule_ids=tuple(r.get("rule_ids") or ()),
        latency_ms=r.get("latency_ms"),
        timestamp=r.get("timestamp"),
    )


def conversation_from_record(r: CsatConversationInput) -> Dialogue:
    """A stored or exported conversation as the scorer's :class:`Dialogue`.

    Without the survey exchange (:mod:`bot.survey_turns`): the answer is what a prediction is
    checked against, not evidence for it.
    """
    turns = tuple(turn_from_record(t) for t in r.get("turns", []))
    survey = survey_turn_indexes(turns)
    return Dialogue(
        conversation_id=str(r["conversation_id"]),
        turns=tuple(t for i, t in enumerate(turns) if i not in survey),
        ended=bool(r.get("ended", True)),
    )


def load_records(path: Path) -> list[CsatConversationInput]:
    """Read ``{"conversations": [...]}`` or a bare list from a JSON export."""
    data: Any = json.loads(path.read_text(encoding="utf-8"))
    records = data.get("conversations", []) if isinstance(data, dict) else data
    return list(records)


def repository() -> Any:
    """The transcript repository module, or E407 saying how to work without it."""
    try:
        import bot.transcripts.repository as repo
    except ImportError as e:
        raise CandorError(Errors.E407.format(cause=e)) from None
    return repo


def db_conversations() -> list[tuple[Dialogue, int | None]]:
    """Every stored conversation with its survey answer (None when not answered)."""
    repo = repository()
    return [(conversation_from_record(r), r.get("survey")) for r in repo.csat_records()]


def db_conversation(conversation_id: str) -> list[Dialogue]:
    """The one stored conversation (empty list when unknown)."""
    repo = repository()
    record = repo.csat_record(conversation_id)
    return [conversation_from_record(record)] if record else []


def db_stored_score(conversation_id: str, model_version: str) -> dict[str, Any] | None:
    """The score stored for this conversation by this model version, if any."""
    return repository().csat_score(conversation_id, model_version)


def db_save_scores(rows: Sequence[Mapping[str, Any]]) -> int:
    """Upsert scores keyed by (conversation, model version): re-running changes nothing."""
    return int(repository().upsert_csat_scores(rows))
