"""Candor's in-process NLG: the approved responses of domain.yml with bank facts filled in.

Configured in endpoints.yml (``nlg: type: bot.nlg.generator.CandorNLG``). Every customer-facing
text Rasa sends passes through here, whether a rule, a policy, the ResponseSelector or a custom
action asked for it (actions send ``response=`` names, never free text), so this is the one
place where placeholders are resolved.
"""

from __future__ import annotations

from typing import Any

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.nlg.bank_facts import load_bank_facts


class CandorNLG(TemplatedNaturalLanguageGenerator):
    """Templated NLG whose placeholders also resolve against ``bank.yml``."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None):
        super().__init__(domain.responses if domain else {})
        self.bank_facts = load_bank_facts()

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        """Fill slots, then bank facts, then explicit arguments (later ones win)."""
        values = {**self.bank_facts, **kwargs}
        return await super().generate(utter_action, tracker, output_channel, **values)
