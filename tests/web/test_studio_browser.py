"""Studio pages in Debian's chromium: axe-core finds nothing serious, the keyboard does it all.

A console alone (no Rasa) on a seeded database with a proposal, an approved variant and a
running experiment, so every Studio page shows its full content. The screenshots of the README
come from here (``CANDOR_UPDATE_SCREENSHOTS=1`` refreshes docs/screenshots/).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.nlg.baseline import load_baselines
from bot.paths import PROJECT_ROOT
from bot.transcripts.response_store import propose, review, start_experiment, versions
from tests.web.conftest import PageWatch
from tests.web.console_app import SECURITY, console_db
from tests.web.console_browser import LiveConsole, axe_violations, log_in_with_keyboard, serve
from tests.web.console_seed import seed

pytestmark = pytest.mark.browser

README_SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
RESPONSE = "utter_faq/card_pin"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveConsole]:
    console = console_db(tmp_path_factory.mktemp("studio-browser"),
                         {"mia": ("marketing",), "carl": ("compliance",)})
    ids = seed(console.db, extra_faqs=12).ids
    keys, baseline = SECURITY.audit, load_baselines()[RESPONSE]
    warm = propose(console.db, keys, RESPONSE, "warm", "Good question! " + baseline.text,
                   baseline.hash, "mia")
    review(console.db, keys, warm.id, "carl", "approved", "Same facts, friendlier.")
    start_experiment(console.db, keys, RESPONSE, {"baseline": 1, "warm": 1}, 200, "mia")
    yield from serve(console, ids)


def shot(page: Any, artifacts: Path, name: str) -> None:
    path = artifacts / name
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("CANDOR_UPDATE_SCREENSHOTS") or not (README_SCREENSHOTS / name).exists():
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, README_SCREENSHOTS / name)


def tab_to(page: Any, selector: str, limit: int = 200) -> None:
    """Press Tab until ``selector`` has focus (fails if it never does: not keyboard-reachable)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_marketing_uses_studio_with_the_keyboard_and_every_page_passes_axe(
        page: Any, live: LiveConsole, artifacts: Path, watch: PageWatch) -> None:
    log_in_with_keyboard(page, live.url, "mia")
    page.goto(f"{live.url}/studio?from=2026-09-01&to=2026-09-30")
    assert page.locator("[data-conversations]").get_attribute("data-conversations") == "18"
    assert axe_violations(page) == []
    shot(page, artifacts, "studio-analytics.png")
    tab_to(page, "details.chart__data summary")
    page.keyboard.press("Enter")  # opens the table behind the first chart
    assert page.locator("details.chart__data").first.get_attribute("open") is not None
    page.goto(f"{live.url}/studio/responses")
    assert axe_violations(page) == []
    page.goto(f"{live.url}/studio/responses/{RESPONSE}")
    assert axe_violations(page) == []
    tab_to(page, "#p-variant")
    page.keyboard.press("Control+A")
    page.keyboard.type("short")
    tab_to(page, "#p-text")
    page.keyboard.type("Set or change your PIN in the {bank_app_name} app.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**notice=proposed")
    assert [v.status for v in versions(live.console.db, RESPONSE)] == ["approved", "proposed"]
    assert axe_violations(page) == []
    shot(page, artifacts, "studio-response.png")
    assert watch.errors == []


def test_compliance_approves_with_the_keyboard_and_errors_are_announced(
        page: Any, live: LiveConsole) -> None:
    log_in_with_keyboard(page, live.url, "carl")
    page.goto(f"{live.url}/studio/responses/{RESPONSE}")
    pending = [v for v in versions(live.console.db, RESPONSE) if v.status == "proposed"]
    if not pending:
        pytest.skip("runs after the marketing test, which makes the proposal")
    tab_to(page, f"#c-{pending[0].id}")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past Approve, to Reject, with no comment: refused (E859)
    page.keyboard.press("Enter")
    assert "E859" in page.get_by_role("alert").inner_text()
    assert axe_violations(page) == []
    tab_to(page, f"#c-{pending[0].id}")
    page.keyboard.type("Clear and accurate.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**notice=approved")
    assert versions(live.console.db, RESPONSE)[-1].status == "approved"
