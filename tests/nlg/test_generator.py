"""Every customer-facing text resolves: no placeholder may reach a customer unfilled."""

from __future__ import annotations

import asyncio
import re

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from bot.nlg.generator import CandorNLG
from bot.paths import PROJECT_ROOT

PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.fixture(scope="module")
def domain() -> Domain:
    """The domain as training builds it: domain.yml plus the FAQ responses from data/."""
    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain.yml"),
        [str(PROJECT_ROOT / "data")],
    )
    return importer.get_domain()


def test_every_placeholder_is_a_bank_fact_or_a_slot(domain: Domain) -> None:
    known = set(CandorNLG(domain=domain).bank_facts) | {slot.name for slot in domain.slots}
    missing = {
        (name, key)
        for name, variants in domain.responses.items()
        for variant in variants
        for key in PLACEHOLDER.findall(variant.get("text") or "")
        if key not in known
    }
    assert not missing


def test_generated_text_has_bank_facts_filled_in(domain: Domain) -> None:
    nlg = CandorNLG(domain=domain)
    tracker = DialogueStateTracker("t", domain.slots)
    message = asyncio.run(nlg.generate("utter_handoff", tracker, "rest"))
    assert message is not None
    assert "{" not in message["text"]
    assert nlg.bank_facts["bank_phone"] in message["text"]
