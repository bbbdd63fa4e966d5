"""Serving: only approved text reaches a customer, with its provenance, from a cached table."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import registry
from bot.compliance.contract import ServableSet
from bot.nlg.approved import ApprovedCache, build_table
from bot.nlg.baseline import load_baselines
from bot.nlg.experiments import assign
from bot.nlg.generator import CandorNLG
from bot.transcripts.db import Database
from bot.transcripts.response_store import propose, review, servable, start_experiment
from tests.studio.conftest import KEYS

RATES = "utter_faq/rates_savings"


@pytest.fixture(scope="module")
def domain() -> Domain:
    """The responses Rasa merges into the domain (domain.yml and data/)."""
    return Domain.from_dict({"responses": {
        name: [{"text": t} for t in b.texts] for name, b in load_baselines().items()}})


#: Caches built by the running test; their refresh threads stop when it ends.
CREATED: list[ApprovedCache] = []


@pytest.fixture(autouse=True)
def stop_caches() -> Iterator[None]:
    yield
    while CREATED:
        CREATED.pop().close()


def _nlg(domain: Domain, load: Any) -> CandorNLG:
    registry.response_sources.add("test.source.v1", lambda: load)
    config = EndpointConfig(type="bot.nlg.generator.CandorNLG",
                            responses_source="test.source.v1", refresh_seconds=60)
    nlg = CandorNLG(config, domain)
    assert nlg.approved is not None and nlg.approved.refresh()
    CREATED.append(nlg.approved)
    return nlg


def _say(nlg: CandorNLG, domain: Domain, response: str, sender: str = "s1") -> dict[str, Any]:
    tracker = DialogueStateTracker(sender, domain.slots)
    message = asyncio.run(nlg.generate(response, tracker, "rest"))
    assert message is not None
    return message


def _approved(db: Database, response: str, text: str, variant: str = "default") -> int:
    version = propose(db, KEYS, response, variant, text, load_baselines()[response].hash, "mia")
    review(db, KEYS, version.id, "carl", "approved")
    return version.id


def test_an_approved_version_is_served_with_provenance_and_disclaimers(
        db: Database, domain: Domain) -> None:
    _approved(db, RATES, "Our savings rates change often; see them in the app.")
    pending = propose(db, KEYS, RATES, "default", "UNAPPROVED wording", "x", "mia")
    message = _say(_nlg(domain, lambda: servable(db)), domain, RATES)
    assert message["text"].startswith("Our savings rates change often")
    assert "UNAPPROVED" not in message["text"] and pending.version == 2
    assert "general information only" in message["text"]  # the rate disclaimer, by rule
    assert (message["response_version"], message["variant"]) == (1, "default")


def test_the_baseline_is_version_zero_and_a_rejected_text_is_never_served(
        db: Database, domain: Domain) -> None:
    rejected = propose(db, KEYS, "utter_greet", "default", "REJECTED hello",
                       load_baselines()["utter_greet"].hash, "mia")
    review(db, KEYS, rejected.id, "carl", "rejected", "off-brand")
    message = _say(_nlg(domain, lambda: servable(db)), domain, "utter_greet")
    assert message["text"] == load_baselines()["utter_greet"].text
    assert (message["response_version"], message["variant"]) == (0, "baseline")


def test_an_unreachable_database_keeps_the_last_approved_set(
        db: Database, domain: Domain) -> None:
    _approved(db, "utter_greet", "Hi there! Ask me about cards or accounts.")
    calls = {"fail": False}

    def load() -> ServableSet:
        if calls["fail"]:
            raise ConnectionError("database down")
        return servable(db)

    nlg = _nlg(domain, load)
    calls["fail"] = True
    assert nlg.approved is not None and not nlg.approved.refresh()
    assert _say(nlg, domain, "utter_greet")["text"] == "Hi there! Ask me about cards or accounts."


def test_the_refresh_thread_picks_up_an_approval_without_a_restart(
        db: Database, domain: Domain) -> None:
    cache = ApprovedCache(lambda: servable(db), lambda: {"utter_greet": load_baselines()[
        "utter_greet"].hash}, refresh_seconds=0.05)
    CREATED.append(cache)
    assert cache.choose("utter_greet", "s").version == 0
    _approved(db, "utter_greet", "Hello again!")
    for _ in range(100):
        if cache.choose("utter_greet", "s").version == 1:
            break
        asyncio.run(asyncio.sleep(0.05))
    assert cache.choose("utter_greet", "s").text == "Hello again!"


def test_assignment_is_stable_and_respects_the_weights() -> None:
    arms = {"baseline": 1, "warm": 3}
    senders = [f"sender-{n}" for n in range(4000)]
    first = [assign(s, 7, arms) for s in senders]
    assert first == [assign(s, 7, arms) for s in senders]
    share = Counter(first)["warm"] / len(senders)
    assert 0.72 < share < 0.78  # 0.75 expected; binomial sd is 0.007
    other = [assign(s, 8, arms) for s in senders]
    assert first != other  # a new experiment reshuffles


def test_an_experiment_splits_between_approved_variants_only(
        db: Database, domain: Domain) -> None:
    _approved(db, "utter_greet", "Hey! Cards, accounts, payments: ask away.", variant="warm")
    propose(db, KEYS, "utter_greet", "cold", "UNAPPROVED", load_baselines()["utter_greet"].hash,
            "mia")
    start_experiment(db, KEYS, "utter_greet", {"baseline": 1, "warm": 1, "cold": 5}, 50, "mia")
    table = build_table(servable(db), {"utter_greet": load_baselines()["utter_greet"].hash})
    seen = Counter(table.choose("utter_greet", f"s{n}").variant for n in range(400))
    assert set(seen) == {"baseline", "warm"} and 150 < seen["warm"] < 250


def test_responses_set_after_construction_are_used_as_rasa_does(
        db: Database, domain: Domain) -> None:
    """Rasa's Agent builds the NLG with an empty domain, then sets the model's responses."""
    _approved(db, "utter_greet", "Hi! What can I do for you?")
    registry.response_sources.add("test.source.v1", lambda: lambda: servable(db))
    config = EndpointConfig(type="bot.nlg.generator.CandorNLG",
                            responses_source="test.source.v1", refresh_seconds=60)
    nlg = CandorNLG(config, Domain.empty())
    nlg.responses = domain.responses  # what Agent.load_model does
    assert nlg.approved is not None and nlg.approved.refresh()
    CREATED.append(nlg.approved)
    message = _say(nlg, domain, "utter_greet")
    assert (message["text"], message["response_version"]) == ("Hi! What can I do for you?", 1)
