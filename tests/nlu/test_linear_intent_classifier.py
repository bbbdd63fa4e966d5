"""LinearIntentClassifier: the contract, calibrated confidences and retrieval intents.

Features are built here (a hashed bag of words as the sparse block, a fixed random projection
as the dense one) so the suite trains in well under a second and tests the classifier alone.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import scipy.sparse as sp
from rasa.engine.graph import GraphComponent
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_classifier import LinearIntentClassifier
from bot.nlu.linear_model import BlockSpec, fit_temperature, softmax, transform_block
from tests.nlu.nlu_contract import NLUComponentContract, message

DIM = 64
PROJECTION = np.random.default_rng(0).normal(size=(DIM, 8))

# fmt: off
EXAMPLES = {
    "greet": ["hello", "hi there", "good morning", "hey", "hello bot", "hi"],
    "lost_card": ["I lost my card", "my card is lost", "lost card", "card lost help",
                  "I can't find my card", "my card was stolen"],
    "faq/opening_hours": ["when are you open", "opening hours", "what time do you open",
                          "are you open on sunday", "branch hours", "hours of the branch"],
    "faq/fees": ["what fees do you charge", "account fees", "how much are the fees",
                 "monthly fee", "fees for transfers", "is there a fee"],
}
# fmt: on


def add_features(msg: Message) -> Message:
    """Attach the toy sparse and dense sentence features (what featurizers would)."""
    words = str(msg.get(TEXT) or "").lower().split()
    if not words:
        return msg
    counts = np.zeros(DIM)
    for word in words:
        counts[int(hashlib.md5(word.encode()).hexdigest(), 16) % DIM] += 1
    msg.add_features(Features(sp.coo_matrix(counts[None, :]), FEATURE_TYPE_SENTENCE, TEXT, "cvf"))
    msg.add_features(Features((counts @ PROJECTION)[None, :], FEATURE_TYPE_SENTENCE, TEXT, "lm"))
    return msg


class TestLinearIntentClassifierContract(NLUComponentContract):
    component_class = LinearIntentClassifier
    config = {"calibration_folds": 3, "ranking_length": 0}
    trainable = True

    def training_data(self) -> TrainingData:
        examples = []
        for label, texts in EXAMPLES.items():
            intent, _, key = label.partition("/")
            for text in texts:
                extra = {INTENT_RESPONSE_KEY: label} if key else {}
                examples.append(message(text, intent=intent, **extra))
        return TrainingData(examples)

    def prepare(self, messages: list[Message]) -> list[Message]:
        return [add_features(m) for m in messages]

    def check_processed(self, processed: Message) -> None:
        intent, ranking = processed.get(INTENT), processed.get(INTENT_RANKING_KEY)
        assert intent["name"] in {"greet", "lost_card", "faq"}
        assert {r["name"] for r in ranking} == {"greet", "lost_card", "faq"}  # no faq/ keys
        assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
        assert ranking[0] == intent

    def check_empty(self, processed: Message) -> None:
        assert processed.get(INTENT)["name"] is None
        assert processed.get(INTENT_RANKING_KEY) == []

    def summary(self, processed: Message) -> list[float]:
        return [r["confidence"] for r in processed.get(INTENT_RANKING_KEY)]

    @pytest.mark.parametrize(
        "text, intent",
        [("my card got lost", "lost_card"), ("hello there", "greet"), ("fees please", "faq")],
    )
    def test_predicts_confidently(self, trained: GraphComponent, text: str, intent: str) -> None:
        processed = trained.process([add_features(message(text))])[0]  # type: ignore[attr-defined]
        assert processed.get(INTENT)["name"] == intent
        assert processed.get(INTENT)["confidence"] > 0.4  # above the product's fallback

    def test_message_without_features_gets_a_low_confidence_guess(
        self, trained: GraphComponent
    ) -> None:
        processed = trained.process([message("no features here")])[0]  # type: ignore[attr-defined]
        assert processed.get(INTENT)["confidence"] < 0.9


def test_untrained_classifier_leaves_messages_alone(tmp_path: object) -> None:
    """Training on no data persists nothing; the loaded component sets no intent."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    storage, resource = LocalModelStorage(tmp_path), Resource("empty")  # type: ignore[arg-type]
    context = ExecutionContext(GraphSchema({}), "empty")
    config = LinearIntentClassifier.get_default_config()
    LinearIntentClassifier.create(config, storage, resource, context).train(TrainingData([]))
    loaded = LinearIntentClassifier.load(config, storage, resource, context)
    processed = loaded.process([add_features(message("hello"))])[0]
    assert processed.get(INTENT) is None


def test_tfidf_block_rows_have_the_block_weight_as_norm() -> None:
    """Each block contributes equally whatever its vocabulary size."""
    spec = BlockSpec("cvf", 3, sparse=True, weight=1.0, idf=[1.0, 2.0, 3.0])
    rows = transform_block(sp.csr_matrix([[1, 0, 2], [0, 0, 0]]), spec).toarray()
    assert np.linalg.norm(rows[0]) == pytest.approx(1.0)
    assert not rows[1].any()
    dense = transform_block(np.array([[3.0, 4.0]]), BlockSpec("lm", 2, False, weight=2.0))
    assert dense.toarray().tolist() == [[1.2, 1.6]]


