import pytest

from bot.compliance.detectors.iban import IbanDetector

# fmt: off
CASES = [
    ("pay into GB82 WEST 1234 5698 7654 32 today", ["GB82 WEST 1234 5698 7654 32"]),
    ("IBAN: DE89370400440532013000",                ["DE89370400440532013000"]),
    ("my iban is de89 3704 0044 0532 0130 00.",     ["de89 3704 0044 0532 0130 00"]),
    ("FR1420041010050500013M02606 for rent",        ["FR1420041010050500013M02606"]),
    # one digit changed: mod-97 check fails, must NOT match
    ("pay into GB82 WEST 1234 5698 7654 33 today", []),
    ("IBAN: DE89370400440532013001",                []),
    # words that look like codes
    ("is a SEPA transfer free?",                    []),
    ("what is my IBAN and BIC?",                    []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_iban_spans(text: str, expected: list[str], assert_spans) -> None:
    assert_spans(IbanDetector(), text, expected)
