"""Candor's in-process NLG: approved responses, bank facts, disclaimers and rule labels.

Configured in endpoints.yml (``nlg: type: bot.nlg.generator.CandorNLG``). Every customer-facing
text Rasa sends passes through here, whether a rule, a policy, the ResponseSelector or a custom
action asked for it (actions send ``response=`` names, never free text), so this is the one
place where:

- placeholders are resolved (slots, then ``bank.yml`` facts);
- rulebook disclaimers are appended to the responses that trigger them (``rate-disclaimer``);
- a rule's prefix goes before the first answer of a turn (the ``pii-redaction`` warning);
- ``compliance_rules`` (ids of the rules that fired this turn or that this response carries
  out) is set, which the channels put into every message's metadata;
- the approved Studio version replaces the domain.yml text (:mod:`bot.nlg.approved`), before the
  disclaimers, so they stay attached whatever the variant; ``response_version`` and
  ``variant`` name what was shown (0 and ``baseline`` for domain.yml itself).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import registry
from bot.compliance.evaluation import fired_rule_ids, rules_for_response
from bot.compliance.rulebook import Rulebook, load_rulebook
from bot.compliance.survey_comments import turn_rule_hits
from bot.nlg.approved import BASELINE_CHOICE, DEFAULT_REFRESH_SECONDS, ApprovedCache
from bot.nlg.bank_facts import load_bank_facts
from bot.nlg.baseline import baseline_hash, texts_of


def first_answer_of_turn(tracker: DialogueStateTracker) -> bool:
    """True when no bot message has been sent since the latest customer message."""
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            return False
        if isinstance(event, UserUttered):
            return True
    return False


class CandorNLG(TemplatedNaturalLanguageGenerator):
    """Templated NLG that enforces the rulebook's wording obligations."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None):
        super().__init__(domain.responses if domain else {})
        self.bank_facts = load_bank_facts()
        self.rulebook: Rulebook = load_rulebook()
        self._hashed: tuple[int, dict[str, str]] = (0, {})
        self.approved = approved_cache(endpoint_config, self.baseline_hashes)

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        """Fill the response, add disclaimers and prefixes, and label it with rule ids."""
        values = {**self.bank_facts, **kwargs}
        message = await super().generate(utter_action, tracker, output_channel, **values)
        if message is None:
            return None
        choice = (self.approved.choose(utter_action, tracker.sender_id) if self.approved
                  else BASELINE_CHOICE)
        if choice.text is not None:
            message["text"] = self._fill_response(
                {"text": choice.text}, tracker.current_slot_values(), **values)["text"]
        message["response_version"], message["variant"] = choice.version, choice.variant
        hits = turn_rule_hits(self.rulebook, tracker.events, tracker.latest_message.parse_data
                              if tracker.latest_message else None)
        turn_rules = [self.rulebook.rule(rule_id) for rule_id in fired_rule_ids(hits)]
        own_rules = rules_for_response(self.rulebook, utter_action)
        before, after = [], []
        if first_answer_of_turn(tracker):
            before = [r.enforcement.prefix for r in turn_rules if r.enforcement.prefix]
        after = [r.enforcement.disclaimer for r in own_rules if r.enforcement.disclaimer]
        parts = [self._text(name, tracker, output_channel, values) for name in before]
        parts.append(message.get("text") or "")
        parts += [self._text(name, tracker, output_channel, values) for name in after]
        message["text"] = "\n\n".join(part for part in parts if part) or None
        rule_ids = [r.id for r in turn_rules + own_rules]
        message["compliance_rules"] = list(dict.fromkeys(rule_ids))
        return message

    def baseline_hashes(self) -> dict[str, str]:
        """Hash of each response's texts, recomputed only when Rasa sets new responses."""
        if self._hashed[0] != id(self.responses):
            self._hashed = (id(self.responses), {
                name: baseline_hash(texts_of(variations))
                for name, variations in self.responses.items()})
        return self._hashed[1]

    def _text(self, name: str, tracker: DialogueStateTracker, channel: str,
              values: dict[str, Any]) -> str:
        filled = self.generate_from_slots(name, tracker.current_slot_values(), channel, **values)
        return str((filled or {}).get("text") or "")


def approved_cache(endpoint_config: EndpointConfig | None,
                   hashes: Callable[[], Mapping[str, str]]) -> ApprovedCache | None:
    """The cache of approved versions named in endpoints.yml (``nlg: responses_source:``).

    Without an endpoint configuration (tests, tools) only domain.yml is served.
    """
    if endpoint_config is None:
        return None
    kwargs = endpoint_config.kwargs or {}
    factory = registry.response_sources.get(str(kwargs.get("responses_source")
                                                or "studio.database.v1"))
    refresh = float(kwargs.get("refresh_seconds") or DEFAULT_REFRESH_SECONDS)
    cache = ApprovedCache(factory(), hashes, refresh)  # type: ignore[operator]
    cache.ensure_running()  # load now, not at the first message (a fork restarts it there)
    return cache
