"""MultiIntentDetector: clause splitting (pure) and the component on real encoder embeddings."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.compliance.contract import ADDITIONAL_INTENTS_KEY as PARSE_KEY
from bot.nlu.encoder_featurizer import EncoderFeaturizer
from bot.nlu.multi_intent import MultiIntentDetector, additional_labels, split_clauses
from tests.nlu.nlu_contract import NLUComponentContract, message

# fmt: off
EXAMPLES = {
    "greet": ["hello", "hi there", "good morning", "hey", "hello bot", "hi"],
    "faq/card_lost": ["I lost my card", "my card is lost", "lost card", "can't find my debit card",
                      "I can't find my card anywhere", "my card was stolen", "someone stole my card"],
    "faq/hours": ["when are you open", "opening hours", "what time do you open",
                  "are you open on sunday", "branch hours", "when does the branch close"],
    "faq/fees_atm": ["what do you charge at the ATM", "ATM fees", "is there a fee for cash machines",
                     "how much is a cash withdrawal", "fee for taking out cash", "atm charges"],
}
# fmt: on


def training_data() -> TrainingData:
    examples = []
    for label, texts in EXAMPLES.items():
        intent, _, topic = label.partition("/")
        for text in texts:
            data = {TEXT: text, INTENT: intent}
            if topic:
                data[INTENT_RESPONSE_KEY] = label
            examples.append(Message(data=data))
    return TrainingData(examples)


@pytest.mark.parametrize(("text", "clauses"), [
    ("I lost my card and need to know when you open",
     ["I lost my card", "need to know when you open"]),
    ("My card was stolen. Also how do I reset my password?",
     ["My card was stolen", "how do I reset my password?"]),
    ("what is the difference between SWIFT and SEPA transfers",
     ["what is the difference between SWIFT and SEPA transfers"]),
    ("fees and rates", ["fees and rates"]),
    ("I want to transfer money and it keeps failing",
     ["I want to transfer money and it keeps failing"]),
    ("I need to log in but I forgot my password", ["I need to log in but I forgot my password"]),
    ("I changed my phone and now the app won't let me sign in",
     ["I changed my phone and now the app won't let me sign in"]),
    ("hi", ["hi"]),
])
def test_splits_only_where_both_sides_are_requests(text: str, clauses: list[str]) -> None:
    assert split_clauses(text) == clauses


def test_at_most_max_clauses() -> None:
    text = "I lost my card. what are your hours. what is the ATM fee. how do I pay a bill"
    assert len(split_clauses(text, max_clauses=3)) == 3


def test_additional_labels_skip_the_main_label_repeats_and_ignored_intents() -> None:
    found = [("faq/a", 0.9), ("faq/b", 0.8), ("faq/b", 0.95), ("greet", 0.99)]
    assert additional_labels("faq/a", found, {"greet"}) == [("faq/b", 0.8)]


class TestMultiIntentDetector(NLUComponentContract):
    component_class = MultiIntentDetector
    trainable = True

    def training_data(self) -> TrainingData:
        return training_data()

    def prepare(self, messages: list[Message]) -> list[Message]:
        """The vectors the pipeline's MiniLM featurizer (alias ``minilm``) adds."""
        config = {**EncoderFeaturizer.get_default_config(), "alias": "minilm"}
        return EncoderFeaturizer(config, "minilm").process(messages)

    def check_processed(self, processed: Message) -> None:
        assert isinstance(processed.get(PARSE_KEY), list)

    def summary(self, processed: Message) -> list[float]:
        return [r["confidence"] for r in processed.get(PARSE_KEY)]

    def test_lists_the_second_request(self, trained: MultiIntentDetector) -> None:
        msg = message("I lost my card and what are your opening hours",
                      intent={"name": "faq", "confidence": 0.8},
                      response_selector={"faq": {"response": {INTENT_RESPONSE_KEY: "faq/card_lost"}}})
        (processed,) = trained.process([msg])
        assert [r["response_key"] for r in processed.get(PARSE_KEY)] == ["faq/hours"]

    def test_a_single_request_has_none(self, trained: MultiIntentDetector) -> None:
        msg = message("I lost my card", intent={"name": "faq", "confidence": 0.9},
                      response_selector={"faq": {"response": {INTENT_RESPONSE_KEY: "faq/card_lost"}}})
        assert trained.process([msg])[0].get(PARSE_KEY) == []

    def test_a_fallback_made_of_two_clear_requests_answers_the_first(
        self, trained: MultiIntentDetector
    ) -> None:
        msg = message("someone stole my card and what is the ATM fee",
                      intent={"name": "nlu_fallback", "confidence": 0.4})
        (processed,) = trained.process([msg])
        assert processed.get(INTENT)["name"] == "faq"
        selected = processed.get(RESPONSE_SELECTOR_PROPERTY_NAME)["faq"]["response"]
        assert selected[INTENT_RESPONSE_KEY] == "faq/card_lost"
        assert [r["response_key"] for r in processed.get(PARSE_KEY)] == ["faq/fees_atm"]


def test_training_without_encoder_vectors_is_a_clear_config_error(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "multi")
    detector = MultiIntentDetector.create(MultiIntentDetector.get_default_config(), storage,
                                          Resource("multi"), context)
    with pytest.raises(InvalidConfigException, match="EncoderFeaturizer"):
        detector.train(training_data())


def test_vectors_from_another_encoder_are_a_clear_config_error(tmp_path: Path) -> None:
    """Clauses are encoded with ``encoder``; training vectors of another width would not fit."""
    data = training_data()
    config = {**EncoderFeaturizer.get_default_config(), "alias": "minilm", "encoder": "mpnet"}
    EncoderFeaturizer(config, "minilm").process(data.training_examples)
    detector = MultiIntentDetector.create(
        MultiIntentDetector.get_default_config(), LocalModelStorage(tmp_path),
        Resource("multi"), ExecutionContext(GraphSchema({}), "multi"),
    )
    with pytest.raises(InvalidConfigException, match="encoder 'minilm'"):
        detector.train(data)
