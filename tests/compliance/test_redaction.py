from typing import Any

import pytest

from bot.compliance.detectors import DetectorHit
from bot.compliance.operators import build_operator
from bot.compliance.redaction import (
    Redacted,
    Redaction,
    apply_redactions,
    merge_hits,
    redact,
    redact_value,
)
from bot.errors import CandorError


def test_documented_example() -> None:
    text = "my card is 4111 1111 1111 1111, I'm John Smith"
    r = redact(text)
    assert isinstance(r, Redacted)
    assert r.text == "my card is <CARD_NUMBER>, I'm <PERSON>"
    assert r.redactions == (
        Redaction(11, 30, "CARD_NUMBER", "redact.replace.v1"),
        Redaction(36, 46, "PERSON", "redact.replace.v1"),
    )
    assert [text[x.start : x.end] for x in r.redactions] == ["4111 1111 1111 1111", "John Smith"]


# fmt: off
KEPT = [
    "what is an IRA",
    "my card was declined",
    "transfer 200 dollars to my savings",
    "is a SEPA transfer free?",
    "my card ending 1234 was stolen",
    "what are your savings rates?",
    "I was charged $35.00 twice on 03/04/2025",
    "Can I talk to a human?",
    "What's the fee for a wire transfer?",
    "how do I find my routing number?",
]
REDACTED = [
    ("call me on (212) 555-0199 or mail ann.lee@example.com",
     "call me on <PHONE_NUMBER> or mail <EMAIL_ADDRESS>"),
    ("hi my name is maria lopez, ssn 219-09-9999",
     "hi my name is <PERSON>, ssn <US_SSN>"),
    ("routing 021000021 account 12345678",
     "routing <ROUTING_NUMBER> account <BANK_ACCOUNT>"),
    ("iban gb82 west 1234 5698 7654 32 and PO Box 1234",
     "iban <IBAN> and <STREET_ADDRESS>"),
]
# fmt: on


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_banking_questions_are_untouched(text: str) -> None:
    r = redact(text)
    assert r.text == text
    assert r.redactions == ()


@pytest.mark.parametrize(("text", "expected"), REDACTED)
def test_each_kind_is_redacted(text: str, expected: str) -> None:
    assert redact(text).text == expected


def test_mask_operator() -> None:
    r = redact("card 4111 1111 1111 1111", operator="redact.mask.v1", params={"keep_last": 4})
    assert r.text == "card ***************1111"
    assert r.redactions[0].operator == "redact.mask.v1"


def test_unknown_operator_lists_names() -> None:
    with pytest.raises(CandorError, match=r"^E101.*redact\.mask\.v1.*redact\.replace\.v1"):
        redact("x", operator="redact.nope.v1")


def _hit(start: int, end: int, entity: str, score: float, detector: str = "d.v1") -> DetectorHit:
    return DetectorHit(entity, start, end, score, detector, "p")


def test_merge_takes_union_typed_by_best_hit() -> None:
    hits = [_hit(0, 10, "PHONE_NUMBER", 0.4), _hit(2, 14, "CARD_NUMBER", 1.0), _hit(20, 25, "X", 0.5)]
    assert merge_hits(hits) == [(0, 14, "CARD_NUMBER"), (20, 25, "X")]


def test_merge_is_typed_by_the_widest_hit_then_score() -> None:
    # a street named after a person, inside an address block: the block names the union
    hits = [_hit(5, 15, "PERSON", 0.85), _hit(0, 40, "STREET_ADDRESS", 0.7)]
    assert merge_hits(hits) == [(0, 40, "STREET_ADDRESS")]
    hits = [_hit(0, 10, "PERSON", 0.85), _hit(0, 10, "STREET_ADDRESS", 0.7)]
    assert merge_hits(hits) == [(0, 10, "PERSON")]
    # a checksum-validated hit keeps its type inside a wider, vaguer one
    hits = [_hit(3, 25, "IBAN", 1.0), _hit(0, 32, "STREET_ADDRESS", 0.7)]
    assert merge_hits(hits) == [(0, 32, "IBAN")]


def test_apply_keeps_original_offsets() -> None:
    out = apply_redactions("ab CDEF gh IJ", [(3, 7, "A"), (11, 13, "B")], build_operator("redact.replace.v1"))
    assert out.text == "ab <A> gh <B>"
    assert [(r.start, r.end) for r in out.redactions] == [(3, 7), (11, 13)]


def test_redact_value_recurses_and_keeps_shape() -> None:
    value = {"email": "x.y@example.org", "items": ["fine", ("ssn 219-09-9999", 3)], "n": 1, "f": None}
    assert redact_value(value) == {
        "email": "<EMAIL_ADDRESS>",
        "items": ["fine", ("ssn <US_SSN>", 3)],
        "n": 1,
        "f": None,
    }


def test_empty_and_letterless_text() -> None:
    assert redact("") == Redacted("", ())
    assert redact("4111111111111111").text == "<CARD_NUMBER>"




def test_pattern_redaction_of_a_repeated_text_runs_the_detectors_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.compliance.redaction import pattern_detectors, redact_patterns

    detector = pattern_detectors()[0]
    calls: list[str] = []
    real = detector.analyze

    def counting(text: str, artifacts: Any = None) -> Any:
        calls.append(text)
        return real(text, artifacts)

    monkeypatch.setattr(detector, "analyze", counting)
    redact_patterns.cache_clear()
    text = "Call us on +44 20 7946 0018 about card 4111 1111 1111 1111."
    first = [redact_patterns(text) for _ in range(3)]
    assert len(calls) == 1
    assert first[0] == first[2] and "4111" not in first[0] and "7946" not in first[0]
