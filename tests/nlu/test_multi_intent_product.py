"""Multi-request messages on the trained product model (tests/data/nlu/multi_intent.yml).

Messages with two requests must have both recognised (the main intent plus
``additional_intents``); single requests that only contain "and" or a full stop must not grow a
second one, which would send the customer an answer they did not ask for.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.compliance.contract import ADDITIONAL_INTENTS_KEY as PARSE_KEY

pytestmark = pytest.mark.slow

CASES = yaml.safe_load((Path(__file__).parents[1] / "data/nlu/multi_intent.yml").read_text())


def labels(parsed: dict[str, Any]) -> list[str]:
    """The main label, then the additional ones."""
    intent = parsed["intent"]["name"]
    selected = ((parsed.get("response_selector") or {}).get(intent) or {}).get("response") or {}
    main = selected.get("intent_response_key") or intent
    return [main, *(r["response_key"] or r["intent"] for r in parsed.get(PARSE_KEY) or [])]


@pytest.fixture(scope="module")
def parsed(trained_model: Path) -> dict[str, list[str]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(trained_model))
    texts = [c["text"] for c in CASES["multi"] + CASES["single"]]
    return {t: labels(asyncio.run(agent.parse_message(t))) for t in texts}


def test_both_requests_of_two_part_messages_are_recognised(parsed: dict[str, list[str]]) -> None:
    hits = [all(any(alt in parsed[c["text"]] for alt in r.split("|")) for r in c["requests"])
            for c in CASES["multi"]]
    recall = sum(hits) / len(hits)
    missed = [(c["text"], parsed[c["text"]]) for c, hit in zip(CASES["multi"], hits, strict=True) if not hit]
    print(f"two-part messages with both requests recognised: {recall:.2f}; missed: {missed}")
    assert recall >= 0.6


def test_single_requests_get_no_second_answer(parsed: dict[str, list[str]]) -> None:
    extra = [(c["text"], parsed[c["text"]]) for c in CASES["single"] if len(parsed[c["text"]]) > 1]
    print(f"single requests given a second request: {len(extra)}/{len(CASES['single'])}: {extra}")
    assert len(extra) / len(CASES["single"]) <= 0.15
