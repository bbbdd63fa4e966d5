"""Studio pages through the console app: roles, four-eyes, errors that keep the input, charts."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from bot.transcripts.audit_log import recent
from bot.transcripts.response_store import versions
from bot.web.studio import analytics
from bot.web.studio_data import Period
from tests.web.console_app import Console, console_db, make_client, page_csrf, sign_in
from tests.web.console_seed import seed

PAGE = "/studio/responses/utter_handoff"


def _console(tmp_path: Path) -> Console:
    return console_db(tmp_path, {"mia": ("marketing",), "carl": ("compliance",),
                                 "both": ("marketing", "compliance")})


def _propose(client: object, text: str, variant: str = "default") -> object:
    token = page_csrf(client, PAGE)  # type: ignore[arg-type]
    return client.post(PAGE + "/propose", data={  # type: ignore[attr-defined]
        "csrf": token, "variant": variant, "text": text})


def test_a_refused_proposal_says_why_and_keeps_the_text(tmp_path: Path) -> None:
    console = _console(tmp_path)
    with make_client(console) as client:
        assert sign_in(client, "mia") == 303
        response = _propose(client, "Call {bank_website} <b>now</b>")
        assert response.status_code == 400
        assert "E852" in response.text and "Call {bank_website} &lt;b&gt;now&lt;/b&gt;" in \
            response.text
    assert versions(console.db) == []


def test_marketing_proposes_compliance_approves_and_the_page_shows_it(tmp_path: Path) -> None:
    console = _console(tmp_path)
    with make_client(console) as mia, make_client(console) as carl:
        assert sign_in(mia, "mia") == 303 and sign_in(carl, "carl") == 303
        assert _propose(mia, "A colleague will help you, {bank_human_hours}.").status_code == 303
        version_id = versions(console.db)[0].id
        token = page_csrf(mia, PAGE)
        refused = mia.post(f"/studio/versions/{version_id}/review",
                           data={"csrf": token, "decision": "approve"})
        assert refused.status_code == 403  # marketing may not review at all
        token = page_csrf(carl, PAGE)
        assert carl.post(f"/studio/versions/{version_id}/review",
                         data={"csrf": token, "decision": "approve", "comment": "ok"}
                         ).status_code == 303
        page = carl.get(PAGE).text
        assert "Live: variant default, version 1." in page
        assert "A colleague will help you" in page
    assert [e.action for e in recent(console.db)][:2] == ["response_approved",
                                                           "response_proposed"]


def test_holding_both_roles_does_not_allow_approving_ones_own(tmp_path: Path) -> None:
    console = _console(tmp_path)
    with make_client(console) as both:
        assert sign_in(both, "both") == 303
        _propose(both, "Our team will call you back.")
        version_id = versions(console.db)[0].id
        assert "Waiting for a second person" in both.get(PAGE).text
        response = both.post(f"/studio/versions/{version_id}/review",
                             data={"csrf": page_csrf(both, PAGE), "decision": "approve"})
        assert response.status_code == 400 and "E857" in response.text
    assert versions(console.db)[0].status == "proposed"


def test_analytics_charts_link_every_bar_to_the_filtered_list(tmp_path: Path) -> None:
    console = _console(tmp_path)
    seed(console.db, extra_faqs=3)
    with make_client(console) as client:
        assert sign_in(client, "mia") == 303
        page = client.get("/studio?from=2026-09-01&to=2026-09-30").text
    assert 'data-conversations="9"' in page
    assert "<script" not in page.split("<main", 1)[1].replace("&lt;script", "")
    links = re.findall(r'<a href="([^"]+)" tabindex="-1">', page)
    assert "/conversations?from=2026-09-01&amp;to=2026-09-30&amp;topic=card_pin" in links
    assert all(link.startswith("/conversations?") for link in links)
    assert "<svg" in page and "<table" in page


def test_funnel_steps_and_form_bars_open_the_very_conversations_they_count(
        tmp_path: Path) -> None:
    console = _console(tmp_path)
    seed(console.db, extra_faqs=2)
    period = Period(datetime(2026, 9, 1, tzinfo=timezone.utc),
                    datetime(2026, 10, 1, tzinfo=timezone.utc))
    steps = dict(analytics(console.db, period)["funnel"])
    assert steps["contained"] < steps["answered"]  # the steps differ: a wrong one would show
    with make_client(console) as client:
        assert sign_in(client, "both") == 303
        page = client.get("/studio?from=2026-09-01&to=2026-09-30").text
        links = set(re.findall(r'<a href="([^"]+)" tabindex="-1">', page))
        counted: dict[str, int] = {}
        for link in links:
            match = re.search(r"step=(\w+)|form=(\w+)", link)
            if match:
                listed = client.get(link.replace("&amp;", "&")).text
                counted[match.group(1) or match.group(2)] = int(
                    re.search(r'class="count" role="status">(\d+) conversation', listed)[1])
        assert client.get("/conversations?step=bogus").status_code == 200
        assert "funnel step: choose one of" in client.get("/conversations?step=bogus").text
    assert {k: counted[k] for k in steps} == steps
    assert counted["dispute_form"] == 1  # the seeded dispute
