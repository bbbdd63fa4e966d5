"""The rulebook loads only when every rule in it is valid; errors name file, line, rule, field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.compliance.rulebook import REQUIRED_RULE_IDS, RulebookError, load_rulebook, parse_rulebook
from bot.errors import CandorError
from bot.paths import PROJECT_ROOT

BROKEN = Path(__file__).parent.parent / "data" / "compliance"


def test_the_project_rulebook_is_valid_and_complete() -> None:
    book = load_rulebook(PROJECT_ROOT / "compliance.yml")
    assert [r.id for r in book.rules if r.id in REQUIRED_RULE_IDS]
    assert set(REQUIRED_RULE_IDS) <= {r.id for r in book.rules}
    assert all(rule.regulation for rule in book.rules)
    assert len(book.digest) == 64


# fmt: off
@pytest.mark.parametrize(("name", "message"), [
    ("bad_yaml.yml", r"E201 .*bad_yaml\.yml:\d+: the rulebook cannot be read"),
    ("unknown_key.yml", r"unknown_key\.yml:50: rules\[4\] \(no-personal-advice\)\.tittle: extra fields not permitted"),
    ("unknown_detector.yml", r"rules\[3\] \(complaint\)\.trigger\.detectors\[0\]: unknown detector 'signal\.complaints\.v1'; available: .*signal\.complaint\.v1"),
    ("unknown_nlu_unless.yml", r"rules\[5\] \(account-data-requires-auth\)\.trigger\.nlu_unless\[0\]: unknown detector 'signal\.general_questions\.v1'; available: .*signal\.general_question\.v1"),
    ("duplicate_id.yml", r"rules: duplicate rule id\(s\): complaint"),
    ("missing_regulation.yml", r"rules\[5\] \(account-data-requires-auth\)\.regulation: field required"),
    ("missing_required_rule.yml", r"required rule id\(s\) missing: data-rights-request, rate-disclaimer"),
    ("bad_severity.yml", r"bad_severity\.yml:93: rules\[9\] \(rate-disclaimer\)\.severity: unexpected value"),
])
# fmt: on
def test_a_broken_rulebook_is_refused_with_a_precise_error(name: str, message: str) -> None:
    path = BROKEN / name
    with pytest.raises(RulebookError, match=message):
        parse_rulebook(path.read_text(), path)


def test_line_numbers_point_at_the_field() -> None:
    path = BROKEN / "unknown_detector.yml"
    with pytest.raises(RulebookError) as info:
        parse_rulebook(path.read_text(), path)
    line = int(str(info.value).split("unknown_detector.yml:")[1].split(":")[0])
    assert "signal.complaints.v1" in path.read_text().splitlines()[line - 1]


def test_every_problem_is_reported_at_once() -> None:
    text = (BROKEN / "missing_regulation.yml").read_text().replace("severity: critical", "severity: x", 1)
    with pytest.raises(RulebookError, match=r"E202 The rulebook has 2 problem\(s\)"):
        parse_rulebook(text, Path("compliance.yml"))


def test_a_missing_file_is_an_error() -> None:
    with pytest.raises(RulebookError, match="E201"):
        load_rulebook(Path("/nonexistent/compliance.yml"))


def test_an_unknown_rule_id_is_a_coded_error() -> None:
    book = load_rulebook()
    with pytest.raises(CandorError, match="E205 .*'no-such-rule'.*complaint"):
        book.rule("no-such-rule")


def test_a_model_condition_needs_a_score_strictly_between_0_and_1() -> None:
    path = PROJECT_ROOT / "compliance.yml"
    text = re.sub(r"(model: \{intents: \[complain\], min_score: )[0-9.]+", r"\g<1>1.0",
                  path.read_text(), count=1)
    with pytest.raises(RulebookError,
                       match=r"compliance\.yml:\d+: rules\[\d+\] \(complaint\)\.trigger\.model\.min_score"):
        parse_rulebook(text, path)


def test_the_product_rules_name_the_classifier_and_its_training_intents() -> None:
    book = load_rulebook()
    complaint = book.rule("complaint").trigger
    assert complaint.model is not None and complaint.model.intents == ["complain"]
    assert 0.0 < complaint.model.min_score < 1.0 and not complaint.intents
    dispute = book.rule("dispute-intake").trigger.model
    assert dispute is not None and "faq/dispute_*" in dispute.retrieval_intents
