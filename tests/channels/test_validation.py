from __future__ import annotations

import pytest

from bot.channels.validation import InvalidMessage, validate_message


def test_a_good_message_passes() -> None:
    assert validate_message("sess-1:abc_2", "hello") == ("sess-1:abc_2", "hello")


# fmt: off
@pytest.mark.parametrize(("sender", "text", "code", "status"), [
    (None, "hi", "E020", 400),
    ("", "hi", "E020", 400),
    ("a b", "hi", "E020", 400),
    ("x" * 129, "hi", "E020", 400),
    ("<script>", "hi", "E020", 400),
    ("abc", None, "E021", 400),
    ("abc", "   ", "E021", 400),
    ("abc", 42, "E021", 400),
    ("abc", "a" * 2001, "E022", 413),
])
# fmt: on
def test_bad_input_is_refused_with_a_code(sender: object, text: object, code: str, status: int) -> None:
    with pytest.raises(InvalidMessage) as info:
        validate_message(sender, text)
    assert (info.value.code, info.value.status) == (code, status)


def test_the_error_never_quotes_the_message() -> None:
    secret = "my ssn is 123-45-6789 " * 200
    with pytest.raises(InvalidMessage) as info:
        validate_message("abc", secret)
    assert "123-45-6789" not in str(info.value.as_json())


def test_the_limit_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANDOR_MAX_MESSAGE_CHARS", "10")
    with pytest.raises(InvalidMessage):
        validate_message("abc", "eleven chars")
