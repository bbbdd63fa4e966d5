import pytest

from bot.compliance.detectors.bank_account import BankAccountDetector

# fmt: off
CASES = [
    ("my account number is 12345678",          ["12345678"]),
    ("acct 000123456789 please",               ["000123456789"]),
    ("checking 98765432 is overdrawn",         ["98765432"]),
    # long digit runs are redacted even without context
    ("please look at 12345678901",             ["12345678901"]),
    # short numbers, amounts, years, last-4
    ("account ending 1234",                    []),
    ("transfer 200 dollars to savings",        []),
    ("i opened it in 2019",                    []),
    ("reference 20240512",                     []),
    ("what is the minimum balance 1,000,000",  []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_bank_account_spans(text: str, expected: list[str], assert_spans) -> None:
    assert_spans(BankAccountDetector(), text, expected)


def test_policy_branch_is_recorded() -> None:
    detector = BankAccountDetector()
    (with_context,) = detector.analyze("account 12345678")
    (bare,) = detector.analyze("see 12345678901")
    assert (with_context.pattern_name, with_context.score) == ("account number (context)", 0.85)
    assert (bare.pattern_name, bare.score) == ("long digit run", 0.5)
