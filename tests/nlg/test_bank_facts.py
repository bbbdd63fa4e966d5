from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import CandorError
from bot.nlg.bank_facts import flatten, load_bank_facts


def test_nested_keys_are_joined_with_underscores() -> None:
    facts = {"name": "Acme", "fees": {"wire": "$15", "atm": {"abroad": 3}}, "days": ["Mon", "Tue"]}
    assert flatten(facts) == {
        "bank_name": "Acme",
        "bank_fees_wire": "$15",
        "bank_fees_atm_abroad": "3",
        "bank_days": "Mon, Tue",
    }


def test_the_project_bank_file_loads() -> None:
    facts = load_bank_facts()
    assert facts["bank_name"]
    assert all(key.startswith("bank_") for key in facts)


@pytest.mark.parametrize("content", ["name: [unclosed", "- just\n- a list\n"])
def test_a_broken_bank_file_is_an_error_naming_the_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bank.yml"
    path.write_text(content)
    with pytest.raises(CandorError, match=r"^E011 .*bank\.yml"):
        load_bank_facts(path)
