"""The product's own NLU on a held-back split of its own training data (issue: >= 90%).

Trains config.yml's pipeline on 80% of data/nlu (stratified, seed 13) and checks the other 20%.
The bar is on the intent (``faq`` counts as one intent, as Rasa reports it); the finer FAQ-topic
accuracy (``faq/card_pin``) is printed beside it, since that is what picks the answer.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow


def product_rows() -> list[tuple[str, str]]:
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.shared.nlu.constants import INTENT_RESPONSE_KEY

    data = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"), str(PROJECT_ROOT / "domain.yml"), [str(PROJECT_ROOT / "data")]
    ).get_nlu_data()
    return [(m.get("text"), m.get(INTENT_RESPONSE_KEY) or m.get("intent")) for m in data.intent_examples]


def test_intent_accuracy_on_held_back_product_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.agent import Agent

    from bot.bench.harness import bench_config, isolate_environment, write_nlu_yaml
    from bot.bench.harness import train as train_nlu
    from bot.bench.nlu_metrics import stratified_split

    monkeypatch.setenv("HOME", str(tmp_path))
    isolate_environment(tmp_path)
    train, held_back = stratified_split(product_rows(), 0.2, 13)
    config, _ = bench_config(PROJECT_ROOT / "config.yml", tmp_path)
    model, _ = train_nlu(config, write_nlu_yaml(train, tmp_path / "nlu.yml"), tmp_path / "models")
    agent = Agent.load(model)

    async def label(text: str) -> str:
        parsed = await agent.parse_message(text)
        intent = parsed["intent"]["name"]
        if intent == "nlu_fallback":
            intent = parsed["intent_ranking"][1]["name"]
        selected = (parsed.get("response_selector") or {}).get(intent) or {}
        return (selected.get("response") or {}).get("intent_response_key") or intent

    predicted = [asyncio.run(label(text)) for text, _ in held_back]
    pairs = list(zip(predicted, (gold for _, gold in held_back), strict=True))
    topic_accuracy = sum(p == g for p, g in pairs) / len(pairs)
    intent_accuracy = sum(p.split("/")[0] == g.split("/")[0] for p, g in pairs) / len(pairs)
    print(f"held-back product NLU on {len(pairs)} examples: intent accuracy "
          f"{intent_accuracy:.3f}, FAQ-topic-level accuracy {topic_accuracy:.3f}")
    assert intent_accuracy >= 0.90
