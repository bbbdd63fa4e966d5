"""RuleClassifier: trained on NLU examples and labelled sets, scores every model rule.

Trains on a handful of examples with the real rulebook and the real MiniLM encoder (a few
seconds); the product model's measured precision and recall are ``candor bench signals``'.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa.engine.graph import GraphComponent
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.compliance.contract import COMPLIANCE_KEY, RULE_SCORES_KEY
from bot.compliance.labelled_examples import load_samples, turns_of
from bot.compliance.rulebook import load_rulebook
from bot.nlu.rule_classifier import (
    DEFAULT_EXAMPLES,
    RuleClassifier,
    labelled_examples,
    nlu_labels,
)
from bot.paths import PROJECT_ROOT
from tests.nlu.nlu_contract import NLUComponentContract, message

MODEL_RULES = [r.id for r in load_rulebook().rules if r.trigger.model]
# fmt: off
NLU = {
    "complain": ["I want to make a complaint", "your service is terrible", "this is unacceptable"],
    "request_human": ["let me talk to a person", "human please", "connect me to an agent"],
    "greet": ["hello", "hi there", "good morning"],
    "faq/dispute_double_charge": ["I was charged twice", "double payment on my card"],
    "faq/card_pin": ["how do I change my pin", "forgot my pin number"],
}
# fmt: on


def nlu_data() -> TrainingData:
    examples = []
    for label, texts in NLU.items():
        intent, _, key = label.partition("/")
        extra = {INTENT_RESPONSE_KEY: label} if key else {}
        examples += [message(t, intent=intent, **extra) for t in texts]
    return TrainingData(examples)


class TestRuleClassifierContract(NLUComponentContract):
    component_class = RuleClassifier
    config = {"examples": [{"path": "tests/data/rule_examples/labelled.yml"}], "held_out": [],
              "char_min_df": 1}
    trainable = True

    def training_data(self) -> TrainingData:
        return nlu_data()

    def check_processed(self, processed: Message) -> None:
        scores = processed.get(RULE_SCORES_KEY)
        assert sorted(scores) == sorted(MODEL_RULES)
        assert all(0.0 <= p <= 1.0 for p in scores.values())

    def summary(self, processed: Message) -> list[float]:
        return [processed.get(RULE_SCORES_KEY)[r] for r in MODEL_RULES]

    def test_learns_from_intents_keys_and_labelled_sets(self, trained: GraphComponent) -> None:
        texts = ["this is a disgrace, I want to complain", "hello there",
                 "put me through to a person please", "you charged me twice for one payment"]
        out = [m.get(RULE_SCORES_KEY) for m in trained.process([message(t) for t in texts])]  # type: ignore[attr-defined]
        assert out[0]["complaint"] > 0.5 > out[1]["complaint"]
        assert out[2]["human-handoff"] > 0.5 > out[1]["human-handoff"]
        assert out[3]["dispute-intake"] > 0.5 > out[1]["dispute-intake"]

    def test_a_scoring_failure_fails_closed(self, trained: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
        def broken(*_: Any) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr(trained._model, "predict_proba", broken)
        msg = message("I want to complain")
        msg.set(COMPLIANCE_KEY, {"hits": [{"detector": "pii.email.v1"}], "pii_spans": []})
        (processed,) = trained.process([msg])
        section = processed.get(COMPLIANCE_KEY)
        assert section["error"] == "E203" and section["hits"] == [{"detector": "pii.email.v1"}]
        assert processed.get(RULE_SCORES_KEY) is None


def test_nlu_examples_teach_the_rules_that_name_their_intent_or_key() -> None:
    triggers = {r.id: r.trigger.model for r in load_rulebook().rules if r.trigger.model}
    assert nlu_labels(Message(data={INTENT: "complain"}), triggers) == {"complaint"}
    dispute = Message(data={INTENT: "faq", INTENT_RESPONSE_KEY: "faq/dispute_refund"})
    assert nlu_labels(dispute, triggers) == {"dispute-intake"}
    card = Message(data={INTENT: "faq", INTENT_RESPONSE_KEY: "faq/card_pin"})
    assert nlu_labels(card, triggers) == frozenset()


def test_the_product_never_learns_from_the_frozen_test_half() -> None:
    config = RuleClassifier.get_default_config()
    learnt = {e.text for e in labelled_examples(config["examples"], config["held_out"],
                                                frozenset(MODEL_RULES), 1.0)}
    frozen = next(e for e in DEFAULT_EXAMPLES if "signals_eval" in e["path"])
    test_half = {" ".join(turns_of(s)) for s in load_samples(PROJECT_ROOT / frozen["path"], "test")}
    tune_half = {" ".join(turns_of(s)) for s in load_samples(PROJECT_ROOT / frozen["path"], "tune")}
    assert tune_half <= learnt
    assert not test_half & learnt


def test_bad_settings_are_refused() -> None:
    from rasa.shared.exceptions import InvalidConfigException

    with pytest.raises(InvalidConfigException, match="C > 0"):
        RuleClassifier({"C": 0}, None, None)  # type: ignore[arg-type]


def test_held_out_texts_are_never_learnt() -> None:
    labelled = {"path": "tests/data/rule_examples/labelled.yml"}
    learnt = labelled_examples([labelled], [], frozenset(MODEL_RULES), 3.0)
    assert len(learnt) == 10 and {e.weight for e in learnt} == {3.0}
    assert labelled_examples([labelled], [labelled], frozenset(MODEL_RULES), 3.0) == []


def test_the_training_cache_notices_a_changed_example_file(tmp_path: Any) -> None:
    examples = tmp_path / "set.yml"
    examples.write_text('- {id: "a", turns: ["I am furious"], rules: [complaint]}\n')
    config = {"examples": [{"path": str(examples)}], "held_out": []}
    before = RuleClassifier.fingerprint_addon(config)
    assert RuleClassifier.fingerprint_addon(config) == before
    examples.write_text('- {id: "a", turns: ["I am furious"], rules: []}\n')
    assert RuleClassifier.fingerprint_addon(config) != before
