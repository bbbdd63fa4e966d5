"""The conversation list and the transcript page: roles, rule trace, escaping, auditing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.transcripts import models as m
from bot.transcripts.audit_chain import subject_hash
from bot.web.listing import Segment, parse_filter, segments
from tests.web.console_app import SECURITY, Console, console_db, make_client, sign_in
from tests.web.console_seed import seed


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Console:
    return console_db(tmp_path_factory.mktemp("conversations"))


@pytest.fixture(scope="module")
def ids(console: Console) -> dict[str, str]:
    return seed(console.db, extra_faqs=55).ids


@pytest.fixture
def compliance(console: Console, ids: dict[str, str]) -> Iterator[TestClient]:
    with make_client(console) as client:
        assert sign_in(client, "comp") == 303
        yield client


@pytest.fixture
def marketing(console: Console, ids: dict[str, str]) -> Iterator[TestClient]:
    with make_client(console) as client:
        assert sign_in(client, "mark") == 303
        yield client


def audit_actions(console: Console, action: str) -> list[m.AuditEntry]:
    with console.db.begin() as s:
        return list(s.execute(select(m.AuditEntry).where(m.AuditEntry.action == action)
                              .order_by(m.AuditEntry.seq)).scalars())


def test_the_list_filters_to_complaints(compliance: TestClient, ids: dict[str, str]) -> None:
    page = compliance.get("/conversations?complaint=1")
    assert page.status_code == 200
    assert ids["complaint"][:12] in page.text and ids["faq"][:12] not in page.text
    assert "1 conversation matches" in page.text


def test_the_list_pages_by_keyset(compliance: TestClient) -> None:
    first = compliance.get("/conversations")
    assert "61 conversations" in first.text
    older = re.search(r'href="/conversations\?(after=[^"]+)" rel="next"', first.text)
    assert older
    second = compliance.get(f"/conversations?{older.group(1).replace('&amp;', '&')}")
    assert second.status_code == 200 and 'rel="next"' not in second.text
    assert len(re.findall(r"<tr>", second.text)) == 1 + 11


def test_bad_filter_values_are_ignored_and_said(compliance: TestClient) -> None:
    page = compliance.get("/conversations?rating=9&from=yesterday&outcome=won")
    assert page.status_code == 200 and page.text.count("Ignored") == 3


def test_compliance_sees_the_rule_trace_with_its_regulation(compliance: TestClient,
                                                            ids: dict[str, str]) -> None:
    page = compliance.get(f"/conversations/{ids['complaint']}")
    assert page.status_code == 200
    assert "FCA DISP 1.3-1.6" in page.text and "<strong>complaint</strong>" in page.text
    assert "signal.complaint.v1" in page.text  # the detector type, never a value
    assert "utter_complaint_ack" in page.text and "AI label shown" in page.text
    assert "Complaint: fees" in page.text


def test_redaction_tags_show_as_tags_and_markup_as_text(compliance: TestClient,
                                                        ids: dict[str, str]) -> None:
    page = compliance.get(f"/conversations/{ids['vulnerable']}").text
    assert '<span class="redaction" title="redacted EMAIL_ADDRESS">EMAIL_ADDRESS</span>' in page
    assert "ada.byron" not in page
    script = compliance.get(f"/conversations/{ids['script']}").text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in script
    assert "<script>" not in script


def test_opening_a_transcript_is_audited_with_a_keyed_customer_hash(
        compliance: TestClient, console: Console, ids: dict[str, str]) -> None:
    compliance.get(f"/conversations/{ids['handoff']}")
    entry = audit_actions(console, "transcript_opened")[-1]
    assert entry.actor == "comp" and entry.details == {"conversation_id": ids["handoff"]}
    assert entry.subject == subject_hash(SECURITY.audit.current, "web-handoff")


def test_marketing_never_opens_a_vulnerable_customers_transcript(
        marketing: TestClient, console: Console, ids: dict[str, str]) -> None:
    listing = marketing.get("/conversations?vulnerable=1").text
    assert f'href="/conversations/{ids["vulnerable"]}"' not in listing
    assert "(restricted)" in listing
    refused = marketing.get(f"/conversations/{ids['vulnerable']}")
    assert refused.status_code == 403 and "I lost my job" not in refused.text
    assert audit_actions(console, "transcript_refused")[-1].actor == "mark"
    assert marketing.get(f"/conversations/{ids['faq']}").status_code == 200


def test_an_unknown_conversation_is_a_404(compliance: TestClient) -> None:
    assert compliance.get("/conversations/does-not-exist").status_code == 404


# fmt: off
SEGMENTS = [
    ("plain", [Segment("plain")]),
    ("mail <EMAIL_ADDRESS> now", [Segment("mail "), Segment("EMAIL_ADDRESS", True),
                                  Segment(" now")]),
    ("<script>", [Segment("<script>")]),
    ("<CREDIT_CARD><PHONE_NUMBER>", [Segment("CREDIT_CARD", True),
                                     Segment("PHONE_NUMBER", True)]),
    (None, []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), SEGMENTS)
def test_segments(text: str | None, expected: list[Segment]) -> None:
    assert segments(text) == expected


def test_count_labels() -> None:
    from bot.web.listing import count_label

    assert count_label(10_000, True, True) == "10,000+ conversations match"
    assert count_label(1, False, True) == "1 conversation matches"
    assert count_label(61, False, False) == "61 conversations"


def test_parse_filter() -> None:
    flt, errors = parse_filter({"from": "2026-11-01", "to": "2026-11-02", "complaint": "1",
                                "rating": "4", "band": "low", "text": " fee ", "vulnerable": ""})
    assert errors == []
    assert flt.since is not None and flt.until is not None
    assert (flt.until - flt.since).days == 2  # "to" includes its day
    assert (flt.complaint, flt.vulnerable, flt.rating, flt.csat_band, flt.text) == \
        (True, False, 4, "low", "fee")
