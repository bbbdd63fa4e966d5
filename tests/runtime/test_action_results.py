"""The action answer check: Rasa's verdicts and errors, without re-checking the schema per call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

from bot.runtime import action_results

VALID: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "handoff", "value": "priority", "timestamp": None}],
     "responses": [{"response": "utter_greet"}]},
    {"events": [{"event": "bot", "text": "Hello", "data": {}, "metadata": {}},
                {"event": "active_loop", "name": None}],
     "responses": [{"text": "Hi", "metadata": {"ai_generated": True}}]},
]
INVALID: list[dict[str, Any]] = [
    {"events": "not a list"},
    {"events": [{"name": "handoff"}]},  # no "event" key
    {"events": [], "responses": ["not an object"]},
]


@pytest.fixture
def action() -> Iterator[RemoteAction]:
    rasa_validate = RemoteAction._validate_action_result
    action_results.install()
    yield RemoteAction("action_test", None)
    RemoteAction._validate_action_result = rasa_validate


@pytest.mark.parametrize("result", VALID)
def test_valid_answers_pass_as_with_rasa(action: RemoteAction, result: dict[str, Any]) -> None:
    assert action._validate_action_result(result) is True
    assert action_results._RASA_VALIDATE(action, result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_answers_raise_rasas_error(action: RemoteAction, result: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as ours:
        action._validate_action_result(result)
    with pytest.raises(ValidationError) as rasas:
        action_results._RASA_VALIDATE(action, result)
    assert "Failed to validate Action server response" in ours.value.message
    assert ours.value.message == rasas.value.message


def test_the_schema_is_checked_once_not_per_answer(
        action: RemoteAction, monkeypatch: pytest.MonkeyPatch) -> None:
    cls = validator_for(RemoteAction.action_response_format_spec())
    real = cls.check_schema
    checks: list[int] = []

    def counting(schema: Any, *args: Any, **kwargs: Any) -> None:
        checks.append(1)
        real(schema, *args, **kwargs)

    monkeypatch.setattr(cls, "check_schema", counting)
    action_results.answer_validator.cache_clear()
    for _ in range(20):
        for result in VALID:
            assert action._validate_action_result(result)
    assert len(checks) == 1
