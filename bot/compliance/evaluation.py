"""Which rules fire, as pure functions over the rulebook and one parsed message.

The NLU compliance detector puts detector hits into the parsed message; the guard policy and
the NLG both call :func:`rule_hits` on it, so "which rule fired" is decided in one place.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.compliance.contract import (
    ADDITIONAL_INTENTS_KEY,
    COMPLIANCE_KEY,
    RULE_MODEL_DETECTOR,
    RULE_SCORES_KEY,
)
from bot.compliance.rulebook import SEVERITY_RANK, Rule, Rulebook

#: How sure the intent classifier must be of one of a rule's ``unless_intents`` to silence it.
UNLESS_INTENT_CONFIDENCE = 0.9


@dataclass(frozen=True)
class RuleHit:
    """Evidence that a rule fired: which rule, under which regulation, and why."""

    rule_id: str
    regulation: str
    # registry name; "intent:<name>" when the intent classifier fired it,
    # "model:rule_classifier" when the rule classifier did
    detector: str
    pattern_name: str
    start: int | None
    end: int | None
    score: float
    action: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def retrieval_key(parse_data: Mapping[str, Any]) -> str | None:
    """The ResponseSelector's pick for the predicted retrieval intent (``faq/card_pin``)."""
    intent = (parse_data.get("intent") or {}).get("name")
    selector = (parse_data.get("response_selector") or {}).get(intent) or {}
    return (selector.get("response") or {}).get("intent_response_key")


def named_intent(intents: Sequence[str], retrieval_intents: Sequence[str], name: str | None,
                 key: str | None) -> str | None:
    """``name`` when ``intents`` lists it, else ``key`` when a ``retrieval_intents`` glob matches."""
    if name in intents:
        return name
    if key and any(fnmatch.fnmatchcase(key, glob) for glob in retrieval_intents):
        return key
    return None


def _intent_cause(parse_data: Mapping[str, Any], intents: Sequence[str],
                  retrieval_intents: Sequence[str], min_confidence: float) -> str | None:
    """``intent:<name or key>`` when the NLU named one of them with ``min_confidence``."""
    intent = parse_data.get("intent") or {}
    if float(intent.get("confidence") or 0.0) < min_confidence:
        return None
    key = retrieval_key(parse_data) if retrieval_intents else None
    named = named_intent(intents, retrieval_intents, intent.get("name"), key)
    return f"intent:{named}" if named else None


def _confidence(parse_data: Mapping[str, Any]) -> float:
    return round(float((parse_data.get("intent") or {}).get("confidence") or 0.0), 4)


def _intent_hit(rule: Rule, parse_data: Mapping[str, Any],
                detector_hits: Sequence[Mapping[str, Any]] = ()) -> RuleHit | None:
    if _silenced(rule, parse_data, detector_hits):
        return None  # the topic is right, but not the customer's own case
    trigger = rule.trigger
    cause = _intent_cause(parse_data, trigger.intents, trigger.retrieval_intents,
                          trigger.min_confidence)
    if cause:
        return RuleHit(rule.id, rule.regulation, cause, "nlu", None, None,
                       _confidence(parse_data), rule.enforcement.action)
    return _clause_hit(rule, parse_data) if trigger.clauses else None


