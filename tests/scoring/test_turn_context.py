"""Turn context: which turns a rating reacts to, and the signals measured on them."""

from __future__ import annotations

import numpy as np
import pytest

from bot.scoring.turn_context import SIGNALS, turn_context, turn_signals
from tests.scoring.csat_helpers import FakeEncoder, b, conv, u


def embed(text: str) -> np.ndarray:
    return FakeEncoder().sentence_embeddings([text])[0]


def signals(prefix, total: int = 4) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return dict(zip(SIGNALS, turn_signals(prefix, turn_context(prefix, total), embed),
                    strict=True))


def test_context_is_the_last_bot_reply_and_the_customer_turn_before_it() -> None:
    prefix = conv(u("hi", intent="greet"), b("Hello.", response="GREET"),
                  u("block my card", intent="INFORM"), b("Card blocked.", response="CONFIRM"))
    c = turn_context(prefix, user_turns_total=4)
    assert (c.last_bot, c.previous_user) == ("Card blocked.", "block my card")
    assert (c.bot_act, c.user_act) == ("CONFIRM", "INFORM")
    assert c.turn_index == 2 and c.turn_share == 0.5


def test_the_first_rating_has_no_context() -> None:
    c = turn_context(conv(), user_turns_total=3)
    assert (c.last_bot, c.previous_user, c.bot_act, c.user_act) == ("", "", "start", "start")
    assert all(v == 0.0 for v in signals(conv()).values())


# fmt: off
@pytest.mark.parametrize("turns, name, expected", [
    ((u("card fee"), b("card fee")), "qa_similarity", 1.0),
    ((u("card"), b("weather")), "qa_similarity", 0.0),
    ((u("x"), b("try again later"), u("y"), b("try again later")), "bot_repeat", 1.0),
    ((u("x"), b("try again later"), u("y"), b("try again later"), u("z"), b("ok")),
     "bot_repeat_max", 1.0),
    ((u("lost card"), b("ok"), u("lost card")), "customer_repeat", 1.0),
])
# fmt: on
def test_similarity_signals(turns: tuple, name: str, expected: float) -> None:  # type: ignore[type-arg]
    assert signals(conv(*turns))[name] == pytest.approx(expected, abs=1e-6)
