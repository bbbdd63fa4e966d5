"""Four-eyes approval: proposals, reviews, retirement, staleness, placeholders and markup."""

from __future__ import annotations

import pytest

from bot.errors import CandorError
from bot.nlg.approved import build_table
from bot.nlg.baseline import Baseline, check_proposal, load_baselines
from bot.transcripts.audit_log import recent, verify_log
from bot.transcripts.db import Database
from bot.transcripts.response_store import propose, review, servable, versions
from tests.studio.conftest import KEYS

HANDOFF = Baseline("utter_handoff", ("Our team is here {bank_human_hours}; call {bank_phone}.",))


def _propose(db: Database, text: str = "A person will help you ({bank_human_hours}).",
             variant: str = "default", actor: str = "mia") -> int:
    return propose(db, KEYS, HANDOFF.name, variant, check_proposal(text, HANDOFF), HANDOFF.hash,
                   actor).id


def test_the_baseline_lists_domain_and_faq_responses_with_their_placeholders() -> None:
    baselines = load_baselines()
    assert "utter_handoff" in baselines and "utter_faq/card_activate" in baselines
    assert baselines["utter_handoff"].placeholders == {"bank_human_hours", "bank_phone"}


# fmt: off
@pytest.mark.parametrize(("text", "code"), [
    ("Call {bank_website} now", "E853"),           # a placeholder this response never uses
    ("Call <b>us</b>", "E852"),                     # HTML
    ("See [our site](https://x.example)", "E852"),  # Markdown link
    ("**Now** please", "E852"),                     # Markdown emphasis
    ("A stray { brace", "E852"),
    ("   ", "E851"),
    ("x" * 1001, "E851"),
])
# fmt: on
def test_unknown_placeholders_and_markup_are_refused_with_a_code(text: str, code: str) -> None:
    with pytest.raises(CandorError) as err:
        check_proposal(text, HANDOFF)
    assert err.value.code == code


def test_the_proposer_can_never_approve_their_own_proposal(db: Database) -> None:
    version_id = _propose(db, actor="mia")
    with pytest.raises(CandorError, match="^E857"):
        review(db, KEYS, version_id, "mia", "approved")
    assert versions(db)[0].status == "proposed"
    assert servable(db)["versions"] == []


def test_only_approved_versions_are_servable_and_every_step_is_audited(db: Database) -> None:
    approved, rejected, pending = _propose(db), _propose(db, "Someone will help."), _propose(
        db, "Hold on.", variant="short")
    review(db, KEYS, approved, "carl", "approved", "fine")
    with pytest.raises(CandorError, match="^E859"):
        review(db, KEYS, rejected, "carl", "rejected", " ")
    review(db, KEYS, rejected, "carl", "rejected", "too vague")
    served = servable(db)["versions"]
    assert [v["text"] for v in served] == ["A person will help you ({bank_human_hours})."]
    assert pending and all(v["variant"] != "short" for v in served)
    actions = [e.action for e in reversed(recent(db))]
    assert actions == ["response_proposed"] * 3 + ["response_approved", "response_rejected"]
    assert verify_log(db, KEYS).ok
    with pytest.raises(CandorError, match="^E858"):
        review(db, KEYS, rejected, "dora", "approved")


def test_retiring_the_live_version_restores_the_previous_one(db: Database) -> None:
    first, second = _propose(db, "First {bank_phone}."), _propose(db, "Second {bank_phone}.")
    review(db, KEYS, first, "carl", "approved")
    review(db, KEYS, second, "carl", "approved")
    table = build_table(servable(db), {HANDOFF.name: HANDOFF.hash})
    assert table.choose(HANDOFF.name, "s1").text == "Second {bank_phone}."
    review(db, KEYS, second, "mia", "retired")  # retiring needs no second person
    table = build_table(servable(db), {HANDOFF.name: HANDOFF.hash})
    choice = table.choose(HANDOFF.name, "s1")
    assert (choice.text, choice.version, choice.variant) == ("First {bank_phone}.", 1, "default")
    assert [v.status for v in versions(db)] == ["approved", "retired"]


def test_a_changed_baseline_makes_approved_versions_stale(db: Database) -> None:
    version_id = _propose(db)
    review(db, KEYS, version_id, "carl", "approved")
    changed = Baseline(HANDOFF.name, ("New legal wording {bank_phone}.",))
    choice = build_table(servable(db), {HANDOFF.name: changed.hash}).choose(HANDOFF.name, "s1")
    assert (choice.text, choice.version, choice.variant) == (None, 0, "baseline")
