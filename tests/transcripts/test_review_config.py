"""The review section of bank.yml: the shipped one loads; a wrong value names its key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.errors import CandorError
from bot.paths import PROJECT_ROOT
from bot.transcripts.deadlines import Period
from bot.transcripts.review_config import load_policy, parse_policy


def test_the_shipped_bank_file_has_the_regulation_e_clocks_and_holidays() -> None:
    policy = load_policy(PROJECT_ROOT / "bank.yml")
    disputes = list(policy.clocks["disputes"].values())
    assert disputes == [Period(10, True), Period(45, False), Period(90, False)]
    assert policy.clocks["complaints"]["acknowledge"] == Period(2, True)
    assert date(2026, 11, 26) in policy.holidays
    assert 0 < policy.sample.rate <= 1 and policy.low_csat_threshold == 2.5


@pytest.mark.parametrize(("review", "key"), [
    ({"sample": {"rate": 1.5}}, "sample.rate"),
    ({"low_csat_threshold": "low"}, "low_csat_threshold"),
    ({"clocks": {"nowhere": {"x": "2 business days"}}}, "clocks.nowhere"),
    ({"holidays": ["christmas"]}, "holidays"),
])
def test_a_wrong_value_is_e720_naming_the_key(review: dict[str, object], key: str) -> None:
    with pytest.raises(CandorError) as err:
        parse_policy(review, Path("bank.yml"))
    assert err.value.code == "E720" and f"review.{key}" in str(err.value)
