import pytest

from bot.compliance.detectors.phone import PhoneDetector

# fmt: off
CASES = [
    ("call me on (212) 555-0199",            ["(212) 555-0199"]),
    ("my mobile is +1 212 555 0199",         ["+1 212 555 0199"]),
    ("ring 020 7946 0018 after 5",           ["020 7946 0018"]),
    ("+49 30 901820 is the office",          ["+49 30 901820"]),
    # amounts, dates, times, short numbers
    ("transfer 200 dollars",                 []),
    ("due on 12/05/2024 at 10:30",           []),
    ("card ending 1234",                     []),
    ("what is your phone number?",           []),
    # an IPv4 address is not a phone number, even beside a phone word
    ("login from 10.120.3.44 on my phone",   []),
    ("call 212.555.0199",                    ["212.555.0199"]),
    ("4155550123-Fax",                       ["4155550123"]),
    ("account number 41555501230",           []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_phone_spans(text: str, expected: list[str], assert_spans) -> None:
    assert_spans(PhoneDetector(), text, expected)
