import pytest

from bot.compliance.detectors.person import PersonDetector, introduced_names

# fmt: off
CASES = [
    ("Hi, I'm Peter Parker.",                         ["Peter Parker"]),
    ("Please ask Maria Gonzalez to call me",          ["Maria Gonzalez"]),
    # lower-case chat: caught through the introduction phrase
    ("hi my name is maria lopez and i lost my card",  ["maria lopez"]),
    ("name: jordan blake",                            ["jordan blake"]),
    ("this is Anna speaking",                         ["Anna"]),
    # product words, bank words and ordinary questions are not names
    ("what is an IRA",                                []),
    ("Is Zelle safe to use?",                         []),
    ("this is urgent",                                []),
    ("my name is not on the account",                 []),
    ("Can I talk to a human?",                        []),
    ("PO Box 1234",                                   []),
]
# fmt: on


@pytest.fixture(scope="module")
def detector() -> PersonDetector:
    return PersonDetector()


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_person_spans(text: str, expected: list[str], detector, assert_spans) -> None:
    assert_spans(detector, text, expected)


# fmt: off
INTRO_CASES = [
    ("my name is sam",                  ["sam"]),
    ("my name is sam o'neil-smith jr",  ["sam o'neil-smith jr"]),
    ("my name is\nsam",                 []),
    ("my name is the problem",          []),
    ("this is sam here",                ["sam"]),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), INTRO_CASES)
def test_introduced_names_is_pure(text: str, expected: list[str]) -> None:
    from spacy.lang.en.stop_words import STOP_WORDS

    spans = introduced_names(text, frozenset(STOP_WORDS))
    assert [text[s:e] for s, e in spans] == expected
