"""RuleModel: one independent yes/no model per rule, saved without pickles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.nlu.rule_model import FitOptions, RuleExample, RuleModel

RULES = ["complaint", "dispute-intake", "never-seen"]
# fmt: off
EXAMPLES = [
    RuleExample("this service is a disgrace", frozenset({"complaint"})),
    RuleExample("worst bank ever, I am furious", frozenset({"complaint"})),
    RuleExample("I was charged twice and you ignore me, disgrace", frozenset({"complaint", "dispute-intake"})),
    RuleExample("a payment I do not recognise was taken", frozenset({"dispute-intake"})),
    RuleExample("refund refused for a payment I cancelled", frozenset({"dispute-intake"})),
    RuleExample("what time do you open", frozenset()),
    RuleExample("how do I order a new card", frozenset()),
    RuleExample("thank you, that was helpful", frozenset(), weight=2.0),
]
# fmt: on


def embeddings(texts: list[str]) -> np.ndarray:
    """A deterministic stand-in for sentence embeddings (bag of hashed words)."""
    out = np.zeros((len(texts), 16))
    for row, text in enumerate(texts):
        for word in text.lower().split():
            out[row, sum(map(ord, word)) % 16] += 1.0
    return out


@pytest.fixture(scope="module")
def model() -> RuleModel:
    texts = [e.text for e in EXAMPLES]
    return RuleModel.fit(EXAMPLES, embeddings(texts), RULES, FitOptions(char_min_df=1))


def scores(model: RuleModel, text: str) -> dict[str, float]:
    return dict(zip(model.rules, model.predict_proba([text], embeddings([text]))[0], strict=True))


def test_each_rule_is_scored_on_its_own(model: RuleModel) -> None:
    both = scores(model, "charged twice and nobody helps, a disgrace")
    assert both["complaint"] > 0.5 and both["dispute-intake"] > 0.5
    plain = scores(model, "what time do you open on saturday")
    assert plain["complaint"] < 0.5 and plain["dispute-intake"] < 0.5


def test_a_rule_without_positives_never_fires(model: RuleModel) -> None:
    assert scores(model, "this service is a disgrace")["never-seen"] < 1e-4


def test_no_texts_no_rows(model: RuleModel) -> None:
    assert model.predict_proba([], np.zeros((0, 16))).shape == (0, len(RULES))


def test_saved_model_predicts_the_same_and_holds_no_pickle(model: RuleModel, tmp_path: Path) -> None:
    model.save(tmp_path)
    with np.load(tmp_path / "weights.npz", allow_pickle=False) as arrays:
        assert arrays["coef"].shape[0] == len(RULES)
    loaded = RuleModel.load(tmp_path)
    texts = ["I want to complain about a double charge", "hello"]
    assert loaded.rules == RULES
    np.testing.assert_allclose(loaded.predict_proba(texts, embeddings(texts)),
                               model.predict_proba(texts, embeddings(texts)), rtol=1e-6)
