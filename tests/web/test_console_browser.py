"""The console in Debian's chromium (Playwright), with axe-core and the keyboard only.

The reviewer's path, refusals, escaping, CSRF, a tampered audit log, accessibility.

The transcript database is filled through the real transcript writer with Rasa-shaped events
(tests/web/console_seed.py); the console runs for real (uvicorn) on a free port.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from bot.transcripts import models as m
from tests.web.conftest import PageWatch
from tests.web.console_app import console_db
from tests.web.console_browser import (
    LiveConsole,
    axe_violations,
    log_in_with_keyboard,
    serve,
    shot,
)
from tests.web.console_seed import seed

pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveConsole]:
    console = console_db(tmp_path_factory.mktemp("console-browser"))
    ids = seed(console.db, extra_faqs=12).ids
    yield from serve(console, ids)


def test_compliance_filters_to_complaints_and_reads_the_rule_trace(
        page: Any, live: LiveConsole, artifacts: Path, watch: PageWatch) -> None:
    log_in_with_keyboard(page, live.url, "comp")
    page.get_by_role("link", name="Conversations").first.click()
    shot(page, artifacts, "console-list.png")
    page.get_by_label("complaint", exact=True).check()
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_role("status").inner_text().startswith("1 conversation matches")
    page.get_by_role("link", name=live.ids["complaint"][:12]).click()
    trace = page.locator("dl.trace").filter(has_text="FCA DISP").first
    assert "FCA DISP 1.3-1.6" in trace.inner_text()
    assert "signal.complaint.v1" in trace.inner_text()
    shot(page, artifacts, "console-transcript.png")
    assert watch.errors == []


def test_marketing_is_refused_a_vulnerable_customers_transcript(
        page: Any, live: LiveConsole) -> None:
    log_in_with_keyboard(page, live.url, "mark")
    response = page.goto(f"{live.url}/conversations/{live.ids['vulnerable']}")
    assert response.status == 403
    assert "Only compliance can open it" in page.inner_text("main")
    assert "lost my job" not in page.content()


def test_markup_in_a_transcript_renders_as_text(page: Any, live: LiveConsole,
                                                watch: PageWatch) -> None:
    log_in_with_keyboard(page, live.url, "comp")
    page.goto(f"{live.url}/conversations/{live.ids['script']}")
    assert page.get_by_text("<script>alert('x')</script> is my card live?").count() == 1
    assert page.locator("main script").count() == 0
    assert watch.dialogs == [] and watch.errors == []


def test_a_post_without_the_csrf_token_is_refused(page: Any, live: LiveConsole) -> None:
    log_in_with_keyboard(page, live.url, "adm")
    status = page.evaluate("() => fetch('/users/mark/disable', {method: 'POST'})"
                           ".then(r => r.status)")
    assert status == 403
    page.goto(f"{live.url}/users")
    assert "disabled" not in page.locator("tr", has_text="mark").inner_text()


def test_a_tampered_audit_row_is_reported(page: Any, live: LiveConsole) -> None:
    log_in_with_keyboard(page, live.url, "comp")
    page.goto(f"{live.url}/audit")
    assert page.locator("[data-chain=ok]").count() == 1
    with live.console.db.begin() as s:
        s.execute(update(m.AuditEntry).where(m.AuditEntry.seq == 2).values(actor="nobody"))
    try:
        page.reload()
        alert = page.get_by_role("alert")
        assert "Broken at entry 2" in alert.inner_text() and "altered" in alert.inner_text()
    finally:  # put it back for the other tests of the module
        with live.console.db.begin() as s:
            s.execute(update(m.AuditEntry).where(m.AuditEntry.seq == 2).values(actor="test"))


PAGES = [("comp", "/conversations"), ("comp", "/conversations?complaint=1&text=fee"),
         ("comp", "/conversations/{vulnerable}"), ("comp", "/audit"), ("adm", "/users"),
         ("adm", "/"), ("mark", "/conversations/{vulnerable}")]


def test_the_public_pages_pass_axe(page: Any, live: LiveConsole) -> None:
    page.goto(f"{live.url}/demo")  # the widget's demo page, served by the console too
    assert axe_violations(page) == []
    page.goto(f"{live.url}/login")
    assert axe_violations(page) == []
    page.get_by_label("User name").fill("nobody")
    page.get_by_label("Password").fill("wrong password here")
    page.get_by_role("button", name="Sign in").click()
    assert axe_violations(page) == []


@pytest.mark.parametrize(("user", "path"), PAGES)
def test_every_page_passes_axe(page: Any, live: LiveConsole, user: str, path: str) -> None:
    log_in_with_keyboard(page, live.url, user)
    page.goto(live.url + path.format(**live.ids))
    assert axe_violations(page) == []


def test_keyboard_only_reaches_filters_results_and_sign_out(page: Any,
                                                            live: LiveConsole) -> None:
    log_in_with_keyboard(page, live.url, "comp")
    page.goto(f"{live.url}/conversations")
    page.locator("body").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    focused: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused.append(page.evaluate(
            "() => { const a = document.activeElement; return a.id || a.textContent.trim() }"))
    assert "f-complaint" in focused and "f-text" in focused and "Filter" in focused
    assert any(len(f) == 12 for f in focused)  # a conversation link
    page.keyboard.press("Shift+Tab")
    page.goto(f"{live.url}/")
    for _ in range(30):  # the skip link, every navigation link, then the account menu
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent") == "Sign out":
            break
    assert page.evaluate("() => document.activeElement.textContent") == "Sign out"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live.url}/login")


def test_the_axe_harness_reports_a_known_violation(page: Any, live: LiveConsole) -> None:
    """Guards against an accessibility suite that silently checks nothing."""
    page.goto(f"{live.url}/login")
    page.evaluate("() => { const i = document.createElement('img'); i.src = '/x.png';"
                  " document.querySelector('main').appendChild(i); }")
    assert "image-alt" in [v["id"] for v in axe_violations(page)]
