"""Feature extractors: one registry, versioned names, a table per behaviour."""

from __future__ import annotations

import math

import pytest

from bot import registry
from bot.errors import CandorError
from bot.registry import csat_features
from bot.scoring.features import FEATURE_SET_V2, describe, features, short_name
from bot.scoring.transcript import Dialogue
from tests.scoring.csat_helpers import b, conv, u

FALLBACK = b("Sorry, I didn't understand.", "utter_default")
HANDOFF = b("Connecting you to a colleague.", "utter_handoff", ("human-handoff",))

# fmt: off
CASES = [
    # (name, conversation, expected value)
    ("fallback_rate", conv(u("hi"), FALLBACK, u("hello?"), b()), 0.5),
    ("fallback_rate", conv(u("x", intent="nlu_fallback"), b()), 1.0),
    ("fallback_rate", conv(u("hi")), 0.0),
    ("low_confidence_rate", conv(u("a", confidence=0.2), b(), u("b", confidence=0.9)), 0.5),
    ("low_confidence_rate", conv(u("a"), b()), 0.0),                 # unknown -> neutral
    ("last_fallback", conv(u("a"), FALLBACK), 1.0),
    ("last_fallback", conv(u("a"), FALLBACK, u("b"), b()), 0.0),
    ("repetition_last", conv(u("change my pin"), FALLBACK, u("change my pin")), 1.0),
    ("repetition_max", conv(u("lost card"), b(), u("lost card"), b(), u("thanks")), 1.0),
    ("bot_repetition", conv(u("a"), b("Try again."), u("b"), b("Try again.")), 1.0),
    ("frustration_last", conv(u("fine"), b(), u("useless!! USELESS")), 3.0),
    ("frustration_total", conv(u("I already told you"), b()), math.log1p(1)),
    ("correction_last", conv(u("a"), b(), u("no, that's wrong")), 1.0),
    ("thanks", conv(u("a"), b(), u("thank you"), b(), u("bye")), 1.0),
    ("thanks", conv(u("thank you"), b(), u("a"), b(), u("b")), 0.0),  # only the last two
    ("closure", conv(u("a"), b(), u("perfect, that's all")), 1.0),
    ("handoff_requested", conv(u("I want a human"), HANDOFF), 1.0),
    ("handoff_requested", conv(u("help", rules=("human-handoff",)), HANDOFF), 1.0),
    ("handoff_requested", conv(u("/request_human", intent="request_human"), HANDOFF), 1.0),
    ("handoff_requested", conv(u("where is my card"), b()), 0.0),
    ("handoff_refused", conv(u("I want a human"), b("I can help here.")), 1.0),
    ("handoff_refused", conv(u("I want a human"), HANDOFF), 0.0),
    ("handoff_refused", conv(u("I want a human")), 0.0),             # no reply yet
    ("guardrail_refusals", conv(u("invest?"), b(rules=("no-personal-advice",))), 1.0),
    ("complaint", conv(u("I complain", rules=("complaint",)), b()), 1.0),
    ("vulnerability", conv(u("lost my job", rules=("vulnerable-customer",)), b()), 1.0),
    ("length", conv(u("a"), b(), u("b"), b(), u("c")), math.log1p(3)),
    ("latency_mean", conv(u("a"), b(latency_ms=1000), u("b"), b(latency_ms=3000)), 2.0),
    ("latency_max", conv(u("a"), b(latency_ms=90_000)), 30.0),        # capped
    ("latency_max", conv(u("a"), b()), 0.0),
    ("abandoned", conv(u("where is my money"), b()), 1.0),
    ("abandoned", conv(u("where is my money"), b(), ended=False), 0.0),
    ("abandoned", conv(u("thanks"), b()), 0.0),
    ("abandoned", conv(u("a human please"), HANDOFF), 0.0),
    ("approval_last", conv(u("a"), b(), u("perfect, go ahead")), 1.0),
    ("approval_last", conv(u("perfect"), b(), u("ok")), 0.0),       # only the latest turn
    ("rejection_last", conv(u("a"), b(), u("no, a different day please")), 1.0),
    ("rejection_last", conv(u("a"), b(), u("no, that's all")), 0.0),
    ("approval_rate", conv(u("great"), b(), u("ok"), b(), u("sounds good"), b()), 2 / 3),
    ("rejection_rate", conv(u("a"), b(), u("not that one")), 0.5),
    ("setback_last", conv(u("a"), b("Sorry, I couldn't find it.")), 1.0),
    ("setback_last", conv(u("a"), b("Sorry, no."), u("b"), b("Done.")), 0.0),
    ("setback_rate", conv(u("a"), b("Sorry, I'm unable to."), u("b"), b("Done.")), 0.5),
]
# fmt: on


@pytest.mark.parametrize("name, conversation, expected", CASES)
def test_feature_table(name: str, conversation: Dialogue, expected: float) -> None:
    full = f"csat.{name}.v1"
    assert features(conversation, (full,)).values[0] == pytest.approx(expected, abs=1e-6)


def test_every_v2_feature_is_registered_and_described() -> None:
    assert set(FEATURE_SET_V2) <= set(registry.csat_features.names())
    assert len(set(FEATURE_SET_V2)) == len(FEATURE_SET_V2)
    for name in FEATURE_SET_V2:
        assert describe(name) and describe(name) != short_name(name)


def test_sentiment_features_follow_customer_words() -> None:
    happy = features(conv(u("great, that helped, thanks!"), b()))
    sad = features(conv(u("this is awful and useless"), b()))
    assert happy.as_dict()["csat.sentiment_last.v1"] > 0 > sad.as_dict()["csat.sentiment_last.v1"]


def test_empty_conversation_is_neutral() -> None:
    assert set(features(Dialogue("empty", ())).values) == {0.0}


def test_features_are_deterministic() -> None:
    c = conv(u("still not working??"), FALLBACK, u("still not working"), b())
    assert features(c) == features(c)


def test_reregistering_a_feature_name_is_refused() -> None:
    with pytest.raises(CandorError, match="E102"):
        csat_features.register("csat.fallback_rate.v1")(lambda c: 0.0)


def test_a_v2_can_be_added_beside_v1() -> None:
    csat_features.register("csat.fallback_rate.v2")(lambda c: 42.0)
    assert features(conv(u("a")), ("csat.fallback_rate.v2",)).values == (42.0,)


def test_unknown_feature_lists_available_names() -> None:
    with pytest.raises(CandorError, match="E101.*csat.fallback_rate.v1"):
        features(conv(u("a")), ("csat.nope.v1",))


def test_builtins_survive_a_registry_restore_from_before_import() -> None:
    registry.csat_features.restore({})  # as if snapshotted before bot.scoring was imported
    assert features(conv(u("a")), ("csat.fallback_rate.v1",)).values == (0.0,)
    assert "csat.abandoned.v1" in registry.csat_features
