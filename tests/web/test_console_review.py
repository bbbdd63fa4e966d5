"""Review, legal holds and exports through the console app (TestClient, real SQLite)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.transcripts.archive import check_files
from bot.transcripts.audit_log import recent
from bot.transcripts.retention import purge
from tests.web.console_app import SECURITY, Console, console_db, make_client, page_csrf, sign_in
from tests.web.console_seed import seed

DAY = "2026-09-21"


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Console:
    return console_db(tmp_path_factory.mktemp("review"))


@pytest.fixture(scope="module")
def ids(console: Console) -> dict[str, str]:
    return seed(console.db, extra_faqs=4).ids


def client_for(console: Console, user: str) -> TestClient:
    client = make_client(console)
    assert sign_in(client, user) == 303
    return client


@pytest.fixture
def comp(console: Console, ids: dict[str, str]) -> Iterator[TestClient]:
    with client_for(console, "comp") as client:
        yield client


def post(client: TestClient, path: str, **data: str) -> object:
    return client.post(path, data={"csrf": page_csrf(client), **data})


def complaint_item(client: TestClient) -> int:
    post(client, "/review/fill", day=DAY)
    page = client.get("/review/queues/complaints").text
    match = re.search(r'href="/review/items/(\d+)"', page)
    assert match, page
    return int(match.group(1))


def test_compliance_escalates_and_a_second_reviewer_closes(console: Console,
                                                           comp: TestClient) -> None:
    item = complaint_item(comp)
    assert "Complaints" in comp.get("/review").text
    page = comp.get(f"/review/items/{item}").text
    assert "acknowledge (2 business days)" in page and "overdue" in page
    assert post(comp, f"/review/items/{item}/claim").status_code == 303  # type: ignore[attr-defined]
    response = post(comp, f"/review/items/{item}/reviews", outcome="escalate",
                    reason="Fee charged twice", note="<b>check</b>")
    assert response.status_code == 303  # type: ignore[attr-defined]
    page = comp.get(f"/review/items/{item}").text
    assert "You escalated this item" in page and "&lt;b&gt;check&lt;/b&gt;" in page
    refused = post(comp, f"/review/items/{item}/claim")
    assert refused.status_code == 409 and "E724" in refused.text  # type: ignore[attr-defined]
    with client_for(console, "both") as second:
        assert post(second, f"/review/items/{item}/claim").status_code == 303  # type: ignore[attr-defined]
        assert post(second, f"/review/items/{item}/reviews", outcome="breach",
                    reason="Duplicate fee").status_code == 303  # type: ignore[attr-defined]
    page = comp.get(f"/review/items/{item}").text
    assert "status <strong>closed</strong>" in page
    assert page.index("escalate</strong> by comp") < page.index("breach</strong> by both")
    actions = [e.action for e in recent(console.db, 20)]
    assert actions.count("review_recorded") == 2


def test_marketing_sees_aggregate_outcomes_only(console: Console, ids: dict[str, str]) -> None:
    with client_for(console, "mark") as mark:
        assert mark.get("/review").status_code == 403
        assert mark.get("/review/queues/complaints").status_code == 403
        page = mark.get("/review/outcomes")
        assert page.status_code == 200 and "Review outcomes" in page.text
        assert ids["complaint"] not in page.text


def test_a_hold_placed_in_the_console_keeps_a_conversation_from_the_purge(
        tmp_path: Path) -> None:
    console = console_db(tmp_path)  # its own: the purge empties it
    ids = seed(console.db).ids
    with client_for(console, "comp") as comp:
        hold_and_purge(console, comp, ids)


def hold_and_purge(console: Console, comp: TestClient, ids: dict[str, str]) -> None:
    response = post(comp, "/holds", kind="conversation", target=ids["faq"],
                    reason="Litigation <L-17>")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert "Litigation &lt;L-17&gt;" in comp.get("/holds").text
    assert post(comp, "/holds", kind="conversation", target="nope",
                reason="x").status_code == 400  # type: ignore[attr-defined]
    removal = purge(1, "ops", console.db, now=datetime.now(timezone.utc) + timedelta(days=1),
                    keys=SECURITY.audit)
    assert [s.conversation_id for s in removal.skipped] == [ids["faq"]]
    assert removal.conversations == len(ids) - 1
    assert comp.get(f"/conversations/{ids['faq']}").status_code == 200
    hold_id = re.search(r"Lift hold (\d+)", comp.get("/holds").text)
    assert hold_id
    lifted = post(comp, f"/holds/{hold_id.group(1)}/lift", reason="Case closed")
    assert lifted.status_code == 303  # type: ignore[attr-defined]
    assert "Case closed" in comp.get("/holds").text


def test_an_export_downloads_and_its_manifest_checks(console: Console, comp: TestClient,
                                                     ids: dict[str, str], tmp_path: Path) -> None:
    response = comp.post("/exports", data={"csrf": page_csrf(comp, "/exports"),
                                           "ids": f"{ids['complaint']}, {ids['dispute']}"})
    assert response.status_code == 200, response.text[-600:]
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    digest, problems = check_files(files)
    assert problems == [] and digest == response.headers["x-manifest-sha256"]
    assert files["transcripts.csv"].decode().count("\n") == 3  # header + 2 conversations
    empty = comp.post("/exports", data={"csrf": page_csrf(comp, "/exports")})
    assert empty.status_code == 400 and "E728" in empty.text
