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


# Values a custom action passes with the response (``utter_message(response=..., key=...)``).
ACTION_SUPPLIED = {
    ("utter_also_asked", "topic"),  # actions/multi_intent.py
    ("utter_your_question", "topic"),  # actions/multi_intent.py
    ("utter_account_eligible", "account_product_name"),  # actions/forms.py
    ("utter_account_eligible", "account_requirements"),  # actions/forms.py
}


def test_every_placeholder_is_a_bank_fact_or_a_slot(domain: Domain) -> None:
    known = set(CandorNLG(domain=domain).bank_facts) | {slot.name for slot in domain.slots}
    missing = {
        (name, key)
        for name, variants in domain.responses.items()
        for variant in variants
        for key in PLACEHOLDER.findall(variant.get("text") or "")
        if key not in known and (name, key) not in ACTION_SUPPLIED
    }
    assert not missing


def test_generated_text_has_bank_facts_filled_in(domain: Domain) -> None:
    nlg = CandorNLG(domain=domain)
    tracker = DialogueStateTracker("t", domain.slots)
    message = asyncio.run(nlg.generate("utter_handoff", tracker, "rest"))
    assert message is not None
    assert "{" not in message["text"]
    assert nlg.bank_facts["bank_phone"] in message["text"]


def _tracker_after(domain: Domain, text: str, intent: str, detectors: tuple[str, ...] = ()) -> DialogueStateTracker:
    from rasa.shared.core.events import ActionExecuted, UserUttered

    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9},
             "compliance": {"hits": [{"detector": d, "pattern_name": "p", "start": 0, "end": 4,
                                      "score": 1.0} for d in detectors]}}
    return DialogueStateTracker.from_events(
        "t", [ActionExecuted("action_listen"), UserUttered(text, parse["intent"], parse_data=parse)],
        domain.slots,
    )


def _faq_response(domain: Domain, prefix: str) -> str:
    return next(name for name in domain.responses if name.startswith(prefix))


def test_rates_answers_carry_the_disclaimer_and_its_rule(domain: Domain) -> None:
    nlg = CandorNLG(domain=domain)
    name = _faq_response(domain, "utter_faq/rates_")
    message = asyncio.run(nlg.generate(name, _tracker_after(domain, "rates?", "faq"), "rest"))
    assert message is not None
    assert message["text"].endswith(
        asyncio.run(nlg.generate("utter_disclaimer_rates", DialogueStateTracker("x", []), "rest"))["text"]
    )
    assert message["compliance_rules"] == ["rate-disclaimer"]


def test_other_answers_carry_no_disclaimer(domain: Domain) -> None:
    nlg = CandorNLG(domain=domain)
    message = asyncio.run(nlg.generate("utter_greet", _tracker_after(domain, "hi", "greet"), "rest"))
    assert message is not None
    assert "not an offer" not in message["text"] and message["compliance_rules"] == []


def test_the_first_answer_after_personal_data_starts_with_the_warning(domain: Domain) -> None:
    nlg = CandorNLG(domain=domain)
    tracker = _tracker_after(domain, "card 4111 1111 1111 1111 declined", "faq", ("pii.card_number.v1",))
    message = asyncio.run(nlg.generate("utter_greet", tracker, "rest"))
    assert message is not None
    assert message["text"].startswith("Please don't share personal details")
    assert message["compliance_rules"] == ["pii-redaction"]


def test_the_rule_that_fired_this_turn_labels_every_message(domain: Domain) -> None:
    nlg = CandorNLG(domain=domain)
    tracker = _tracker_after(domain, "I want to complain", "complain")
    message = asyncio.run(nlg.generate("utter_offer_human", tracker, "rest"))
    assert message is not None and message["compliance_rules"] == ["complaint"]


def test_survey_buttons_keep_their_payloads_without_an_interpolation_error(domain: Domain) -> None:
    """Rasa fills placeholders in button payloads too; an entity map must pass unharmed."""
    from structlog.testing import capture_logs

    nlg = CandorNLG(domain=domain)
    with capture_logs() as logs:
        message = asyncio.run(nlg.generate("utter_ask_csat_rating",
                                           DialogueStateTracker("t", domain.slots), "rest"))
    assert message is not None
    assert [b["payload"] for b in message["buttons"]] == [
        f'/rate_chat{{"csat_rating": "{n}"}}' for n in range(1, 6)]
    assert not [entry for entry in logs if entry["log_level"] == "error"]
