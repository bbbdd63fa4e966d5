"""The contract every custom NLU GraphComponent in bot/nlu/ meets (STYLE.md, practice 8).

Subclasses provide ``component_class``, ``config`` and ``training_data()``; the base class runs
create -> (train -> persist -> load) -> process on known words, unknown words and empty text,
with class-scoped storage so a suite trains once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

TOKENIZER = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())


def message(text: str, **attributes: Any) -> Message:
    """Build a tokenized message, as the pipeline's tokenizer would hand it on."""
    built = Message(data={TEXT: text, **attributes})
    TOKENIZER.process([built])
    return built


class NLUComponentContract:
    """Base suite; not collected itself (no ``Test`` prefix)."""

    component_class: ClassVar[type[GraphComponent]]
    config: ClassVar[dict[str, Any]] = {}
    trainable: ClassVar[bool] = False

    def training_data(self) -> TrainingData:
        raise NotImplementedError

    def prepare(self, messages: list[Message]) -> list[Message]:
        """Add (hook) what upstream components would have (e.g. features)."""
        return messages

    def check_processed(self, processed: Message) -> None:
        """Check what a processed message with text must carry."""
        raise NotImplementedError

    @pytest.fixture(scope="class")
    def model_storage(self, tmp_path_factory: pytest.TempPathFactory) -> ModelStorage:
        return LocalModelStorage(Path(tmp_path_factory.mktemp("model_storage")))

    @pytest.fixture(scope="class")
    def resource(self) -> Resource:
        return Resource(self.component_class.__name__)

    @pytest.fixture(scope="class")
    def execution_context(self) -> ExecutionContext:
        return ExecutionContext(GraphSchema({}), node_name=self.component_class.__name__)

    @pytest.fixture(scope="class")
    def trained(
        self,
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        config = {**self.component_class.get_default_config(), **self.config}
        component = self.component_class.create(config, model_storage, resource, execution_context)
        data = self.training_data()
        self.prepare(data.training_examples)
        if self.trainable:
            component.train(data)  # type: ignore[attr-defined]
            return self.component_class.load(config, model_storage, resource, execution_context)
        component.process_training_data(data)  # type: ignore[attr-defined]
        return component

    def test_processes_known_words(self, trained: GraphComponent) -> None:
        processed = trained.process(self.prepare([message("my card was stolen")]))  # type: ignore[attr-defined]
        self.check_processed(processed[0])

    def test_processes_unknown_words(self, trained: GraphComponent) -> None:
        processed = trained.process(self.prepare([message("xqzvbl flurbonic grempt")]))  # type: ignore[attr-defined]
        self.check_processed(processed[0])

    def test_empty_text_is_left_alone(self, trained: GraphComponent) -> None:
        empty = Message(data={TEXT: ""})
        processed = trained.process(self.prepare([empty]))  # type: ignore[attr-defined]
        assert processed[0] is empty
        assert not empty.features
        self.check_empty(empty)

    def check_empty(self, processed: Message) -> None:
        """Check (hook) extra expectations for a message without text."""

    def test_batch_equals_one_by_one(self, trained: GraphComponent) -> None:
        texts = ["hello there", "I lost my card", "how do I reset my password"]
        batch = trained.process(self.prepare([message(t) for t in texts]))  # type: ignore[attr-defined]
        single = [trained.process(self.prepare([message(t)]))[0] for t in texts]  # type: ignore[attr-defined]
        for a, b in zip(batch, single, strict=True):
            assert self.summary(a) == pytest.approx(self.summary(b), abs=1e-4)

    def summary(self, processed: Message) -> list[float]:
        """Numbers that must not depend on batching."""
        raise NotImplementedError
