"""The shared spaCy pipeline: only the entity recognizer, with the full pipeline's entities."""

from __future__ import annotations

import spacy

from bot.spacy_model import load_spacy, spacy_model_path

TEXTS = (
    "Hi, this is Margaret Okafor, I moved to 14 Birch Lane in Leeds last May.",
    "please send the statement to John O'Neill at Barclays, thanks",
    "my husband Tomasz and I want a joint account before we fly to Warsaw",
)


def test_only_the_entity_recognizer_runs() -> None:
    assert load_spacy().pipe_names == ["ner"]


def test_entities_equal_the_full_pipelines() -> None:
    full = spacy.load(spacy_model_path())
    labels = []
    for text in TEXTS:
        ours = [(e.start_char, e.end_char, e.label_) for e in load_spacy()(text).ents]
        assert ours == [(e.start_char, e.end_char, e.label_) for e in full(text).ents]
        labels += [label for *_, label in ours]
    assert "PERSON" in labels and "GPE" in labels  # the texts do exercise the recognizer
