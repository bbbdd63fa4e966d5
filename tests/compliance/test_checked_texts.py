"""The in-memory table of checked texts: bounded, expiring, and never a source of raw values."""

from __future__ import annotations

from bot.compliance.checked_texts import CheckedTexts
from bot.compliance.contract import PiiSpan

SPAN = PiiSpan(start=11, end=20, entity_type="PERSON")


def test_a_checked_text_returns_its_spans_and_an_unchecked_one_none() -> None:
    table = CheckedTexts()
    table.remember("my name is Ada Byron", [SPAN], now=0.0)
    table.remember("what is my balance", [], now=0.0)
    assert table.spans("my name is Ada Byron", now=1.0) == [SPAN]
    assert table.spans("what is my balance", now=1.0) == []  # checked, nothing found
    assert table.spans("my name is Ada Byron!", now=1.0) is None  # another text: check it


def test_entries_expire_and_the_oldest_go_first() -> None:
    table = CheckedTexts(capacity=2, ttl_seconds=10.0)
    table.remember("one", [], now=0.0)
    table.remember("two", [], now=0.0)
    table.remember("three", [], now=0.0)
    assert len(table) == 2 and table.spans("one", now=1.0) is None
    assert table.spans("three", now=9.0) == []
    assert table.spans("three", now=10.0) is None and len(table) == 1
