"""The ordinal model: fitting, the JSON artefact, scores and their explanations."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bot.errors import CandorError
from bot.scoring.features import features
from bot.scoring.fit import fit_ordinal
from bot.scoring.model import DEFAULT_MODEL_PATH, CsatModel, from_json, load_model, to_json
from bot.scoring.scorer import ending_rows, score, score_conversation
from tests.scoring.csat_helpers import b, conv, u

NAMES = ("good", "bad")


def toy_model() -> CsatModel:
    """Ratings rise with ``good`` and fall with ``bad``."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(300, 2))
    latent = 4 * x[:, 0] - 4 * x[:, 1]
    y = np.digitize(latent, [-2, -0.7, 0.7, 2]) + 1
    return fit_ordinal(x, y, NAMES, version="toy-v1", alpha=0.001)


def test_fit_learns_the_sign_of_each_feature() -> None:
    model = toy_model()
    assert model.weights[0] > 0 > model.weights[1]
    assert list(model.thresholds) == sorted(model.thresholds)


def test_fit_is_deterministic() -> None:
    assert to_json(toy_model()) == to_json(toy_model())


def test_probabilities_sum_to_one_and_expected_is_in_range() -> None:
    model = toy_model()
    x = np.array([[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])
    assert np.allclose(model.proba(x).sum(axis=1), 1.0)
    value = model.expected(x)
    assert np.all((value >= 1) & (value <= 5)) and value[0] < value[1] < value[2]
    assert list(model.predict_class(x)) == [1, 3, 5]


# fmt: off
@pytest.mark.parametrize("x, y, match", [
    (np.zeros((0, 2)), np.zeros(0), "E404"),
    (np.zeros((3, 2)), np.array([1, 2, 6]), "E404.*1..5"),
    (np.zeros((3, 3)), np.array([1, 2, 3]), "E404"),
])
# fmt: on
def test_fit_rejects_bad_input(x: np.ndarray, y: np.ndarray, match: str) -> None:
    with pytest.raises(CandorError, match=match):
        fit_ordinal(x, y, NAMES)


def test_row_weights_decide_which_rows_count() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, size=(400, 2))
    y = np.digitize(4 * x[:, 0] - 2, [-2, -0.7, 0.7, 2]) + 1  # "good" raises the rating
    both_x, both_y = np.vstack([x, x]), np.concatenate([y, 6 - y])  # and the opposite rule
    first_counts = np.concatenate([np.full(400, 10.0), np.full(400, 0.1)])
    assert fit_ordinal(both_x, both_y, NAMES, row_weights=first_counts).weights[0] > 0
    assert fit_ordinal(both_x, both_y, NAMES, row_weights=first_counts[::-1]).weights[0] < 0


def test_equal_row_weights_are_the_unweighted_fit() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(300, 2))
    y = np.digitize(4 * x[:, 0] - 4 * x[:, 1], [-2, -0.7, 0.7, 2]) + 1
    weighted = fit_ordinal(x, y, NAMES, version="toy-v1", alpha=0.001, row_weights=np.full(300, 3.0))
    assert np.allclose(weighted.weights, toy_model().weights, atol=1e-6)
    assert np.allclose(weighted.thresholds, toy_model().thresholds, atol=1e-6)


# fmt: off
@pytest.mark.parametrize("weights", [[1.0, 0.0, 1.0], [1.0, -1.0, 1.0], [1.0, np.nan, 1.0], [1.0, 1.0]])
# fmt: on
def test_fit_rejects_bad_row_weights(weights: list[float]) -> None:
    with pytest.raises(CandorError, match="E404"):
        fit_ordinal(np.zeros((3, 2)), np.array([1, 3, 5]), NAMES, row_weights=np.array(weights))


def test_artefact_round_trips() -> None:
    model = toy_model()
    again = from_json(to_json(model))
    x = np.array([[0.3, 0.6]])
    assert again.features == model.features
    assert np.allclose(again.expected(x), model.expected(x), atol=1e-4)


