"""Flow metrics and the funnel on a hand-built transcript set with known answers."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.scoring.flow_metrics import (
    ConversationFact,
    TurnFact,
    by_flow,
    flows_of,
    funnel,
    has_doom_loop,
    metrics,
)

D1 = datetime(2026, 11, 30, 9, tzinfo=timezone.utc)
D2 = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)


def u(intent: str) -> TurnFact:
    return TurnFact("user", intent=intent)


def b(response: str, action: str | None = None) -> TurnFact:
    return TurnFact("bot", response=response, action=action)


PIN = b("utter_faq/card_pin")
REPHRASE = b("utter_ask_rephrase")

# fmt: off
CONVS = [
    # 1. PIN answered, then goodbye; rated 5. Contained, no fallback.
    ConversationFact("c1", D1, "rest", "resolved", (u("faq"), PIN, u("goodbye"),
                     b("utter_goodbye")), rating=5, predicted=4.0),
    # 2. two fallbacks in a row, then PIN; rated 2. A doom loop.
    ConversationFact("c2", D1, "rest", "abandoned", (u("nlu_fallback"), REPHRASE,
                     u("nlu_fallback"), REPHRASE, u("faq"), PIN), rating=2, predicted=2.0),
    # 3. asks for a human and is handed off; a complaint.
    ConversationFact("c3", D2, "socketio", "handed_off", (u("request_human"),
                     b("utter_handoff")), handoff=True, complaint=True),
    # 4. asks for a human, not given: a doom loop; one fallback (not in a row).
    ConversationFact("c4", D2, "rest", "open", (u("nlu_fallback"), REPHRASE, u("request_human"),
                     b("utter_offer_human"), u("faq"), PIN)),
]
# fmt: on


def test_flows_are_faq_topics_intents_and_forms() -> None:
    form = ConversationFact("f", D1, None, "open", (u("dispute_transaction"),
                            b("utter_ask_dispute_what", action="dispute_form")))
    assert flows_of(form) == {"intent:dispute_transaction", "form:dispute_form"}
    assert flows_of(CONVS[0]) == {"topic:card_pin", "intent:goodbye"}


@pytest.mark.parametrize(("index", "loop"), [(0, False), (1, True), (2, False), (3, True)])
def test_doom_loops(index: int, loop: bool) -> None:
    assert has_doom_loop(CONVS[index]) is loop


def test_the_card_pin_flow_has_the_known_figures() -> None:
    pin = next(m for m in by_flow(CONVS) if m.flow == "topic:card_pin")
    assert pin.volume == 3  # c1, c2, c4
    assert pin.containment == 1.0 and pin.handoff_rate == 0.0
    # customer messages: c1 2, c2 3, c4 3 = 8; fallback answers: c2 2, c4 1 (the rephrase; the
    # person offered to a customer who asked for one is no fallback)
    assert pin.fallback_rate == pytest.approx(3 / 8)
    assert (pin.doom_loops, pin.doom_loop_rate) == (2, pytest.approx(2 / 3))
    assert pin.abandonment == pytest.approx(1 / 3)
    assert (pin.csat_mean, pin.csat_n, pin.predicted_mean) == (3.5, 2, 3.0)
    assert pin.median_turns == 6
    assert pin.trend == ((date(2026, 11, 30), 2), (date(2026, 12, 1), 1))


def test_whole_bot_figures_and_the_funnel() -> None:
    whole = metrics("all", CONVS)
    assert (whole.volume, whole.handoff_rate, whole.complaint_rate) == (4, 0.25, 0.25)
    steps = funnel(CONVS).steps()
    # answered: all four got a non-fallback answer; contained: not c3; surveyed: c1, c2;
    # satisfied: c1 (rating 5).
    assert steps == [("conversations", 4), ("answered", 4), ("contained", 3), ("surveyed", 2),
                     ("satisfied", 1)]


def test_no_conversations_gives_no_rates_rather_than_zero() -> None:
    empty = metrics("none", [])
    assert (empty.volume, empty.containment, empty.csat_mean, empty.median_turns) == (
        0, None, None, None)
