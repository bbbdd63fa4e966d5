from bot.bench.pii_scoring import Scores, Span, count_leaks, gold_spans, score_sample


def _raw(label: str, start: int, end: int) -> dict:
    return {"entity_type": label, "start_position": start, "end_position": end, "entity_value": ""}


def test_overlap_matching_mapping_and_tolerance() -> None:
    text = "Ann Lee, 12 Elm Street, Springfield 4111111111111111"
    gold, other = gold_spans([
        _raw("PERSON", 0, 7), _raw("STREET_ADDRESS", 9, 22), _raw("GPE", 24, 35),
        _raw("CREDIT_CARD", 36, 52),
    ])
    assert [g.entity_type for g in gold] == ["PERSON", "STREET_ADDRESS", "CARD_NUMBER"]
    predicted = [
        Span(0, 3, "PERSON"),            # partial overlap: correct, not exact
        Span(9, 22, "STREET_ADDRESS"),   # exact
        Span(24, 35, "STREET_ADDRESS"),  # only a city: tolerated, not counted
        Span(36, 52, "BANK_ACCOUNT"),    # wrong type: a false positive, card missed
    ]
    scores = Scores()
    score_sample(text, gold, other, predicted, scores)
    person, address = scores.per_type["PERSON"], scores.per_type["STREET_ADDRESS"]
    assert (person.predicted, person.correct, person.found, person.exact) == (1, 1, 1, 0)
    assert (address.predicted, address.correct, address.exact, address.tolerated) == (1, 1, 1, 1)
    assert scores.per_type["CARD_NUMBER"].as_dict()["recall"] == 0.0
    assert scores.per_type["BANK_ACCOUNT"].as_dict()["precision"] == 0.0
    pooled = scores.pooled().as_dict()
    assert (pooled["gold"], pooled["predicted"], pooled["correct"]) == (3, 3, 2)


def _leaked(text: str, value: str, redacted: str, entity: str = "PERSON") -> bool:
    start = text.index(value)
    scores = Scores()
    leaked = count_leaks(text, redacted, [Span(start, start + len(value), entity)], scores)
    assert scores.per_type[entity].leaked == len(leaked)
    return bool(leaked)


def test_a_value_leaks_whole_or_in_part() -> None:
    text = "I live at 12 Elm Street, Springfield. Card 4111 1111 1111 1111."
    address, card = "12 Elm Street, Springfield", "4111 1111 1111 1111"
    assert not _leaked(text, address, "I live at <STREET_ADDRESS>. Card <CARD_NUMBER>.")
    assert _leaked(text, address, "I live at 12 Elm <STREET_ADDRESS>, Springfield.")  # "Elm"
    # a 4-digit run of a number, even regrouped, is a leak; "12" alone (2 digits) is not
    assert _leaked(text, card, "Card <CARD_NUMBER> 1111.", "CARD_NUMBER")
    assert _leaked(text, card, "Card 41 11 <CARD_NUMBER>.", "CARD_NUMBER")
    assert not _leaked(text, address, "I live at 12 <STREET_ADDRESS>.")


def test_words_that_were_there_anyway_are_not_leaks() -> None:
    text = "Street parking near 4 Main Street"
    assert not _leaked(text, "4 Main Street", "Street parking near <STREET_ADDRESS>")
    assert _leaked(text, "4 Main Street", "Street parking near 4 Main <STREET_ADDRESS>")