# fmt: off
@pytest.mark.parametrize("text, match", [
    ("not json", "E403"),
    ('{"format": "other"}', "E403.*candor-csat-model"),
    ('{"format": "candor-csat-model", "version": "x", "features": ["a"], "mean": [0],'
     ' "scale": [1], "weights": [1, 2], "thresholds": [0, 1, 2, 3]}', "E403.*lengths"),
    ('{"format": "candor-csat-model", "version": "x", "features": ["a"], "mean": [0],'
     ' "scale": [1], "weights": [1], "thresholds": [0]}', "E403.*thresholds"),
])
# fmt: on
def test_bad_artefacts_are_named(text: str, match: str) -> None:
    with pytest.raises(CandorError, match=match):
        from_json(text)


def test_missing_artefact(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CandorError, match="E403.*not found"):
        load_model(tmp_path / "none.json")


def test_explanation_names_the_factors() -> None:
    model = toy_model()
    from bot.scoring.features import CsatFeatures

    s = score(CsatFeatures(NAMES, (0.9, 0.9)), model)
    assert [f.feature for f in s.raising] == ["good"]
    assert [f.feature for f in s.lowering] == ["bad"]
    assert s.raising[0].contribution > 0 > s.lowering[0].contribution
    assert s.explanation()["raising"][0]["feature"] == "good"


def test_score_rejects_vectors_of_another_model() -> None:
    from bot.scoring.features import CsatFeatures

    with pytest.raises(ValueError, match="missing"):
        score(CsatFeatures(("other",), (1.0,)), toy_model())


SHIPPED = load_model()
HAPPY = conv(u("I lost my card"), b("Frozen; a new one is on its way."), u("great, thanks!"))
LOOP = conv(
    u("change my pin"), b("Sorry, I didn't understand.", "utter_default"),
    u("change my pin!!"), b("Sorry, I didn't understand.", "utter_default"),
    u("this is useless, I already told you"),
)
REFUSED = conv(u("I want a human"), b("I can help here."), u("no, a PERSON please!!"))
APPROVED = conv(u("book me a branch appointment"), b("Tuesday at 10:00 is free. Book it?"),
                u("sounds good, go ahead"))
LET_DOWN = conv(u("book me a branch appointment"), b("Sorry, I couldn't find a free slot."),
                u("no, try a different branch"))


def test_shipped_model_is_v3_from_the_synthetic_set() -> None:
    assert SHIPPED.version == "csat-v3" and SHIPPED.trained_on["source"] == "synthetic"
    assert SHIPPED.recency == 0.5
    assert DEFAULT_MODEL_PATH.stat().st_size < 10_000


# fmt: off
@pytest.mark.parametrize("better, worse", [(HAPPY, LOOP), (HAPPY, REFUSED), (APPROVED, LET_DOWN)])
# fmt: on
def test_shipped_model_orders_obvious_cases(better: object, worse: object) -> None:
    assert score_conversation(better, SHIPPED).value > score_conversation(worse, SHIPPED).value


def test_scores_have_one_value_per_user_turn_and_reasons() -> None:
    s = score_conversation(LOOP, SHIPPED)
    assert len(s.turn_scores) == 3 and s.turn_scores[-1] < s.turn_scores[0]
    assert 1.0 <= s.value <= 2.5
    lowering = {f.feature for f in s.lowering}
    assert lowering & {"frustration_total", "last_fallback", "fallback_rate", "repetition_max"}
    assert score_conversation(LOOP, SHIPPED) == s  # deterministic


def test_happy_conversation_is_raised_by_the_customers_approval() -> None:
    s = score_conversation(HAPPY, SHIPPED)
    # 3.85: the opening question alone scores a neutral 3.0 and still counts a third
    assert s.value >= 3.75 and {"approval_last", "approval_rate"} <= {f.feature for f in s.raising}
    assert features(HAPPY, SHIPPED.features).as_dict()["csat.thanks.v1"] == 1.0


