"""Secrets a bank never asks for: PINs, passwords, one-time codes, CVV and card expiry dates.

Presidio has no recognizer for these and they carry no checksum, so each is a keyword, a few
linking words and a value of the right shape; only the value is reported ("my pin is 4821"
redacts "4821"). Entity types ``PIN``, ``PASSWORD``, ``OTP``, ``CVV``, ``CARD_EXPIRY``; the
rulebook's ``never-share-secrets`` rule warns the customer whenever one is found.

* PIN: "pin", "pin number/code" + 4-6 digits.
* OTP: "code", "otp", "one-time (pass)code", "verification/security/sms code", "passcode" +
  4-8 digits, spaces or a dash allowed ("551 093"). Codes that are not secrets ("promo
  code", "error code", "sort code", "post code", "reference") are skipped.
* CVV: "cvv", "cvc", "cv2", "csc", "security code", "3/4-digit code", "code on the back" +
  3-4 digits.
* CARD_EXPIRY: "exp", "expiry", "expires", "valid thru/until" + MM/YY, MM/YYYY, MMYY or a
  month name and year.
* PASSWORD: "password", "passcode", "pwd", "memorable word/information", "security answer"
  + "is"/":"/"=" + the next token, unless it is an ordinary word ("my password is wrong");
  without "is" or ":" the token must look like a password (digits or symbols among letters).

Values are read only up to 30 characters after the keyword and never across a sentence end;
a digit value must not run on into more digits (a card number after "pin" is not a PIN).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import registry
from bot.compliance.detectors.base import Detector, DetectorHit

FILLER = r"[^\d.!?\n]{0,30}?"
DIGITS_END = r"(?![ \-]?\d)(?!\w)"
NOT_A_SECRET_CODE = (
    r"(?<!promo )(?<!promotional )(?<!error )(?<!sort )(?<!post )(?<!postal )(?<!zip )"
    r"(?<!area )(?<!country )(?<!discount )(?<!voucher )(?<!reference )(?<!ref )(?<!swift )"
    r"(?<!bic )(?<!bank )(?<!branch )(?<!tracking )(?<!tax )(?<!qr )(?<!bar )"
)
MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
#: Words that follow "password is" without being a password.
ORDINARY = frozenset(
    "wrong incorrect invalid expired locked blocked working reset changed forgotten not correct "
    "same different too being still required needed case sensitive the a an my your it this that "
    "no yes ok okay fine there here what which when where how why lost stolen compromised "
    "weak strong long short saved stored hacked gone missing new old please is was and but or "
    "to for of on in".split()
)


@dataclass(frozen=True)
class SecretPattern:
    """A keyword-led pattern whose group 1 is the secret value."""

    entity_type: str
    name: str
    regex: re.Pattern[str]
    score: float


def _keyed(keywords: str, value: str) -> re.Pattern[str]:
    return re.compile(rf"(?i)\b(?:{keywords})\b{FILLER}({value})", re.IGNORECASE)


PATTERNS: tuple[SecretPattern, ...] = (
    SecretPattern("CVV", "cvv keyword", _keyed(
        r"cvv2?|cvc2?|cv2|csc|security code|(?:3|4|three|four)[ -]digit (?:security )?"
        r"(?:code|number)|code on the (?:back|front)|number on the back",
        rf"\d{{3,4}}{DIGITS_END}"), 0.9),
    SecretPattern("PIN", "pin keyword", _keyed(
        r"pin(?: ?number| ?code| no\.?)?|pins",
        rf"\d(?:[ \-]?\d){{3,5}}{DIGITS_END}"), 0.9),
    SecretPattern("OTP", "one-time code keyword", _keyed(
        rf"otp|one[- ]?time (?:pass)?(?:code|password|pin)|passcode|{NOT_A_SECRET_CODE}code"
        r"|codes|verification|2fa|authenti[cs]ation",
        rf"\d(?:[ \-]?\d){{3,7}}{DIGITS_END}"), 0.85),
    SecretPattern("CARD_EXPIRY", "expiry keyword", _keyed(
        r"exp|exp\.|expiry|expires|expired|expiring|expiration|exp date|valid (?:thru|through"
        r"|until|till|to)|good thru|end date",
        rf"(?:0?[1-9]|1[0-2]) ?[/\-.] ?(?:20)?\d\d(?!\d)|(?:0[1-9]|1[0-2])(?:20)?\d\d(?!\d)"
        rf"|{MONTHS},? (?:20)?\d\d(?!\d)"), 0.85),
)
PASSWORD = re.compile(
    r"(?i)\b(?:password|passwd|pwd|pw|passcode|passphrase|pass word|memorable (?:word|information"
    r"|info|answer|name|place|date)|security answer|secret answer|login)"
    r"((?:\s+(?:is|was|is now|was changed to|changed to|set to|should be|will be|it's|its"
    r"|i use|used to be)){1,2}\s*[:=]?|\s*[:=])?\s*"
    r"[\"'`]?([^\s\"'`]{3,40}?)[\"'`]?(?=[.,;?]*(?:\s|$))"
)
PASSWORD_SCORE = 0.85


@registry.detectors.register("pii.secret.v1")
class SecretDetector(Detector):
    name = "pii.secret.v1"
    entity_type = "SECRET"
    default_min_score = 0.5

    def analyze(self, text: str, nlp_artifacts: object = None) -> list[DetectorHit]:
        """Every keyword-led secret value (one hit per span, the first pattern wins)."""
        found: dict[tuple[int, int], DetectorHit] = {}
        for pattern in PATTERNS:
            if pattern.score < self.min_score:
                continue
            for match in pattern.regex.finditer(text):
                span = match.span(1)
                if not any(_overlap(span, other) for other in found):
                    found[span] = DetectorHit(pattern.entity_type, *span, pattern.score,
                                              self.name, pattern.name)
        for match in PASSWORD.finditer(text):
            span, value = match.span(2), match.group(2)
            if match.group(1) is None and not _password_like(value):
                continue  # "password retrieval": without "is" or ":", it must look like one
            if (PASSWORD_SCORE >= self.min_score and not _ordinary(value)
                    and not any(_overlap(span, other) for other in found)):
                found[span] = DetectorHit("PASSWORD", *span, PASSWORD_SCORE, self.name,
                                          "password keyword")
        return sorted(found.values(), key=lambda h: (h.start, h.end))


def _password_like(value: str) -> bool:
    """Digits or symbols among letters, or capitals inside ("Tulip-Garden77", "hunTer")."""
    return (any(c.isalpha() for c in value) and any(not c.isalpha() for c in value.rstrip(".,;?"))
            or any(c.isupper() for c in value[1:]))


def _ordinary(value: str) -> bool:
    """An English word that says something about the password, not the password itself."""
    word = value.strip(".,;:?!")
    return word.lower() in ORDINARY or (
        word.isalpha() and word.islower() and word.endswith(("ed", "ing")))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]
