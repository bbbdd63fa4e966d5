"""Redaction operators: tiny validated strategies, after presidio-anonymizer's ``Operator``.

Each operator has a ``name``, ``validate(params)`` (run once, before any text is touched) and
``operate(text, entity_type, params)`` returning the replacement for one span. The tracker
store, transcript writer and log filter all redact through :func:`build_operator`, so "nothing
raw is stored" is implemented in one place.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from bot import registry
from bot.errors import CandorError, Errors

Params = Mapping[str, Any]


class Operator(ABC):
    """One redaction strategy; parameters are validated on construction."""

    name: ClassVar[str]
    allowed_params: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, params: Params | None = None) -> None:
        self.params: dict[str, Any] = dict(params or {})
        unknown = set(self.params) - self.allowed_params
        if unknown:
            self.fail(sorted(unknown)[0], f"unknown; allowed: {sorted(self.allowed_params)}")
        self.validate(self.params)

    def validate(self, params: Params) -> None:  # noqa: B027 - optional hook, default no-op
        """Raise E103 (via :meth:`fail`) on a bad parameter; default: nothing to check."""

    @abstractmethod
    def operate(self, text: str, entity_type: str) -> str:
        """The replacement for the span ``text`` of type ``entity_type``."""

    def fail(self, param: str, problem: str) -> None:
        """Raise the operator's E103 error."""
        raise CandorError(Errors.E103.format(operator=self.name, param=param, problem=problem))


@registry.redaction_operators.register("redact.replace.v1")
class Replace(Operator):
    """Replace the span with ``new_value`` (default ``<ENTITY_TYPE>``): the default operator."""

    name = "redact.replace.v1"
    allowed_params = frozenset({"new_value"})

    def validate(self, params: Params) -> None:
        """``new_value`` must be a string."""
        if "new_value" in params and not isinstance(params["new_value"], str):
            self.fail("new_value", "must be a string")

    def operate(self, text: str, entity_type: str) -> str:
        """The placeholder: ``new_value`` or ``<ENTITY_TYPE>``."""
        return str(self.params.get("new_value", f"<{entity_type}>"))


@registry.redaction_operators.register("redact.mask.v1")
class Mask(Operator):
    """Overwrite characters with ``masking_char``, keeping the last ``keep_last`` characters.

    Whitespace and separators are masked too (the mask reveals only the span's length); keep
    ``keep_last`` at 0 unless the last digits are not themselves sensitive (cards: PCI allows 4).
    """

    name = "redact.mask.v1"
    allowed_params = frozenset({"masking_char", "keep_last"})

    def validate(self, params: Params) -> None:
        """``masking_char`` is one character; ``keep_last`` a non-negative integer."""
        char = params.get("masking_char", "*")
        if not isinstance(char, str) or len(char) != 1:
            self.fail("masking_char", "must be exactly one character")
        keep = params.get("keep_last", 0)
        if isinstance(keep, bool) or not isinstance(keep, int) or keep < 0:
            self.fail("keep_last", "must be an integer >= 0")

    def operate(self, text: str, entity_type: str) -> str:
        """Mask all but the last ``keep_last`` characters (all of them if the span is short)."""
        keep = int(self.params.get("keep_last", 0))
        char = str(self.params.get("masking_char", "*"))
        if keep >= len(text):
            keep = 0
        return char * (len(text) - keep) + (text[len(text) - keep :] if keep else "")


def build_operator(name: str, params: Params | None = None) -> Operator:
    """Factory: the operator registered as ``name`` (E101 on a miss) built with ``params``."""
    operator: Operator = registry.redaction_operators.get(name)(params)
    return operator
