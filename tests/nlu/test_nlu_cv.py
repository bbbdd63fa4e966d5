"""``candor bench nlu cv``: Rasa's cross-validation on a small NLU file, end to end."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CONFIG = """\
recipe: default.v1
language: en
assistant_id: cv-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 2
    max_ngram: 4
  - name: bot.nlu.intent_classifier.LinearIntentClassifier
    select_responses: true
  - name: FallbackClassifier
    threshold: 0.3
policies: []
"""

EXAMPLES = {
    "greet": ["hi", "hello", "hey there", "good morning", "hiya", "hello bot"],
    "goodbye": ["bye", "goodbye", "see you", "bye bye", "see you later", "cheers, bye"],
    "faq/card_pin": [
        "how do I change my pin", "I forgot my card pin", "reset my pin please",
        "where do I see my pin", "new pin for my card", "pin code change",
    ],
    "faq/opening_hours": [
        "when are you open", "opening hours", "what time do branches open",
        "are you open on sunday", "branch hours please", "when do you close",
    ],
}


def write_nlu(path: Path) -> None:
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in EXAMPLES.items():
        lines += [f"- intent: {intent}", "  examples: |", *[f"    - {t}" for t in texts]]
    lines.append("responses:")
    for topic in ("card_pin", "opening_hours"):
        lines += [f"  utter_faq/{topic}:", f"  - text: about {topic}"]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def run(tmp_path: Path, name: str) -> dict:
    from bot.bench.nlu_cv import run_cv

    out = tmp_path / f"{name}.json"
    args = argparse.Namespace(
        config=tmp_path / "config.yml", data=tmp_path / "nlu.yml", folds=2, seed=13,
        out=out, markdown=tmp_path / f"{name}.md",
    )
    assert run_cv(args) == 0
    return json.loads(out.read_text("utf-8"))


def test_cv_scores_intents_and_faq_topics_reproducibly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "config.yml").write_text(CONFIG, "utf-8")
    write_nlu(tmp_path / "nlu.yml")
    first = run(tmp_path, "a")
    assert first["n_examples"] == 24 and first["n_intents"] == 3 and first["n_faq_topics"] == 2
    assert first["intent"]["n"] == 24  # every example held out once
    assert first["faq_topic"]["n"] == 12  # only faq examples have a topic
    assert len(first["intent"]["fold_accuracy"]) == 2
    assert first["faq_topic"]["accuracy"] >= 0.75  # the two topics share no words
    assert set(first["faq_topic"]["per_class"]) == {"faq/card_pin", "faq/opening_hours"}
    second = run(tmp_path, "b")
    assert second["intent"]["fold_accuracy"] == first["intent"]["fold_accuracy"]  # seeded folds
    report = (tmp_path / "a.md").read_text("utf-8")
    assert "FAQ topic (`faq/<topic>`)" in report and "candor" in report