RECOVERED = conv(u("change my pin"), b("Sorry, I didn't understand.", "utter_default"),
                 u("change my pin!!"), b("Sorry, I didn't understand.", "utter_default"),
                 u("change my PIN number"), b("You can change it in the app under Card > PIN."),
                 u("perfect, thank you so much!"))
SOURED = conv(u("change my PIN number"), b("You can change it in the app under Card > PIN."),
              u("perfect, thanks"), b("Anything else?"),
              u("my card was declined"), b("Sorry, I didn't understand.", "utter_default"),
              u("my card was DECLINED!!"), b("Sorry, I didn't understand.", "utter_default"),
              u("useless, I give up"))


def test_the_shipped_score_weights_how_the_conversation_ended() -> None:
    # the same ups and downs in the opposite order: the ending decides, as it does for people
    assert score_conversation(RECOVERED, SHIPPED).value > score_conversation(SOURED, SHIPPED).value
    live = score_conversation(conv(*SOURED.turns, ended=False), SHIPPED)  # no end state yet
    w = 0.5 ** np.arange(len(live.turn_scores) - 1, -1, -1)
    assert abs(live.value - float(w @ live.turn_scores / w.sum())) < 1e-3


def test_walking_away_still_counts_at_the_end() -> None:
    left = conv(u("how do I order a card"), b("Sorry, I didn't understand.", "utter_default"))
    still_here = conv(*left.turns, ended=False)
    assert score_conversation(left, SHIPPED).value < score_conversation(still_here, SHIPPED).value
    assert "abandoned" in {f.feature for f in score_conversation(left, SHIPPED).lowering}


def test_ending_rows_are_the_prefixes_the_score_averages() -> None:
    rows, weights = ending_rows(SOURED, SHIPPED.features, 0.5)
    assert len(rows) == len(SOURED.user_turns) == 5
    assert list(weights) == [0.0625, 0.125, 0.25, 0.5, 1.0]
    prefixes = SOURED.turn_prefixes()
    assert rows[0] == features(prefixes[0], SHIPPED.features)
    left = conv(u("how do I order a card"), b("Sorry, I didn't understand.", "utter_default"))
    (ending,), _ = ending_rows(left, SHIPPED.features, 0.5)
    (open_ending,), _ = ending_rows(conv(*left.turns, ended=False), SHIPPED.features, 0.5)
    assert ending.as_dict()["csat.abandoned.v1"] == 1.0 != open_ending.as_dict()["csat.abandoned.v1"]
    silent = conv(b("Hello, I'm Candor, a virtual assistant."))  # nobody spoke: the whole row
    assert ending_rows(silent, SHIPPED.features, 0.5)[0] == [features(silent, SHIPPED.features)]


def test_the_explanation_adds_up_over_the_weighted_turns() -> None:
    s = score_conversation(RECOVERED, SHIPPED)
    assert s.raising and all(f.contribution > 0 for f in s.raising)
    assert s.raising[0].feature in {"thanks", "approval_last", "approval_rate", "sentiment_last"}


def test_whole_conversation_scoring_without_recency_is_unchanged() -> None:
    whole = replace(SHIPPED, recency=None)
    s = score_conversation(SOURED, whole)
    assert s.value == round(float(whole.expected(
        np.array([features(SOURED, whole.features).values]))[0]), 4)


def test_recency_round_trips_and_is_checked() -> None:
    assert from_json(to_json(SHIPPED)).recency == 0.5
    assert "recency" not in to_json(replace(SHIPPED, recency=None))
    bad = to_json(SHIPPED).replace('"recency": 0.5', '"recency": 1.5')
    with pytest.raises(CandorError, match="E403 .*recency"):
        from_json(bad)
