"""The labelled guardrail example sets (``bench/data/signals_*``) and their frozen split.

Each set is a YAML list of samples: ``id``, the customer ``turns`` (or one ``text``) and the
``rules`` the sample should fire. The blind evaluation set is split by a hash of the id, so the
split never depends on file order: the benchmark reports the *test* half, and only the *tune*
half may be learnt from (:class:`bot.nlu.rule_classifier.RuleClassifier` reads it that way).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml

Half = Literal["test", "tune", "all"]


def half_of(item_id: str) -> Literal["test", "tune"]:
    """The frozen set's split: *test* when the first byte of ``sha256(id)`` is odd."""
    return "test" if hashlib.sha256(item_id.encode("utf-8")).digest()[0] % 2 else "tune"


def select(samples: Sequence[Mapping[str, Any]], half: Half) -> list[Mapping[str, Any]]:
    """The samples of one half (``all``: every sample, e.g. for a set without a split)."""
    return [s for s in samples if half == "all" or half_of(str(s["id"])) == half]


def turns_of(sample: Mapping[str, Any]) -> list[str]:
    """The customer turns of a sample (``turns``, or one ``text``)."""
    return [str(t) for t in sample["turns"]] if "turns" in sample else [str(sample["text"])]


def load_samples(path: Path, half: Half = "all") -> list[Mapping[str, Any]]:
    """One half of a labelled set."""
    return select(yaml.safe_load(path.read_text(encoding="utf-8")) or [], half)
