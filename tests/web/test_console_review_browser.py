"""Review, legal holds and exports in Debian's chromium (Playwright), keyboard and axe-core.

A compliance user fills the day's queues, works the complaints queue by keyboard, records an
escalation; a second user takes it over and closes it; a hold is placed and the purge skips
it; an export is downloaded and verified against the audit log. The console runs for real
(uvicorn) on a real SQLite database filled by the transcript writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from bot.transcripts.archive import verify_archive
from bot.transcripts.retention import purge
from tests.web.conftest import DESKTOP, PageWatch
from tests.web.console_app import SECURITY, console_db
from tests.web.console_browser import (
    LiveConsole,
    axe_violations,
    log_in_with_keyboard,
    serve,
    shot,
    tab_to,
)
from tests.web.console_seed import seed

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DAY = "2026-09-21"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveConsole]:
    console = console_db(tmp_path_factory.mktemp("review-browser"))
    ids = seed(console.db, extra_faqs=3).ids
    yield from serve(console, ids)


def focused_text(page: Any) -> str:
    return str(page.evaluate("() => (document.activeElement.textContent || '').trim()"))


def test_a_complaint_is_escalated_by_one_reviewer_and_closed_by_another(
        page: Any, browser: Any, live: LiveConsole, artifacts: Path, watch: PageWatch) -> None:
    log_in_with_keyboard(page, live.url, "comp")
    page.get_by_role("link", name="Review", exact=True).first.click()
    page.get_by_label("Day", exact=True).fill(DAY)
    page.get_by_role("button", name="Fill queues and draw sample").click()
    assert "sample of" in page.get_by_role("status").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Complaints").click()
    assert "overdue" in page.locator("tbody").inner_text()
    shot(page, artifacts, "console-review-queue.png")
    assert axe_violations(page) == []
    # keyboard only from here: reach the item, claim it, record an escalation
    tab_to(page, "el => el.textContent.startsWith('Item ')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/review/items/*")
    item_url = page.url
    tab_to(page, "el => el.textContent.trim() === 'Claim this item'")
    page.keyboard.press("Enter")
    page.wait_for_url("**?notice=claim")
    tab_to(page, "el => el.name === 'outcome'")  # a radio group: arrows choose within it
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.id") == "o-escalate"
    assert page.locator("#o-escalate").is_checked()
    tab_to(page, "el => el.id === 'r-reason'")
    page.keyboard.type("Fee charged twice, refund not offered")
    page.keyboard.press("Tab")
    page.keyboard.type("Second opinion on whether this is a breach.")
    tab_to(page, "el => el.textContent.trim() === 'Record review'")
    page.keyboard.press("Enter")
    page.wait_for_url("**?notice=review")
    assert "You escalated this item" in page.locator("main").inner_text()
    tab_to(page, "el => el.id.startsWith('a-') && el.closest('li.turn--user') !== null")
    page.keyboard.type("Customer states the duplicate fee here")
    page.keyboard.press("Enter")
    page.wait_for_url("**?notice=annotate")
    note = page.locator("li.turn--user .annotation").first.inner_text()
    assert "Customer states the duplicate fee here" in note
    assert axe_violations(page) == []
    # the second reviewer
    context = browser.new_context(viewport=DESKTOP, reduced_motion="reduce")
    second = context.new_page()
    try:
        log_in_with_keyboard(second, live.url, "both")
        second.goto(item_url)
        second.get_by_role("button", name="Take over as second reviewer").click()
        second.get_by_label("breach").check()
        second.get_by_label("Reason").fill("Duplicate fee kept: breach of fee disclosure")
        second.get_by_role("button", name="Record review").click()
        second.wait_for_url("**?notice=review")
        history = second.locator("section[aria-labelledby='h-history']").inner_text()
        assert "escalate by comp" in history and "breach by both" in history
        assert "status closed" in second.locator("main p").nth(1).inner_text()
        shot(second, artifacts, "console-review-item.png")
    finally:
        context.close()
    assert watch.errors == []


def test_a_hold_survives_the_purge_and_an_export_verifies(
        page: Any, live: LiveConsole, tmp_path: Path, watch: PageWatch) -> None:
    log_in_with_keyboard(page, live.url, "comp")
    page.get_by_role("link", name="Legal holds").first.click()
    page.get_by_label("Conversation id or sender id").fill(live.ids["faq"])
    page.get_by_label("Reason").fill("Litigation hold L-17")
    page.get_by_role("button", name="Place hold").click()
    assert "Litigation hold L-17" in page.locator("tbody").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Exports").first.click()
    assert axe_violations(page) == []
    page.get_by_label("Conversation ids").fill(f"{live.ids['complaint']} {live.ids['faq']}")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download archive").click()
    archive = tmp_path / download.value.suggested_filename
    download.value.save_as(archive)
    report = verify_archive(live.console.db, SECURITY.audit, archive)
    assert report.ok, report.problems
    removal = purge(30, "ops", live.console.db, now=datetime.now(timezone.utc),
                    keys=SECURITY.audit)
    assert [s.conversation_id for s in removal.skipped] == [live.ids["faq"]]
    assert removal.conversations == len(live.ids) + 3 - 1
    page.goto(f"{live.url}/conversations")
    assert page.get_by_role("status").inner_text().startswith("1 conversation")
    assert watch.errors == []
