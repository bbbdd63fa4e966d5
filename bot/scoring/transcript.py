"""The transcript as the CSAT scorer sees it: frozen values, no database, no Rasa.

Why a separate object and not the SQLAlchemy rows: the scoring core stays pure and testable
(STYLE.md practice 11), and the same features run on Candor transcripts and on plain public
dialogue text (the USS format), where intent, confidence, rule ids and latency are unknown
(``None`` / empty) and the features that need them contribute their neutral value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["user", "bot"]


@dataclass(frozen=True)
class DialogueTurn:
    """One message; ``text`` is already redacted (nothing raw reaches the scorer)."""

    role: Role
    text: str
    intent: str | None = None
    confidence: float | None = None
    response: str | None = None
    rule_ids: tuple[str, ...] = ()
    latency_ms: float | None = None
    timestamp: float | None = None

    def __post_init__(self) -> None:
        if self.role not in ("user", "bot"):
            raise ValueError(f"DialogueTurn.role must be 'user' or 'bot', not {self.role!r}")


@dataclass(frozen=True)
class Dialogue:
    """A conversation, or a prefix of one (per-turn scores score prefixes).

    ``ended`` says whether the conversation is over (closed or idle): abandonment is only
    meaningful then, so prefixes and live conversations never count as abandoned.
    """

    conversation_id: str
    turns: tuple[DialogueTurn, ...] = field(default_factory=tuple)
    ended: bool = True

    @property
    def user_turns(self) -> tuple[DialogueTurn, ...]:
        return tuple(t for t in self.turns if t.role == "user")

    @property
    def bot_turns(self) -> tuple[DialogueTurn, ...]:
        return tuple(t for t in self.turns if t.role == "bot")

    def user_turn_positions(self) -> tuple[int, ...]:
        """Indexes into ``turns`` of every user turn, in order."""
        return tuple(i for i, t in enumerate(self.turns) if t.role == "user")

    def prefix(self, end: int) -> Dialogue:
        """The first ``end`` turns, as a conversation still in progress."""
        return Dialogue(self.conversation_id, self.turns[:end], ended=False)

    def turn_prefixes(self, include_user_turn: bool = True) -> tuple[Dialogue, ...]:
        """One prefix per user turn, for per-turn scores.

        With ``include_user_turn`` the prefix ends with that user turn (Candor: the customer's
        words are the best evidence of how they feel). Without it, the prefix stops just before
        it, which is the USS paper's protocol (predict the rating from the context only).
        """
        positions = self.user_turn_positions()
        return tuple(self.prefix(p + 1 if include_user_turn else p) for p in positions)
