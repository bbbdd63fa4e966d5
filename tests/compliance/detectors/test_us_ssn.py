import pytest

from bot.compliance.detectors.us_ssn import UsSsnDetector

# fmt: off
CASES = [
    ("my ssn is 219-09-9999",                     ["219-09-9999"]),
    ("SSN 536 22 1234 on file",                   ["536 22 1234"]),
    # undelimited: only with an SSN word nearby
    ("my social security number is 536221234",    ["536221234"]),
    ("reference 536221234",                       []),
    # invalid area / group / serial numbers must NOT match
    ("ssn 000-12-3456",                           []),
    ("ssn 666-12-3456",                           []),
    ("ssn 536-00-1234",                           []),
    ("ssn 536-22-0000",                           []),
    ("ssn 123-45-6789",                           []),
    # mixed delimiters and dates
    ("ssn 536-22 1234",                           []),
    ("paid on 2024-05-12",                        []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_us_ssn_spans(text: str, expected: list[str], assert_spans) -> None:
    assert_spans(UsSsnDetector(), text, expected)


def test_context_promotion_is_explained() -> None:
    (hit,) = UsSsnDetector().analyze("social security 536221234")
    assert hit.pattern_name.endswith("+ context")
    assert hit.score == 0.8
