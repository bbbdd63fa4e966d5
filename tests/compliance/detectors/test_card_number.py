import pytest

from bot.compliance.detectors.card_number import CardNumberDetector

# fmt: off
CASES = [
    # Luhn-valid test PANs (network test numbers), with and without separators
    ("my card is 4111 1111 1111 1111, blocked",   ["4111 1111 1111 1111"]),
    ("visa 4012-8888-8888-1881 please",           ["4012-8888-8888-1881"]),
    ("mastercard 5555555555554444",               ["5555555555554444"]),
    ("amex 378282246310005 and 6011111111111117", ["378282246310005", "6011111111111117"]),
    # Luhn-failing numbers of card shape must NOT match
    ("my card is 4111 1111 1111 1112",            []),
    ("number 5555555555554445",                   []),
    # ordinary banking language, last-4 and amounts are left alone
    ("my card was declined",                      []),
    ("card ending 1234 was stolen",               []),
    ("transfer 2000 dollars on 12/05/2024",       []),
    ("my balance is 1,234,567.89",                []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_card_number_spans(text: str, expected: list[str], assert_spans) -> None:
    hits = assert_spans(CardNumberDetector(), text, expected)
    assert all(h.score == 1.0 for h in hits)  # only Luhn-validated matches survive


def test_hit_does_not_store_the_value() -> None:
    (hit,) = CardNumberDetector().analyze("card 4111111111111111")
    assert "4111111111111111" not in repr(hit)
    assert hit.pattern_name == "All Credit Cards (weak)"
