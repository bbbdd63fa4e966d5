import pytest

from bot.compliance.detectors.secrets import SecretDetector
from bot.compliance.redaction import redact

# fmt: off
CASES = [
    # PIN
    ("my pin is 4821",                                  [("PIN", "4821")]),
    ("PIN: 4821 pls dont let anyone use it",            [("PIN", "4821")]),
    ("my new pin should be 9 9 1 1",                    [("PIN", "9 9 1 1")]),
    # one-time codes
    ("the code you sent is 551 093",                    [("OTP", "551 093")]),
    ("OTP 77120418",                                    [("OTP", "77120418")]),
    ("got a verification code: 4471-09 on my phone",    [("OTP", "4471-09")]),
    # CVV and expiry
    ("cvv 837",                                         [("CVV", "837")]),
    ("the 3 digit code on the back is 402",             [("CVV", "402")]),
    ("exp 03/26 cvc 119",                               [("CARD_EXPIRY", "03/26"), ("CVV", "119")]),
    ("it expires 11/2028",                              [("CARD_EXPIRY", "11/2028")]),
    ("valid thru march 2027",                           [("CARD_EXPIRY", "march 2027")]),
    # passwords and memorable words
    ("my password is Summer2024!",                      [("PASSWORD", "Summer2024!")]),
    ("password: hunter22.",                             [("PASSWORD", "hunter22")]),
    ("my memorable word is giraffe",                    [("PASSWORD", "giraffe")]),
    # the same words without a secret in them
    ("my pin is blocked",                               []),
    ("I forgot my pin 3 times",                         []),
    ("my password is wrong",                            []),
    ("no idea what my password is.",                    []),
    ("forgot my password to log in",                    []),
    ("the passcode was denied again",                   []),
    ("typed my passcode but nothing happens",           []),
    ("how do I reset my online banking password",       []),
    ("I need my verification code",                     []),
    ("promo code 12345 did not work",                   []),
    ("sort code 20-00-00",                              []),
    ("when does my card expire?",                       []),
    ("pin for card 4111 1111 1111 1111",                []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_secret_values(text: str, expected: list[tuple[str, str]]) -> None:
    hits = SecretDetector().analyze(text)
    assert [(h.entity_type, text[h.start:h.end]) for h in hits] == expected
    assert all(h.detector == "pii.secret.v1" and h.pattern_name for h in hits)


@pytest.mark.parametrize(("text", "value"), [
    ("my pin is 4821", "4821"),
    ("the code you sent is 551 093", "551 093"),
    ("card 4111 1111 1111 1111 exp 03/26 cvv 837", "837"),
    ("my password is Summer2024!", "Summer2024"),
])
def test_secrets_are_redacted_with_the_default_detectors(text: str, value: str) -> None:
    assert value not in redact(text).text