def _silenced(rule: Rule, parse_data: Mapping[str, Any],
              detector_hits: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the rule's NLU path is silenced by a detector or an intent the NLU is sure of."""
    intent = parse_data.get("intent") or {}
    sure_of = (intent.get("name") in rule.trigger.unless_intents
               and float(intent.get("confidence") or 0.0) >= UNLESS_INTENT_CONFIDENCE)
    return sure_of or bool(_named(detector_hits, rule.trigger.nlu_unless))


def _model_hit(rule: Rule, parse_data: Mapping[str, Any],
               detector_hits: Sequence[Mapping[str, Any]] = ()) -> RuleHit | None:
    """The rule classifier's probability for this rule, when it reaches ``min_score``.

    A message the classifier never saw (a button's ``/request_human`` payload skips the NLU
    pipeline) is judged by the intents and topics the classifier learns the rule from instead.
    """
    model = rule.trigger.model
    if model is None or _silenced(rule, parse_data, detector_hits):
        return None
    if RULE_SCORES_KEY not in parse_data:
        cause = _intent_cause(parse_data, model.intents, model.retrieval_intents, model.min_score)
        return RuleHit(rule.id, rule.regulation, cause, "nlu", None, None,
                       _confidence(parse_data), rule.enforcement.action) if cause else None
    score = float((parse_data.get(RULE_SCORES_KEY) or {}).get(rule.id, 0.0))
    if score < model.min_score:
        return None
    return RuleHit(rule.id, rule.regulation, RULE_MODEL_DETECTOR, "model", None, None,
                   round(score, 4), rule.enforcement.action)


def _clause_hit(rule: Rule, parse_data: Mapping[str, Any]) -> RuleHit | None:
    """A clause the multi-intent detector classified (confidently) as one of the rule's intents."""
    for clause in parse_data.get(ADDITIONAL_INTENTS_KEY) or []:
        if clause.get("intent") in rule.trigger.intents:
            return RuleHit(rule.id, rule.regulation, f"intent:{clause['intent']}", "nlu_clause",
                           None, None, round(float(clause.get("confidence") or 0.0), 4),
                           rule.enforcement.action)
    return None


def _named(hits: Iterable[Mapping[str, Any]], names: Sequence[str]) -> list[Mapping[str, Any]]:
    """The hits of the detectors ``names`` lists (globs allowed)."""
    return [hit for hit in hits if any(fnmatch.fnmatchcase(hit["detector"], n) for n in names)]


def _overruled(rule: Rule, parse_data: Mapping[str, Any]) -> bool:
    """Whether the rule classifier scored this rule below the rule's ``detector_floor``."""
    model = rule.trigger.model
    score = (parse_data.get(RULE_SCORES_KEY) or {}).get(rule.id)
    return model is not None and score is not None and float(score) < model.detector_floor


def _detector_hits(rule: Rule, hits: Iterable[Mapping[str, Any]],
                   parse_data: Mapping[str, Any]) -> list[RuleHit]:
    if _overruled(rule, parse_data):
        return []
    return [
        RuleHit(rule.id, rule.regulation, hit["detector"], hit.get("pattern_name", ""),
                hit.get("start"), hit.get("end"), float(hit.get("score", 1.0)),
                rule.enforcement.action)
        for hit in _named(hits, rule.trigger.detectors)
    ]


def rule_hits(rulebook: Rulebook, parse_data: Mapping[str, Any] | None) -> list[RuleHit]:
    """Every rule that fires on one parsed customer message, in rulebook order."""
    if not parse_data:
        return []
    return [hit for rule in rulebook.rules for hit in hits_of_rule(rule, parse_data)]


def hits_of_rule(rule: Rule, parse_data: Mapping[str, Any]) -> list[RuleHit]:
    """Why one rule fires on one parsed message (empty: it does not)."""
    detector_hits = (parse_data.get(COMPLIANCE_KEY) or {}).get("hits") or []
    nlu_hits = (_intent_hit(rule, parse_data, detector_hits),
                _model_hit(rule, parse_data, detector_hits))
    return [hit for hit in nlu_hits if hit] + _detector_hits(rule, detector_hits, parse_data)


def fired_rule_ids(hits: Sequence[RuleHit]) -> list[str]:
    """Distinct rule ids, first-seen order."""
    return list(dict.fromkeys(hit.rule_id for hit in hits))


def takeover_rule(rulebook: Rulebook, hits: Sequence[RuleHit], in_form: bool = False) -> Rule | None:
    """The rule whose action the guard must force: most severe first, then rulebook order."""
    candidates = [
        rulebook.rule(rule_id) for rule_id in fired_rule_ids(hits)
        if rulebook.rule(rule_id).enforcement.action
    ]
    if in_form:
        candidates = [rule for rule in candidates if rule.enforcement.interrupts_forms]
    if not candidates:
        return None
    order = {rule.id: index for index, rule in enumerate(rulebook.rules)}
    return min(candidates, key=lambda r: (SEVERITY_RANK[r.severity], order[r.id]))


def rules_for_response(rulebook: Rulebook, response: str | None) -> list[Rule]:
    """Rules a response carries out or triggers (its disclaimers)."""
    if not response:
        return []
    return [
        rule for rule in rulebook.rules
        if response in rule.enforcement.responses or rule.fires_on_response(response)
    ]
