"""``compliance.yml``: the rulebook, parsed into validated models.

A compliance team must be able to trust that what the file says is what runs, so the whole
file is validated before anything uses it: unknown keys, unknown detectors, duplicate or
missing rule ids and bad patterns are errors that name the file, the line, the rule and the
field (``compliance.yml:42: rules[3] (complaint).trigger.intents: ...``). There is no partial
load.
"""

from __future__ import annotations

import fnmatch
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError, confloat, constr, root_validator, validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from bot.compliance.contract import DEPOSIT_INSURANCE_DISCLAIMER, RATE_DISCLAIMER
from bot.compliance.contract import REQUIRED_RULE_IDS as CODE_RULE_IDS
from bot.errors import CandorError, Errors
from bot.registry import detectors
from bot.settings import load_settings

#: Rule ids that code, integrators and tests key on; a rulebook without them is refused.
REQUIRED_RULE_IDS: tuple[str, ...] = (*CODE_RULE_IDS, RATE_DISCLAIMER, DEPOSIT_INSURANCE_DISCLAIMER)
SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


class RulebookError(CandorError):
    """The rulebook cannot be used; the message names file, line, rule and field."""


class _Strict(BaseModel):
    class Config:
        extra = "forbid"
        allow_mutation = False


class ModelTrigger(_Strict):
    """The rule classifier's condition (``bot.nlu.rule_classifier``): fire at ``min_score``.

    ``intents`` and ``retrieval_intents`` (globs of ResponseSelector keys) name the NLU training
    examples the classifier learns this rule from, besides the labelled example sets; a message
    the classifier never scored (a button payload skips the NLU) fires on them instead. With
    ``detector_floor`` the rule's own detectors count only when the classifier gives the rule at
    least that much: a pattern that matches "worst meal ever" about a restaurant is overruled by
    a model that has seen such messages. A message the classifier did not score keeps every
    detector hit.
    """

    min_score: confloat(gt=0.0, lt=1.0) = 0.5  # type: ignore[valid-type]
    detector_floor: confloat(ge=0.0, lt=1.0) = 0.0  # type: ignore[valid-type]
    intents: list[str] = []
    retrieval_intents: list[str] = []


class Trigger(_Strict):
    """When a rule fires. Any one condition is enough."""

    session_start: bool = False
    intents: list[str] = []
    min_confidence: confloat(ge=0.0, le=1.0) = 0.6  # type: ignore[valid-type]
    retrieval_intents: list[str] = []  # globs of ResponseSelector keys, e.g. "faq/dispute_*"
    detectors: list[str] = []
    responses: list[str] = []  # glob patterns of response names, e.g. "utter_faq/rates_*"
    # Detectors whose hit silences the NLU path (intents, retrieval_intents): the NLU names
    # the topic, these say the message is not the customer's own case (a general question).
    nlu_unless: list[str] = []
    # Intents that silence the NLU path too when the intent classifier is sure of them
    # (confidence >= 0.9): "actually, cancel this" inside a form is the customer stopping it.
    unless_intents: list[str] = []
    # Also fire when one clause of a several-part message is one of ``intents`` (the multi-intent
    # detector's confident clause labels): "your app is broken and I need an agent" is both.
    clauses: bool = False
    # The rule classifier (a learned, multi-label model); silenced by ``nlu_unless`` too.
    model: ModelTrigger | None = None

    @validator("detectors", "nlu_unless", each_item=True)
    def _known_detector(cls, name: str) -> str:
        if not any(fnmatch.fnmatchcase(known, name) for known in detectors.names()):
            raise ValueError(
                f"unknown detector {name!r}; available: {', '.join(detectors.names())}"
            )
        return name

    @root_validator(skip_on_failure=True)
    def _has_a_condition(cls, values: dict[str, Any]) -> dict[str, Any]:
        if not any(values[key] for key in
                   ("session_start", "intents", "retrieval_intents", "detectors", "responses",
                    "model")):
            raise ValueError(
                "a trigger needs session_start, intents, retrieval_intents, detectors, responses "
                "or model"
            )
        return values


