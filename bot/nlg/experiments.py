"""Deterministic variant assignment: a conversation keeps its variant for the experiment's life.

The customer's sender id and the experiment id are hashed (SHA-256) to a point in [0, 1), which
falls into one arm's share of the weights (arms in name order). No state is stored, every Rasa
worker and every replica agrees, and a new experiment on the same response reshuffles.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from bot import registry


def assign(sender_id: str, experiment_id: int, arms: Mapping[str, int]) -> str:
    """The arm of ``arms`` (name -> positive weight) that ``sender_id`` sees."""
    digest = hashlib.sha256(f"{experiment_id}\x00{sender_id}".encode()).digest()
    total = sum(arms.values())
    point = int.from_bytes(digest[:8], "big") * total / 2**64
    names = sorted(arms)
    for name in names:
        point -= arms[name]
        if point < 0:
            return name
    return names[-1]  # only reachable through float rounding at the very top


registry.nlg_variant_selectors.add("variant.sender_hash.v1", assign)
