"""The console against the real product: conversations through the real Rasa server.

A customer complains and discloses hardship over the REST webhook; the transcript writer
inside Rasa records it; a compliance officer finds the complaint in the console and reads its
rule trace; marketing is refused the vulnerable customer's transcript; the audit chain holds.
Needs a trained model (``CANDOR_TEST_MODEL`` locally), so it is ``slow``.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.paths import CandorHome
from bot.runtime.services import Ports
from bot.settings import runtime_env
from bot.settings.console import AuditKeys, ConsoleSecurity
from bot.transcripts.audit_log import verify_log
from bot.transcripts.console_queries import ListFilter, list_page
from bot.transcripts.db import database, database_url
from bot.web.accounts import add_user
from tests.conftest import E2E_AUDIT_KEY, E2E_CONSOLE_SECRET
from tests.e2e.chat import Chat
from tests.web.console_browser import axe_violations, log_in_with_keyboard

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SECURITY = ConsoleSecurity(E2E_CONSOLE_SECRET.encode(), AuditKeys(E2E_AUDIT_KEY.encode()))
PASSWORD = "an end-to-end passphrase"


def wait_for(check: Any, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError("not recorded in time")


def test_a_real_complaint_is_found_and_traced_in_the_console(
        page: Any, browser: Any, product: Ports, product_home: CandorHome) -> None:
    db = database(database_url(runtime_env(product_home)))
    add_user(db, SECURITY, "e2e-comp", PASSWORD, ["compliance"], "e2e")
    add_user(db, SECURITY, "e2e-mark", PASSWORD, ["marketing"], "e2e")
    complaint, hardship = Chat(product), Chat(product)
    complaint >> "I want to make a complaint, you charged me a fee twice"
    hardship >> "I lost my job and I'm struggling to pay my bills"
    found = wait_for(lambda: list_page(db, ListFilter(complaint=True)).rows)
    vulnerable = wait_for(lambda: list_page(db, ListFilter(vulnerable=True)).rows)
    base = product.url(product.console)
    log_in_with_keyboard(page, base, "e2e-comp", PASSWORD)
    page.goto(f"{base}/conversations?complaint=1")
    page.get_by_role("link", name=found[0].conversation_id[:12]).click()
    assert "FCA DISP 1.3-1.6" in page.locator("dl.trace").filter(has_text="FCA DISP")\
        .first.inner_text()
    assert axe_violations(page) == []
    other = browser.new_context().new_page()
    log_in_with_keyboard(other, base, "e2e-mark", PASSWORD)
    refused = other.goto(f"{base}/conversations/{vulnerable[0].conversation_id}")
    assert refused.status == 403
    other.context.close()
    assert verify_log(db, SECURITY.audit).ok
