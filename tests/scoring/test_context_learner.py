"""The context learner: predicts the rare ratings and explains with named inputs and turns."""

from __future__ import annotations

import numpy as np

from bot.scoring.context_inputs import context_inputs
from bot.scoring.context_learner import EMBEDDED_TURNS, ContextClassifier, ContextInputs
from bot.scoring.turn_context import SIGNALS
from tests.scoring.csat_helpers import FakeEncoder, b, conv, reply_rated_inputs, u


def synthetic(n: int = 90) -> tuple[ContextInputs, np.ndarray]:
    """Rating 1, 3 or 5 shows in the bot's last reply; the named feature is noise."""
    return reply_rated_inputs((1, 3, 3, 3, 5), n, seed=0)


def test_learns_the_rare_ratings_from_the_turn_text() -> None:
    data, y = synthetic()
    clf = ContextClassifier(c=10.0).fit(data, y)
    assert (clf.predict(data) == y).all()


def test_explanation_names_the_turn_and_quotes_it() -> None:
    data, y = synthetic()
    clf = ContextClassifier(c=10.0).fit(data, y)
    row = int(np.flatnonzero(y == 1)[0])
    top = clf.explain(data, row, top=1)[0]
    assert top.name == EMBEDDED_TURNS[0] and top.text == "sorry that failed"
    assert top.contribution > 0
    names = {r.name for r in clf.explain(data, row, top=10)}
    assert {"noise", "bot act OFFER"} & names  # named features and acts are reasons too


def test_unseen_acts_are_ignored_at_prediction() -> None:
    data, y = synthetic()
    clf = ContextClassifier().fit(data, y)
    other = ContextInputs(data.names, data.x, tuple(("NEW", "NEW") for _ in y), data.turns,
                          data.embeddings)
    assert len(clf.predict(other)) == len(y)


def test_inputs_from_prefixes_carry_features_signals_acts_and_turns() -> None:
    prefix = conv(u("lost card", intent="INFORM"), b("Card frozen.", response="CONFIRM"))
    enc = FakeEncoder()
    table = {t: v for t, v in zip(["lost card", "Card frozen."],
                                  enc.sentence_embeddings(["lost card", "Card frozen."]),
                                  strict=True)}
    data = context_inputs([(prefix, 3)], np.array([[0.5]]), ("csat.x.v1",),
                          lambda t: table[t] if t else np.zeros(16), 16)
    assert data.names == ("csat.x.v1", *SIGNALS) and data.x[0, 0] == 0.5
    assert data.acts == (("CONFIRM", "INFORM"),)
    assert data.turns == (("Card frozen.", "lost card"),)
    assert np.allclose(data.embeddings[0, 1], table["lost card"])
