import pytest

from bot.compliance.detectors.street_address import AddressPattern, StreetAddressDetector
from bot.errors import CandorError

# fmt: off
CASES = [
    # the town, region, postcode and country after a street are part of the address
    ("I live at 42 Wallaby Way, Sydney",            ["42 Wallaby Way, Sydney"]),
    ("send it to 12 Kishiev Squares\n Suite 321\n LONDON\n United Kingdom 75419? thanks",
     ["12 Kishiev Squares\n Suite 321\n LONDON\n United Kingdom 75419"]),
    ("it's 12 elm street\nlady frere\n, ec\n 76634. it serves food",
     ["12 elm street\nlady frere\n, ec\n 76634"]),
    ("I live at 4 Oak Road, I moved in May",         ["4 Oak Road"]),
    ("Meet me at PSC 1437, Box 3833\nAPO AA 66791", ["PSC 1437, Box 3833\nAPO AA 66791"]),
    ("The address is USNS Møller\nFPO AA 85844",     ["USNS Møller\nFPO AA 85844"]),
    ("send it to 1600 Pennsylvania Avenue NW, Washington, DC 20500",
     ["1600 Pennsylvania Avenue NW, Washington, DC 20500"]),
    ("new home: 221b baker street apt 2",           ["221b baker street apt 2"]),
    ("PO Box 1234",                                 ["PO Box 1234"]),
    ("my address is Puruntie 82, Lappeenranta",     ["Puruntie 82, Lappeenranta"]),
    # number + street name + house number, and a Romance street word after the number
    ("post it to 4410 Kastanjelaan 12 please",     ["4410 Kastanjelaan 12"]),
    ("my flat: 812 Via dei Mille 7",                ["812 Via dei Mille 7"]),
    ("we moved to 14 rue des Lilas, Avignon",       ["14 rue des Lilas, Avignon"]),
    # any street format between a number and a unit, then the town on the same line
    ("88 r das flores 2 suite 9 coimbra portugal",  ["88 r das flores 2 suite 9 coimbra portugal"]),
    ("Ship to 31 Ostrava Dlouha 5 Apt. 7 Brno CZ. Thanks", ["31 Ostrava Dlouha 5 Apt. 7 Brno CZ"]),
    # a letterhead: quote marks, a blank line and a region code do not end the block
    ("> 2048 Kastanjelaan 12\n> Apt. 3\n> Zwolle\n> Netherlands 8011",
     ["2048 Kastanjelaan 12\n> Apt. 3\n> Zwolle\n> Netherlands 8011"]),
    ("Suite 40\n\n Toronto\n, ON\n K1A 0B1",         ["Suite 40\n\n Toronto\n, ON\n K1A 0B1"]),
    # ... but a phone line does
    ("12 Elm Street\nSpringfield\n555 201 7788 mobile", ["12 Elm Street\nSpringfield"]),
    ("meet me on the corner of Elm Street and Oak Road.", ["the corner of Elm Street and Oak Road"]),
    # ordinary sentences with numbers and street-ish words
    ("I want to transfer 200 on the first",         []),
    ("my card arrived at the branch",               []),
    ("I sent 20 Euros 3 times last week",           []),
    ("she is my #1 contact, ranked #15 overall",    []),
    ("I paid 40 To 2 people",                       []),
    ("I paid 200 on the road",                      []),
    ("is there 1 easy way to pay",                  []),
    ("my address is wrong on the statement",        []),
    ("what's the fee for 3 wire transfers?",        []),
    ("please update my address",                    []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_street_address_spans(text: str, expected: list[str], assert_spans) -> None:
    assert_spans(StreetAddressDetector(), text, expected)


def test_bad_pattern_is_rejected_with_code() -> None:
    with pytest.raises(CandorError, match="^E104"):
        StreetAddressDetector(patterns=(AddressPattern("broken", "([", 0.5),))
    with pytest.raises(CandorError, match="^E104"):
        StreetAddressDetector(patterns=(AddressPattern("bad score", "x", 1.5),))


def test_min_score_is_range_checked() -> None:
    with pytest.raises(CandorError, match="^E104"):
        StreetAddressDetector(min_score=2.0)
