import pytest

from bot.compliance.detectors.routing_number import RoutingNumberDetector

# fmt: off
CASES = [
    ("routing number 021000021",            ["021000021"]),
    ("ABA 011000015 for the wire",          ["011000015"]),
    ("my rtn: 0110-0001-5",                 ["0110-0001-5"]),
    # ABA checksum fails: must NOT match
    ("routing number 021000022",            []),
    # checksum-valid but no routing context
    ("order 021000021 arrived",             []),
    ("what is a routing number?",           []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_routing_number_spans(text: str, expected: list[str], assert_spans) -> None:
    assert_spans(RoutingNumberDetector(), text, expected)
