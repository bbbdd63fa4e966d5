"""Fitting the artefact: a conversation's rating learnt from the rows its score averages."""

from __future__ import annotations

from bot.bench.csat.synthetic import synthetic_dialogues
from bot.bench.csat.training import SHIPPED_RECENCY, train_model
from bot.scoring.scorer import score_conversation
from tests.scoring.csat_helpers import b, conv, u

SOURCE = {"source": "test"}


def test_without_fit_recency_each_conversation_is_one_whole_row() -> None:
    labelled = synthetic_dialogues(40, seed=5)
    model = train_model(labelled, "t-1", SOURCE, recency=SHIPPED_RECENCY)
    turns = sum(len(labels) for _, labels, _ in labelled)
    assert model.trained_on["samples"] == turns + len(labelled)
    assert "fit_recency" not in model.trained_on and model.recency == SHIPPED_RECENCY


def test_fit_recency_spreads_each_rating_over_the_conversations_turn_prefixes() -> None:
    labelled = synthetic_dialogues(40, seed=5)
    model = train_model(labelled, "t-2", SOURCE, recency=SHIPPED_RECENCY, fit_recency=True)
    turns = sum(len(labels) for _, labels, _ in labelled)
    prefixes = sum(max(1, len(c.user_turns)) for c, _, _ in labelled)
    assert model.trained_on["samples"] == turns + prefixes and model.trained_on["fit_recency"]


def test_a_rating_that_follows_the_ending_is_learnt_from_the_ending() -> None:
    """Answers decided by the customer's last words: the fitted score ranks them."""
    happy_end = conv(u("my card was declined"), b("Sorry, I couldn't find that."),
                     u("the payment to the shop"), b("It went through on the second try."),
                     u("perfect, thank you so much!"))
    sour_end = conv(u("my card was declined"), b("It went through on the second try."),
                    u("perfect, thank you so much!"), b("Anything else?"),
                    u("no, this is useless, not what I asked"))
    labelled = [(happy_end, (), 5), (sour_end, (), 1)] * 20
    model = train_model(labelled, "t-3", SOURCE, recency=SHIPPED_RECENCY, fit_recency=True)
    # the shared opening scores a neutral 3 in both and still counts a seventh of each score
    assert score_conversation(happy_end, model).value > 3.5 > 2.5 > score_conversation(sour_end, model).value
