import pytest

from bot.compliance.operators import Mask, Replace, build_operator
from bot.errors import CandorError


# fmt: off
@pytest.mark.parametrize(("name", "params", "span", "expected"), [
    ("redact.replace.v1", {},                                 "Ann", "<PERSON>"),
    ("redact.replace.v1", {"new_value": "[x]"},               "Ann", "[x]"),
    ("redact.mask.v1",    {},                                 "1234 5678", "*********"),
    ("redact.mask.v1",    {"masking_char": "#", "keep_last": 2}, "123456", "####56"),
    ("redact.mask.v1",    {"keep_last": 9},                   "123", "***"),
])
# fmt: on
def test_operators(name: str, params: dict, span: str, expected: str) -> None:
    assert build_operator(name, params).operate(span, "PERSON") == expected


# fmt: off
@pytest.mark.parametrize(("cls", "params", "param"), [
    (Mask,    {"masking_char": "**"}, "masking_char"),
    (Mask,    {"masking_char": ""},   "masking_char"),
    (Mask,    {"keep_last": -1},      "keep_last"),
    (Mask,    {"keep_last": True},    "keep_last"),
    (Mask,    {"colour": "red"},      "colour"),
    (Replace, {"new_value": 3},       "new_value"),
])
# fmt: on
def test_invalid_params_are_rejected_before_use(cls: type, params: dict, param: str) -> None:
    with pytest.raises(CandorError, match=rf"^E103 .*{param}"):
        cls(params)
