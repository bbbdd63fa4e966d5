"""What the customer is reacting to: the last system turn, their previous turn, acts, position.

The ``csat.*.v1`` features summarise the whole conversation; a turn's rating mostly reflects
how the bot's latest reply landed on what the customer had just asked. This module picks those
two turns out of a prefix and measures them with sentence embeddings supplied by the caller
(so the logic stays pure and testable): whether the reply answers the question (their cosine),
whether the bot or the customer repeats themselves, and where in the dialogue we are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.scoring.transcript import Dialogue, DialogueTurn

Embed = Callable[[str], np.ndarray]
"""Text -> L2-normalised sentence embedding (the NLU's encoder, or a fake in tests)."""

SIGNALS: dict[str, str] = {
    "qa_similarity": "how closely the bot's last reply matches the customer's previous turn",
    "bot_repeat": "similarity of the bot's last reply to its reply before",
    "bot_repeat_max": "highest similarity between consecutive bot replies so far",
    "customer_repeat": "similarity of the customer's previous turn to the one before",
    "turn_index": "how many customer turns came before (log scale)",
    "turn_share": "position of the rated turn in the dialogue (0 start, 1 end)",
    "bot_reply_length": "length of the bot's last reply in characters (log scale)",
    "customer_length": "length of the customer's previous turn in characters (log scale)",
}
"""Turn signals in model order, with the description an explanation shows."""


@dataclass(frozen=True)
class TurnContext:
    """The two turns a rating reacts to, their dialogue acts, and the position of the rating."""

    last_bot: str
    previous_user: str
    bot_act: str
    user_act: str
    turn_index: int
    turn_share: float


def _text(turns: tuple[DialogueTurn, ...], back: int) -> str:
    return turns[-back].text if len(turns) >= back else ""


def turn_context(prefix: Dialogue, user_turns_total: int) -> TurnContext:
    """The context of the rating that follows ``prefix`` in a dialogue of that many user turns."""
    bots, users = prefix.bot_turns, prefix.user_turns
    done = len(users)
    return TurnContext(
        last_bot=_text(bots, 1),
        previous_user=_text(users, 1),
        bot_act=(bots[-1].response or "none") if bots else "start",
        user_act=(users[-1].intent or "none") if users else "start",
        turn_index=done,
        turn_share=min(1.0, done / max(user_turns_total, 1)),
    )


def _cos(embed: Embed, a: str, b: str) -> float:
    return float(embed(a) @ embed(b)) if a and b else 0.0


def turn_signals(prefix: Dialogue, context: TurnContext, embed: Embed) -> tuple[float, ...]:
    """The :data:`SIGNALS` of one rated turn, in order."""
    bots, users = prefix.bot_turns, prefix.user_turns
    pairs = zip(bots, bots[1:], strict=False)
    values = {
        "qa_similarity": _cos(embed, context.last_bot, context.previous_user),
        "bot_repeat": _cos(embed, _text(bots, 1), _text(bots, 2)),
        "bot_repeat_max": max((_cos(embed, a.text, b.text) for a, b in pairs), default=0.0),
        "customer_repeat": _cos(embed, _text(users, 1), _text(users, 2)),
        "turn_index": float(np.log1p(context.turn_index)),
        "turn_share": context.turn_share,
        "bot_reply_length": float(np.log1p(len(context.last_bot))),
        "customer_length": float(np.log1p(len(context.previous_user))),
    }
    return tuple(values[name] for name in SIGNALS)
