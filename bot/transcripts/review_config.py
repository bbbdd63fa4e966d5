"""The review section of ``bank.yml``: low-CSAT threshold, sample policy, clocks, holidays.

A bank sets its review policy where it sets its other facts. Read once per file and validated
whole: a wrong value is E720 (or E721 for a period) naming the key, never a silent default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.errors import CandorError, Errors
from bot.settings import load_settings
from bot.transcripts.deadlines import Period, parse_period
from bot.transcripts.review_queues import QUEUE_TITLES
from bot.transcripts.review_sampling import SamplePolicy


@dataclass(frozen=True)
class ReviewPolicy:
    """Everything the review pages and jobs take from ``bank.yml``."""

    low_csat_threshold: float = 2.5
    sample: SamplePolicy = field(default_factory=SamplePolicy)
    clocks: Mapping[str, Mapping[str, Period]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()


def _number(raw: Any, path: Path, key: str, low: float, high: float) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not low <= raw <= high:
        raise CandorError(Errors.E720.format(path=path, key=key,
                                             problem=f"{raw!r} is not a number in [{low}, {high}]"))
    return float(raw)


def parse_policy(data: Mapping[str, Any], path: Path) -> ReviewPolicy:
    """Validate the ``review`` mapping of ``bank.yml``."""
    sample = data.get("sample") or {}
    policy = SamplePolicy(
        rate=_number(sample.get("rate", 0.05), path, "sample.rate", 0.0, 1.0),
        rule_hit_weight=_number(sample.get("rule_hit_weight", 1.0), path,
                                "sample.rule_hit_weight", 0.0, 100.0),
        low_csat_weight=_number(sample.get("low_csat_weight", 1.0), path,
                                "sample.low_csat_weight", 0.0, 100.0),
    )
    clocks: dict[str, dict[str, Period]] = {}
    for queue, periods in (data.get("clocks") or {}).items():
        if queue not in QUEUE_TITLES or not isinstance(periods, Mapping):
            raise CandorError(Errors.E720.format(
                path=path, key=f"clocks.{queue}",
                problem=f"name a queue ({', '.join(QUEUE_TITLES)}) and map clock names to periods"))
        clocks[queue] = {str(name): parse_period(value, f"{path}: review.clocks.{queue}.{name}")
                         for name, value in periods.items()}
    holidays = data.get("holidays") or []
    if not all(isinstance(d, date) for d in holidays):
        raise CandorError(Errors.E720.format(path=path, key="holidays",
                                             problem="list dates as YYYY-MM-DD"))
    return ReviewPolicy(
        low_csat_threshold=_number(data.get("low_csat_threshold", 2.5), path,
                                   "low_csat_threshold", 1.0, 5.0),
        sample=policy, clocks=clocks, holidays=frozenset(holidays))


@lru_cache(maxsize=4)
def load_policy(path: Path | None = None) -> ReviewPolicy:
    """The review policy of ``bank.yml`` (``CANDOR_BANK_FILE``); defaults without a section."""
    path = path or load_settings().bank_file
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise CandorError(Errors.E011.format(path=path, problem=err)) from err
    review = data.get("review") if isinstance(data, Mapping) else None
    if review is not None and not isinstance(review, Mapping):
        raise CandorError(Errors.E720.format(path=path, key="", problem="expected a mapping"))
    return parse_policy(review or {}, path)
