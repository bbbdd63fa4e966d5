import pytest

from bot.compliance.detectors.card_number import CardNumberDetector
from bot.compliance.redaction import redact

# fmt: off
CASES = [
    # Luhn-valid test PANs (network test numbers), with and without separators, 12-19 digits
    ("my card is 4111 1111 1111 1111, blocked",   ["4111 1111 1111 1111"]),
    ("visa 4012-8888-8888-1881 please",           ["4012-8888-8888-1881"]),
    ("mastercard 5555555555554444",               ["5555555555554444"]),
    ("amex 378282246310005 and 6011111111111117", ["378282246310005", "6011111111111117"]),
    ("number 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",    ["4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"]),
    ("19 digits 4131034282458809939 ok",          ["4131034282458809939"]),
    # a mistyped card number is still a card number when a card word is near
    ("my card is 4111 1111 1111 1112",            ["4111 1111 1111 1112"]),
    ("cc 52137704661903588 is it blocked",        ["52137704661903588"]),
    # half a card number (the rest comes in the next message)
    ("my card number is 4716 2281",               ["4716 2281"]),
    ("4539 1488",                                 ["4539 1488"]),
    ("number is 5168-4412-",                      ["5168-4412"]),
    # ordinary banking language, last-4, amounts and dates are left alone
    ("my card was declined",                      []),
    ("card ending 1234 was stolen",               []),
    ("transfer 2000 dollars on 12/05/2024",       []),
    ("my balance is 1,234,567.89",                []),
    ("statement from 2003-08-28 please",          []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_card_number_spans(text: str, expected: list[str], assert_spans) -> None:
    assert_spans(CardNumberDetector(), text, expected)


def test_luhn_decides_the_label_not_whether_it_is_redacted() -> None:
    valid, invalid = "5555555555554444", "5555555555554445"
    assert [r.entity_type for r in redact(f"number {valid}").redactions] == ["CARD_NUMBER"]
    assert [r.entity_type for r in redact(f"number {invalid}").redactions] == ["BANK_ACCOUNT"]
    (hit,) = CardNumberDetector().analyze(f"card {invalid}")
    assert (hit.score, hit.pattern_name) == (0.9, "card number (context)")


@pytest.mark.parametrize("digits", range(12, 20))
def test_every_12_to_19_digit_run_is_redacted(digits: int) -> None:
    number = "".join(str((7 * i + 3) % 10) for i in range(digits))
    grouped = " ".join(number[i:i + 4] for i in range(0, digits, 4))
    for text in (f"here it is {number} thanks", f"here it is {grouped} thanks"):
        result = redact(text)
        assert number[:4] not in result.text and number[-4:] not in result.text, result.text


def test_a_card_split_over_two_messages_is_redacted_in_both() -> None:
    first, second = redact("4539 1488"), redact("0343 6467")
    assert (first.text, second.text) == ("<CARD_NUMBER>", "<CARD_NUMBER>")


def test_hit_does_not_store_the_value() -> None:
    (hit,) = CardNumberDetector().analyze("card 4111111111111111")
    assert "4111111111111111" not in repr(hit)
    assert hit.pattern_name == "card number (Luhn)"
