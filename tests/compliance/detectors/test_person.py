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
    # structure: a list beside a found name, a later mention, dialogue speakers
    ("The signatories are Quill, Dora Weiss and Tamsin.", ["Quill", "Dora Weiss", "Tamsin"]),
    ("I spoke to Dora Weiss today and Weiss said yes", ["Dora Weiss", "Weiss"]),
    ("Dora Weiss: where is it?\nPelleas: on its way", ["Dora Weiss", "Pelleas"]),
    # context words, a middle initial, surname endings, lone lower-case names
    ("please add my sister Brinlee to the account",  ["Brinlee"]),
    ("the payee is a man called Tobrin Halvek",       ["Tobrin Halvek"]),
    ("We met Orla T Brennick at the branch",          ["Orla T Brennick"]),
    ("the cheque is from Dragomirova",                ["Dragomirova"]),
    ("send the money to bertha today",                ["bertha"]),
    ("follow up with dora k weiss soon",              ["dora k weiss"]),
    ("What's your last name? Quillfeather",           ["Quillfeather"]),
    # product words, bank words and ordinary questions are not names
    ("what is an IRA",                                []),
    ("Is Zelle safe to use?",                         []),
    ("this is urgent",                                []),
    ("my name is not on the account",                 []),
    ("Can I talk to a human?",                        []),
    ("PO Box 1234",                                   []),
    ("I want to transfer 200 on the first",           []),
    ("my card arrived at the branch",                 []),
    ("Phone: 555\nAddress: the branch",               []),
    ("the app says pending and my sister is worried",  []),
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
