"""Studio against the real product: approved wording reaches customers, rejected never does.

Marketing proposes a greeting in the browser, compliance approves it in another session, and
within a few seconds (no restart) a conversation over the REST webhook receives it from the
real Rasa server, whose message metadata and stored transcript turn name the version; the
Studio page counts it. A rejected proposal is never served. Needs a trained model
(``CANDOR_TEST_MODEL`` locally), so it is ``slow``.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select

from bot.paths import CandorHome
from bot.runtime.services import Ports
from bot.settings import runtime_env
from bot.transcripts import models as m
from bot.transcripts.db import Database, database, database_url
from bot.transcripts.response_store import review, versions
from bot.web.accounts import add_user
from tests.e2e.chat import Chat, post_json
from tests.web.console_browser import axe_violations, log_in_with_keyboard
from tests.web.test_console_e2e import PASSWORD, SECURITY, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.browser]

RESPONSE = "utter_greet"
APPROVED = "Hello! Ask me about cards, accounts or payments, and I'll do my best to help."
REJECTED = "Yo! What do you want?"


@pytest.fixture(scope="module")
def studio_db(product: Ports, product_home: CandorHome) -> Database:
    # The first message loads lazily built parts of the pipeline: give it time on a busy machine.
    status, _ = post_json(Chat(product).url, {"sender": "warm-up", "message": "hi"}, timeout=300)
    assert status == 200
    db = database(database_url(runtime_env(product_home)))
    add_user(db, SECURITY, "studio-mark", PASSWORD, ["marketing"], "e2e")
    add_user(db, SECURITY, "studio-comp", PASSWORD, ["compliance"], "e2e")
    return db


def greeting(product: Ports) -> dict[str, Any]:
    """The ``utter_greet`` reply to a new customer's "hello" (a cold worker may be slow)."""
    chat = Chat(product)
    status, replies = post_json(chat.url, {"sender": chat.sender, "message": "hello"},
                                timeout=300)
    assert status == 200, replies
    found = [r for r in replies if r["metadata"].get("response") == RESPONSE]
    assert found and all(r["metadata"]["ai_generated"] is True for r in replies), replies
    return found[0]


def propose_in_browser(page: Any, base: str, text: str) -> None:
    page.goto(f"{base}/studio/responses/{RESPONSE}")
    page.get_by_label("Text").fill(text)
    page.get_by_role("button", name="Propose for approval").click()
    page.wait_for_url("**notice=proposed")


def review_in_browser(browser: Any, base: str, button: str, comment: str) -> None:
    other = browser.new_context().new_page()
    log_in_with_keyboard(other, base, "studio-comp", PASSWORD)
    other.goto(f"{base}/studio/responses/{RESPONSE}")
    other.get_by_label("Comment (required to reject)").fill(comment)
    other.get_by_role("button", name=button).click()
    other.wait_for_url("**notice=*")
    other.context.close()


def test_an_approved_variant_is_served_named_in_the_transcript_and_counted(
        page: Any, browser: Any, product: Ports, studio_db: Database) -> None:
    base = product.url(product.console)
    log_in_with_keyboard(page, base, "studio-mark", PASSWORD)
    propose_in_browser(page, base, APPROVED)
    time.sleep(3)  # more than a refresh interval: a proposal is not served
    assert greeting(product)["text"] != APPROVED
    review_in_browser(browser, base, "Approve v1", "Clear, no claims.")

    def served() -> dict[str, Any] | None:
        reply = greeting(product)
        return reply if reply["text"] == APPROVED else None

    reply = wait_for(served, 120)  # every Rasa worker converges within a few seconds
    assert (reply["metadata"]["response_version"], reply["metadata"]["variant"]) == (1, "default")

    def stored() -> list[Any]:
        with studio_db.begin() as s:
            return list(s.execute(select(m.Turn.response_version, m.Turn.variant).where(
                m.Turn.response == RESPONSE, m.Turn.text == APPROVED)).all())

    assert wait_for(stored, 30)[0] == (1, "default")
    page.goto(f"{base}/studio/responses/{RESPONSE}")
    cells = page.locator('[data-figure="default-1"] td').all_inner_texts()
    assert int(cells[2]) >= 1  # messages shown with version 1
    assert "Live: variant default, version 1." in page.inner_text("main")
    assert axe_violations(page) == []
    page.goto(f"{base}/studio")
    assert int(page.locator("[data-conversations]").get_attribute("data-conversations")) >= 1


def test_a_rejected_proposal_is_never_served(
        page: Any, browser: Any, product: Ports, studio_db: Database) -> None:
    base = product.url(product.console)
    log_in_with_keyboard(page, base, "studio-mark", PASSWORD)
    propose_in_browser(page, base, REJECTED)
    review_in_browser(browser, base, f"Reject v{versions(studio_db, RESPONSE)[-1].version}",
                      "Too curt for our brand.")
    assert versions(studio_db, RESPONSE)[-1].status == "rejected"
    time.sleep(5)  # two refresh intervals after the rejection
    for _ in range(3):
        assert greeting(product)["text"] != REJECTED
    with studio_db.begin() as s:
        assert s.execute(select(m.Turn.id).where(m.Turn.text == REJECTED)).first() is None
    for v in versions(studio_db, RESPONSE):  # leave the product's greeting as it was
        if v.status == "approved":
            review(studio_db, SECURITY.audit, v.id, "studio-comp", "retired", "end of test")