class Enforcement(_Strict):
    """What Candor does when the rule fires."""

    action: str | None = None  # predicted by the guard policy, ahead of learned policies
    responses: list[str] = []  # responses that carry the rule out (tagged with its id)
    disclaimer: str | None = None  # response appended to the triggering response
    prefix: str | None = None  # response put before the turn's first answer (e.g. PII warning)
    redact: bool = False
    interrupts_forms: bool = False

    @root_validator(skip_on_failure=True)
    def _does_something(cls, values: dict[str, Any]) -> dict[str, Any]:
        if not any(values[key] for key in ("action", "responses", "disclaimer", "prefix", "redact")):
            raise ValueError("an enforcement needs action, responses, disclaimer, prefix or redact")
        return values


class Rule(_Strict):
    """One obligation, the regulation behind it, and how it is enforced."""

    id: constr(regex=r"^[a-z][a-z0-9-]*$")  # type: ignore[valid-type]
    title: constr(min_length=1)  # type: ignore[valid-type]
    regulation: constr(min_length=1)  # type: ignore[valid-type]
    severity: Literal["critical", "high", "medium", "low"]
    trigger: Trigger
    enforcement: Enforcement

    def fires_on_response(self, response: str) -> bool:
        return any(fnmatch.fnmatchcase(response, p) for p in self.trigger.responses)


class Rulebook(_Strict):
    """The whole file."""

    version: constr(min_length=1)  # type: ignore[valid-type]
    rules: list[Rule]
    digest: str = ""  # sha256 of the file, recorded with every transcript

    @validator("rules")
    def _ids_unique_and_complete(cls, rules: list[Rule]) -> list[Rule]:
        ids = [rule.id for rule in rules]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate rule id(s): {', '.join(duplicates)}")
        missing = [i for i in REQUIRED_RULE_IDS if i not in ids]
        if missing:
            raise ValueError(f"required rule id(s) missing: {', '.join(missing)}")
        return rules

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id; E205 (a :class:`CandorError`) names the known ones."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        available = ", ".join(r.id for r in self.rules)
        raise CandorError(Errors.E205.format(rule_id=rule_id, available=available))


def _line_of(data: Any, loc: tuple[Any, ...]) -> int:
    """1-based line of the deepest node of ``loc`` that exists in the YAML document."""
    line, node = 1, data
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0] + 1
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            line = node.lc.item(part)[0] + 1
        else:
            break
        node = node[part]
    return line


def _dotted(loc: tuple[Any, ...], data: Any) -> str:
    text = ""
    for part in loc:
        if part == "__root__":
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        try:
            text = text.replace(f"rules[{loc[1]}]", f"rules[{loc[1]}] ({data['rules'][loc[1]]['id']})", 1)
        except (KeyError, IndexError, TypeError):
            pass
    return text or "(top level)"


def parse_rulebook(text: str, path: Path) -> Rulebook:
    """Validate rulebook text; raise :class:`RulebookError` listing every problem."""
    try:
        data = YAML(typ="rt").load(text)
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise RulebookError(Errors.E201.format(path=path, line=line, problem=err)) from err
    if not isinstance(data, CommentedMap):
        raise RulebookError(Errors.E201.format(path=path, line=1, problem="expected a mapping"))
    try:
        book = Rulebook.parse_obj(_plain(data))
    except ValidationError as err:
        problems = [
            f"{path}:{_line_of(data, e['loc'])}: {_dotted(e['loc'], data)}: {e['msg']}"
            for e in err.errors()
        ]
        raise RulebookError(Errors.E202.format(count=len(problems), problems="\n".join(problems))) from err
    return book.copy(update={"digest": hashlib.sha256(text.encode()).hexdigest()})


def _plain(node: Any) -> Any:
    """Ruamel's commented containers -> plain dicts and lists for pydantic."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def rulebook_path() -> Path:
    """``$CANDOR_RULEBOOK`` or ``compliance.yml`` at the project root."""
    return load_settings().rulebook


@lru_cache(maxsize=8)
def load_rulebook(path: Path | None = None) -> Rulebook:
    """Read and validate the rulebook (cached per path for the process)."""
    path = path or rulebook_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise RulebookError(Errors.E201.format(path=path, line=0, problem=err)) from err
    return parse_rulebook(text, path)
