"""Build the context learner's inputs from dialogue prefixes (pure, given an embedding lookup)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.scoring.context_learner import EMBEDDED_TURNS, ContextInputs
from bot.scoring.transcript import Dialogue
from bot.scoring.turn_context import SIGNALS, Embed, turn_context, turn_signals


def context_inputs(
    prefixes: Sequence[tuple[Dialogue, int]],
    x: np.ndarray,
    names: tuple[str, ...],
    embed: Embed,
    dim: int,
) -> ContextInputs:
    """Rows for ``(prefix, user turns in its dialogue)`` pairs beside their feature rows ``x``.

    The named features are ``names`` (the ``csat.*.v1`` columns of ``x``) followed by the turn
    :data:`~bot.scoring.turn_context.SIGNALS`; ``dim`` is the embedding width.
    """
    contexts = [turn_context(p, total) for p, total in prefixes]
    signals = [turn_signals(p, c, embed) for (p, _), c in zip(prefixes, contexts, strict=True)]
    turns = tuple((c.last_bot, c.previous_user) for c in contexts)
    vectors = np.zeros((len(turns), len(EMBEDDED_TURNS), dim), dtype=np.float32)
    for i, pair in enumerate(turns):
        for j, text in enumerate(pair):
            vectors[i, j] = embed(text)
    dense = np.hstack([np.asarray(x, dtype=float).reshape(len(turns), len(names)),
                       np.array(signals, dtype=float).reshape(len(turns), len(SIGNALS))])
    return ContextInputs(
        names=(*names, *SIGNALS),
        x=dense,
        acts=tuple((c.bot_act, c.user_act) for c in contexts),
        turns=turns,
        embeddings=vectors,
    )
