"""Check action server answers against a JSON schema compiled once per process.

Rasa 3.6 checks every custom action's answer with ``jsonschema.validate``
(``RemoteAction._validate_action_result``), which first re-checks the constant schema itself
against the JSON Schema meta-schema: under load that was a sixth of a Rasa worker's event-loop
time (py-spy, 20 concurrent conversations; README benchmarks). :func:`install` replaces the
method with the same check on a validator built once. An invalid answer still goes through
Rasa's own method, so the error it raises and logs is exactly Rasa's.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

_RASA_VALIDATE = RemoteAction._validate_action_result


@cache
def answer_validator() -> Validator:
    """Rasa's action answer schema, checked once and compiled into a validator."""
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(action: RemoteAction, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` without re-checking the schema every call."""
    if best_match(answer_validator().iter_errors(result)) is None:
        return True
    return bool(_RASA_VALIDATE(action, result))  # raises Rasa's ValidationError


def install() -> None:
    """Make every ``RemoteAction`` of this process use :func:`validate_action_result`."""
    RemoteAction._validate_action_result = validate_action_result