def test_temperature_sharpens_separable_margins() -> None:
    """Calibration turns clear margins into confident probabilities."""
    margins = np.array([[1.0, -1.0], [-1.0, 1.0]] * 10)
    y = np.array([0, 1] * 10)
    temperature = fit_temperature(margins, y)
    assert temperature < 0.5
    assert softmax(margins / temperature)[0, 0] > 0.95


class TestTopicSelection(TestLinearIntentClassifierContract):
    """With ``select_responses`` the classifier also fills Rasa's ResponseSelector output."""

    config = {"calibration_folds": 3, "ranking_length": 0, "select_responses": True}

    @pytest.mark.parametrize(
        "text, topic", [("what fees do you charge", "faq/fees"), ("when are you open", "faq/opening_hours")]
    )
    def test_selects_the_topic_as_the_response_selector_would(
        self, trained: GraphComponent, text: str, topic: str
    ) -> None:
        processed = trained.process([add_features(message(text))])[0]  # type: ignore[attr-defined]
        selector = processed.as_dict(only_output_properties=True)["response_selector"]
        assert selector["all_retrieval_intents"] == ["faq"]
        prediction = selector["faq"]["response"]
        assert (prediction["intent_response_key"], prediction["utter_action"]) == (topic, f"utter_{topic}")
        ranking = selector["faq"]["ranking"]
        assert ranking[0]["intent_response_key"] == topic
        assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)


def add_sparse_only(msg: Message) -> Message:
    """Only the cheap block: what reaches the classifier when the encoder runs on demand."""
    words = str(msg.get(TEXT) or "").lower().split()
    counts = np.zeros(DIM)
    for word in words:
        counts[int(hashlib.md5(word.encode()).hexdigest(), 16) % DIM] += 1
    if words:
        msg.add_features(Features(sp.coo_matrix(counts[None, :]), FEATURE_TYPE_SENTENCE, TEXT,
                                  "cvf"))
    return msg


def add_sparse_and_minilm(msg: Message) -> Message:
    """Training-time features: the cheap block and the on-demand encoder's vectors."""
    from bot.nlu.encoder_featurizer import add_encoder_features

    add_sparse_only(msg)
    if msg.get(TEXT):
        add_encoder_features([msg], TEXT, "minilm", "minilm")
    return msg


ESCALATE = {"featurizer": "minilm", "encoder": "minilm", "below": 0.6}


class TestEscalation(TestLinearIntentClassifierContract):
    """With ``escalate`` the encoder runs only for messages the fast model is unsure of."""

    config = {"calibration_folds": 3, "ranking_length": 0, "escalate": ESCALATE}

    def prepare(self, messages: list[Message]) -> list[Message]:
        return [add_sparse_and_minilm(m) for m in messages]

    @staticmethod
    def _encoded(msg: Message) -> bool:
        return any(f.origin == "minilm" for f in msg.features)

    def test_message_without_features_gets_a_low_confidence_guess(
        self, trained: GraphComponent
    ) -> None:
        """Overridden: without cheap features the fast model is unsure, so the encoder runs."""
        processed = trained.process([message("no features here")])[0]  # type: ignore[attr-defined]
        assert self._encoded(processed)

    def test_a_sure_message_is_answered_without_the_encoder(self, trained: GraphComponent) -> None:
        processed = trained.process([add_sparse_only(message("lost card"))])[0]  # type: ignore[attr-defined]
        assert processed.get(INTENT)["name"] == "lost_card"
        assert processed.get(INTENT)["confidence"] >= ESCALATE["below"]
        assert not self._encoded(processed)

    def test_an_unsure_message_is_encoded_and_answered_by_the_full_model(
        self, trained: GraphComponent
    ) -> None:
        """Words the cheap block never saw: the fast model guesses wrong, the encoder knows."""
        text = "greetings friend"
        cascaded = trained.process([add_sparse_only(message(text))])[0]  # type: ignore[attr-defined]
        assert self._encoded(cascaded)
        assert cascaded.get(INTENT)["name"] == "greet"
        full = trained.process([add_sparse_and_minilm(message(text))])[0]  # type: ignore[attr-defined]
        assert cascaded.get(INTENT) == full.get(INTENT)
        assert cascaded.get(INTENT_RANKING_KEY) == full.get(INTENT_RANKING_KEY)

    @pytest.mark.parametrize(
        "escalate",
        [{"featurizer": "minilm", "encoder": "minilm"}, {**ESCALATE, "below": 0}, "minilm"],
    )
    def test_a_malformed_escalation_is_a_config_error(self, escalate: object) -> None:
        from rasa.shared.exceptions import InvalidConfigException

        with pytest.raises(InvalidConfigException, match="escalate"):
            LinearIntentClassifier({"escalate": escalate}, None, None)  # type: ignore[arg-type]

    def test_an_escalation_featurizer_missing_from_training_is_a_config_error(
        self, tmp_path: object
    ) -> None:
        from rasa.engine.graph import ExecutionContext, GraphSchema
        from rasa.engine.storage.local_model_storage import LocalModelStorage
        from rasa.engine.storage.resource import Resource
        from rasa.shared.exceptions import InvalidConfigException

        storage, resource = LocalModelStorage(tmp_path), Resource("esc")  # type: ignore[arg-type]
        config = {**LinearIntentClassifier.get_default_config(), **self.config}
        component = LinearIntentClassifier.create(
            config, storage, resource, ExecutionContext(GraphSchema({}), "esc"))
        data = self.training_data()
        for example in data.training_examples:
            add_sparse_only(example)
        with pytest.raises(InvalidConfigException, match="minilm"):
            component.train(data)
