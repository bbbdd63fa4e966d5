"""The compliance guard: a Rasa policy that enforces the rulebook ahead of learned policies.

After each customer message it reads the detector hits the NLU attached
(:mod:`bot.nlu.compliance_detector`) and the trained intent, asks
:func:`bot.compliance.survey_comments.turn_rule_hits` which rules fired, and predicts the enforcement
action of each fired rule (most severe first) with confidence 1.0 and a priority above
RulePolicy, then ends the turn. When no rule with an action fires it abstains, so the learned
policies answer. Inside a form only rules marked ``interrupts_forms`` take over. When the message
held more than one request (``additional_intents``, :mod:`bot.nlu.multi_intent`), or a rule took
over the turn, the guard runs ``action_answer_also`` after the first answer: the turn's first bot
message, since a form that completes (the dispute form a rule started, say) says nothing until
its submit rule has run. So the requests not yet answered still are, and then the turn ends.

In a survey comment (the reply to ``utter_ask_csat_comment``), a phone number or e-mail address
is feedback contact details, not a request for a person; a rule that fires there (a complaint)
runs first and the comment is then stored and thanked by ``action_csat_comment``.

Fail closed: a message whose detectors failed, or a free-text message with no detector result
at all, is answered with ``utter_safe_fallback`` (safe reply plus handoff offer). If the custom
``action_session_start`` could not send the AI disclosure (action server down), the guard sends
``utter_ai_disclosure`` itself, in-process, before anything else in the session's first turn.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction, confidence_scores_for
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import InvalidConfigException

from bot.compliance.contract import ADDITIONAL_INTENTS_KEY, AI_DISCLOSURE, COMPLIANCE_KEY
from bot.compliance.evaluation import takeover_rule
from bot.compliance.rulebook import Rule, Rulebook, RulebookError, load_rulebook
from bot.compliance.survey_comments import (
    leaves_contact_details,
    survey_comment_turn,
    turn_rule_hits,
)
from bot.errors import Errors

logger = logging.getLogger(__name__)

SAFE_FALLBACK = "utter_safe_fallback"
DISCLOSURE = "utter_ai_disclosure"
SESSION_START = "action_session_start"
ANSWER_ALSO = "action_answer_also"
STORE_COMMENT = "action_csat_comment"


def actions_this_turn(tracker: DialogueStateTracker) -> list[str]:
    """Names of the actions run since the latest customer message (listen excluded)."""
    names: list[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name != ACTION_LISTEN_NAME:
            names.append(str(event.action_name))
    return names[::-1]


def replied_this_turn(tracker: DialogueStateTracker) -> bool:
    """True once the bot has said something since the latest customer message.

    A form that fills its last slot says nothing: its submit rule gives the turn's first answer,
    so the rest of a several-part message has to wait for it.
    """
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and event.metadata.get("utter_action") != DISCLOSURE:
            return True
    return False


def disclosure_missing(tracker: DialogueStateTracker) -> bool:
    """True in a session's first turn when the AI disclosure has not been sent.

    Only the first turn can tell: Rasa runs ``action_session_start`` in the same request as the
    first message, and later turns load the session from its ``SessionStarted`` onwards.
    """
    messages, disclosed = 0, False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            messages += 1
        elif isinstance(event, BotUttered) and event.metadata.get("utter_action") == DISCLOSURE:
            disclosed = True
        elif isinstance(event, ActionExecuted) and event.action_name == DISCLOSURE:
            disclosed = True
        elif isinstance(event, ActionExecuted) and event.action_name == SESSION_START:
            return messages == 1 and not disclosed
    return False


def detectors_missing_or_failed(parse_data: dict[str, Any]) -> bool:
    """True when a free-text message was not checked (``/intent`` payloads need no check)."""
    text = parse_data.get("text") or ""
    section = parse_data.get(COMPLIANCE_KEY)
    if section is None:
        return bool(text) and not text.startswith("/")
    return bool(section.get("error"))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class ComplianceGuardPolicy(Policy):
    """Predicts the rulebook's enforcement actions with priority over every learned policy."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``priority`` 7 beats RulePolicy (6); ``rulebook`` None means ``compliance.yml``."""
        return {"priority": 7, "rulebook": None}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Any = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        try:
            path = config.get("rulebook")
            self.rulebook: Rulebook = load_rulebook(Path(path) if path else None)
        except RulebookError as err:
            raise InvalidConfigException(str(err)) from err

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        """Nothing to learn; check that every enforcement action exists in the domain."""
        known = set(domain.action_names_or_texts)
        wanted = {r.enforcement.action for r in self.rulebook.rules if r.enforcement.action}
        missing = sorted((wanted | {SAFE_FALLBACK, DISCLOSURE, ANSWER_ALSO, STORE_COMMENT}) - known)
        if missing:
            raise InvalidConfigException(Errors.E204.format(actions=", ".join(missing)))
        return self._resource

    def predict_action_probabilities(
        self, tracker: DialogueStateTracker, domain: Domain, rule_only_data: Any = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """The next enforcement action of this turn, ``action_listen`` after it, or abstain."""
        message = tracker.latest_message
        if message is None or not isinstance(message, UserUttered) or message.text is None:
            return self._abstain(domain)
        if disclosure_missing(tracker):
            return self._predict(domain, DISCLOSURE, self.rulebook.rule(AI_DISCLOSURE))
        done = [action for action in actions_this_turn(tracker) if action != DISCLOSURE]
        if detectors_missing_or_failed(message.parse_data):
            return self._predict(domain, SAFE_FALLBACK if not done else ACTION_LISTEN_NAME, None)
        hits = turn_rule_hits(self.rulebook, tracker.events, message.parse_data)
        if survey_comment_turn(tracker.events):
            return self._survey_comment(domain, hits, done, message.parse_data)
        in_form = tracker.active_loop_name is not None
        pending = self._pending_rules(hits, done, in_form and not done)
        if pending:
            return self._predict(domain, str(pending[0].enforcement.action), pending[0], in_form)
        guard_acted = any(a in self._actions_of(hits) for a in done)
        more_requests = bool(message.parse_data.get(ADDITIONAL_INTENTS_KEY))
        if done and ANSWER_ALSO not in done and (
            (guard_acted and not in_form) or more_requests
        ) and replied_this_turn(tracker):
            # The rest of the message: its other requests, and the main one if a rule took over.
            return self._predict(domain, ANSWER_ALSO, None, in_form)
        if ANSWER_ALSO in done:
            return self._predict(domain, ACTION_LISTEN_NAME, None, in_form)
        return self._abstain(domain)

    def _survey_comment(self, domain: Domain, hits: list[Any], done: list[str],
                        parse_data: dict[str, Any]) -> PolicyPrediction:
        """A survey comment: the rules' actions (a complaint is recorded), then it is stored.

        "Call me on ..." in a comment is contact details left with feedback, not a request for
        a person: ``turn_rule_hits`` already dropped the human-handoff rule. The comment is stored
        (redacted) and thanked once the rules had their turn.
        """
        pending = self._pending_rules(hits, done, False)
        if pending:
            return self._predict(domain, str(pending[0].enforcement.action), pending[0])
        if STORE_COMMENT in done:
            return self._predict(domain, ACTION_LISTEN_NAME, None)
        if hits or leaves_contact_details(parse_data):
            return self._predict(domain, STORE_COMMENT, None)
        return self._abstain(domain)  # data/rules.yml routes the plain comment

    def _pending_rules(self, hits: list[Any], done: list[str], in_form: bool) -> list[Rule]:
        """Fired rules with an action not yet run this turn, in enforcement order."""
        if done and not set(done) & self._actions_of(hits):
            return []  # the learned policies own this turn already
        pending: list[Rule] = []
        remaining = list(hits)
        while (rule := takeover_rule(self.rulebook, remaining, in_form)) is not None:
            if rule.enforcement.action not in done:
                pending.append(rule)
            remaining = [h for h in remaining if h.rule_id != rule.id]
        return pending

    @staticmethod
    def _actions_of(hits: list[Any]) -> set[str]:
        return {h.action for h in hits if h.action}

    def _predict(self, domain: Domain, action: str, rule: Rule | None,
                 in_form: bool = False) -> PolicyPrediction:
        diagnostic = {"rule_id": rule.id, "regulation": rule.regulation} if rule else {}
        # Inside a form RulePolicy predicts the form as a "no user" prediction, which Rasa's
        # ensemble lets overrule every other kind whatever its priority; an interrupting rule
        # must be of that kind too so that priority decides.
        return self._prediction(
            confidence_scores_for(action, 1.0, domain),
            is_no_user_prediction=in_form,
            diagnostic_data=diagnostic,
        )

    def _abstain(self, domain: Domain) -> PolicyPrediction:
        return self._prediction(self._default_predictions(domain))
