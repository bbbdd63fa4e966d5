"""The widget's rendering and failure contract, in a real browser, with given bot replies.

The console runs alone (``widget_console``); the widget's requests to Rasa are answered by
``page.route`` with messages in the channel's contract shape, or left to fail (the configured
Rasa port is dead). What a real conversation looks like is in ``test_widget_e2e.py``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.web.conftest import MOBILE, PageWatch, WidgetConsole
from tests.web.surveys import seed_conversation, stored_surveys
from tests.web.widget import (
    BOT,
    INPUT,
    USER,
    answer_with,
    bot_reply,
    open_with_keyboard,
    send,
    shadow_focus,
    stored_state,
    wait_for_bot_messages,
    widget_has_element,
)

pytestmark = pytest.mark.browser

DISCLOSURE = bot_reply(
    "Hi, I'm Northwind Bank's automated assistant. I'm an AI, not a person.",
    metadata={
        "ai_generated": True, "compliance_rules": ["ai-disclosure"],
        "response": "utter_ai_disclosure",
    },
)


def load_demo(page: Any, console: WidgetConsole) -> None:
    page.goto(f"{console.url}/demo")
    page.locator(".launcher").wait_for(state="visible")


def test_one_script_tag_and_the_host_page_css_does_not_leak_in(
    page: Any, widget_console: WidgetConsole, watch: PageWatch
) -> None:
    load_demo(page, widget_console)
    assert page.locator("script").count() == 1
    # demo.css sets `button { background: hotpink; font-size: 30px }` on the bank's page.
    style = page.locator(".launcher").evaluate(
        "b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).fontSize]"
    )
    assert style[0] == "rgb(11, 83, 148)" and style[1] != "30px"
    assert watch.errors == []


def test_keyboard_opens_and_closes_the_panel_and_focus_returns(
    page: Any, widget_console: WidgetConsole
) -> None:
    load_demo(page, widget_console)
    assert page.locator(".launcher").get_attribute("aria-expanded") == "false"
    open_with_keyboard(page)
    assert page.locator(".launcher").get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")  # nothing said yet, so no survey: it just closes
    assert page.locator(".panel").is_hidden()
    assert "launcher" in (shadow_focus(page) or "")


def test_every_control_has_an_accessible_name(page: Any, widget_console: WidgetConsole) -> None:
    load_demo(page, widget_console)
    open_with_keyboard(page)
    panel = page.locator(".panel")
    assert panel.get_attribute("role") == "dialog"
    assert page.locator(".log").get_attribute("aria-live") == "polite"
    for name in ("Talk to a person", "Close chat", "Send"):
        assert page.get_by_role("button", name=name).count() == 1, name
    assert page.get_by_role("textbox", name="Your message").count() == 1


def test_disclosure_banner_and_ai_labels(page: Any, widget_console: WidgetConsole) -> None:
    sent = answer_with(page, widget_console.webhook, [DISCLOSURE, bot_reply("Hello!")])
    load_demo(page, widget_console)
    open_with_keyboard(page)
    banner = page.locator(".disclosure")
    assert banner.is_visible() and "AI assistant, not a person" in banner.inner_text()
    send(page, "hi")
    wait_for_bot_messages(page, 2)
    assert sent == ["hi"]
    assert page.locator(f"{BOT}.msg--disclosure").count() == 1
    tags = page.locator(f"{BOT} .tag--ai")
    assert tags.count() == 2
    assert tags.first.inner_text().startswith("AI")
    assert "AI-generated message" in tags.first.text_content()
    assert page.locator(".msg--unlabelled").count() == 0


def test_a_message_without_the_ai_label_is_shown_as_a_warning(
    page: Any, widget_console: WidgetConsole
) -> None:
    unlabelled = {"recipient_id": "x", "text": "I am definitely a human."}
    answer_with(page, widget_console.webhook, [unlabelled])
    load_demo(page, widget_console)
    open_with_keyboard(page)
    send(page, "are you human?")
    wait_for_bot_messages(page, 1)
    message = page.locator(".msg--unlabelled")
    assert message.count() == 1
    assert page.locator(f"{BOT} .tag--ai").count() == 0
    assert "not labelled as AI-generated" in message.locator(".tag--warn").text_content()


def test_quick_replies_send_their_payload_by_keyboard(
    page: Any, widget_console: WidgetConsole
) -> None:
    buttons = [{"title": "Yes, please", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    sent = answer_with(page, widget_console.webhook, [bot_reply("Shall I?", buttons=buttons)])
    load_demo(page, widget_console)
    open_with_keyboard(page)
    send(page, "help")
    wait_for_bot_messages(page, 1)
    choice = page.get_by_role("button", name="Yes, please")
    choice.focus()
    page.keyboard.press("Enter")
    wait_for_bot_messages(page, 2)
    assert sent == ["help", "/affirm"]
    assert page.locator(USER).last.locator(".bubble").inner_text() == "Yes, please"
    assert page.locator(".quick-replies").first.is_hidden()  # answered: no second click


def test_links_are_whitelisted_to_http_and_https(page: Any, widget_console: WidgetConsole) -> None:
    text = (
        "See [our fees](https://example.com/fees), [bad](javascript:alert(1)) and "
        "[data](data:text/html,hi)."
    )
    answer_with(page, widget_console.webhook, [bot_reply(text)])
    load_demo(page, widget_console)
    open_with_keyboard(page)
    send(page, "fees?")
    wait_for_bot_messages(page, 1)
    links = page.locator(f"{BOT} a")
    assert links.count() == 1
    assert links.get_attribute("href") == "https://example.com/fees"
    assert links.get_attribute("rel") == "noopener noreferrer nofollow"
    assert "[bad](javascript:alert(1))" in page.locator(f"{BOT} .bubble").inner_text()


XSS = "<img src=x onerror=alert(1)>"


def test_markup_in_messages_is_text_and_never_runs(
    page: Any, widget_console: WidgetConsole, watch: PageWatch
) -> None:
    echo = bot_reply(f"You said {XSS} <script>alert(2)</script> [x](javascript:alert(3))")
    answer_with(page, widget_console.webhook, [echo])
    load_demo(page, widget_console)
    open_with_keyboard(page)
    send(page, XSS)
    wait_for_bot_messages(page, 1)
    page.wait_for_timeout(300)
    assert watch.dialogs == []
    assert not widget_has_element(page, "img")
    assert not widget_has_element(page, ".bubble script")
    assert page.locator(USER).last.locator(".bubble").inner_text() == XSS
    assert XSS in page.locator(BOT).last.locator(".bubble").inner_text()


def test_oversize_input_is_capped_at_the_servers_limit(
    page: Any, widget_console: WidgetConsole
) -> None:
    load_demo(page, widget_console)
    open_with_keyboard(page)
    page.locator(INPUT).fill("a" * 5000)
    assert len(page.locator(INPUT).input_value()) == 2000
    assert "2000 of 2000" in page.locator(".counter").inner_text()


def test_a_message_the_server_refuses_as_too_long_is_given_back(
    page: Any, widget_console: WidgetConsole
) -> None:
    reason = "`message` is 2001 characters; the limit is 2000."
    error = {"error": {"code": "E022", "message": reason}}

    def handle(route: Any) -> None:
        route.fulfill(status=413, headers={"Access-Control-Allow-Origin": "*"}, json=error)

    page.route(widget_console.webhook, handle)
    load_demo(page, widget_console)
    open_with_keyboard(page)
    send(page, "my long message")
    page.locator(".alert").wait_for(state="visible")
    assert "longer than 2000 characters" in page.locator(".alert").inner_text()
    assert page.locator(INPUT).input_value() == "my long message"
    assert page.locator(USER).last.get_attribute("data-state") == "rejected"


def test_unreachable_server_keeps_the_text_and_retries(
    page: Any, widget_console: WidgetConsole, artifacts: Any
) -> None:
    load_demo(page, widget_console)  # data-server-url points at a port nobody listens on
    open_with_keyboard(page)
    send(page, "is anyone there?")
    alert = page.locator(".alert")
    alert.wait_for(state="visible")
    assert "can't reach the assistant" in alert.inner_text()
    message = page.locator(USER).last
    assert message.get_attribute("data-state") in ("retrying", "sending")
    assert message.locator(".bubble").inner_text() == "is anyone there?"
    assert [e["text"] for e in stored_state(page)["history"]] == ["is anyone there?"]
    page.screenshot(path=str(artifacts / "widget-offline.png"))
    # The server comes back: the same message goes through (retry now, or the back-off timer).
    sent = answer_with(page, widget_console.webhook, [bot_reply("Yes, I'm here.")])
    page.get_by_role("button", name="Retry now").click()
    wait_for_bot_messages(page, 1)
    assert sent == ["is anyone there?"]
    assert message.get_attribute("data-state") == "sent"
    assert alert.is_hidden()


def test_unsent_message_survives_a_reload_and_is_sent_later(
    page: Any, widget_console: WidgetConsole
) -> None:
    page.route(widget_console.webhook, lambda route: route.abort())
    load_demo(page, widget_console)
    open_with_keyboard(page)
    send(page, "please keep this")
    page.locator(".alert").wait_for(state="visible")
    page.unroute(widget_console.webhook)
    sent = answer_with(page, widget_console.webhook, [bot_reply("Got it.")])
    page.reload()
    wait_for_bot_messages(page, 1)
    assert sent == ["please keep this"]
    assert page.locator(USER).count() == 1


def test_a_reload_during_a_request_sends_the_message_again(
    page: Any, widget_console: WidgetConsole
) -> None:
    page.route(widget_console.webhook, lambda route: None)  # the server never answers
    load_demo(page, widget_console)
    open_with_keyboard(page)
    send(page, "still there?")
    page.locator(f"{USER}[data-state='sending']").wait_for()
    page.unroute_all(behavior="ignoreErrors")
    sent = answer_with(page, widget_console.webhook, [bot_reply("Yes.")])
    page.reload()
    wait_for_bot_messages(page, 1)
    assert sent == ["still there?"]
    assert page.locator(USER).count() == 1


def test_reload_continues_the_conversation(page: Any, widget_console: WidgetConsole) -> None:
    answer_with(page, widget_console.webhook, [DISCLOSURE, bot_reply("Hello!")])
    load_demo(page, widget_console)
    open_with_keyboard(page)
    send(page, "hi")
    wait_for_bot_messages(page, 2)
    session = stored_state(page)["sessionId"]
    page.reload()
    page.locator(".panel").wait_for(state="visible")  # it was open: it stays open
    assert page.locator(BOT).count() == 2 and page.locator(USER).count() == 1
    assert stored_state(page)["sessionId"] == session


def test_survey_on_close_is_stored_and_never_asked_twice(
    page: Any, widget_console: WidgetConsole
) -> None:
    answer_with(page, widget_console.webhook, [bot_reply("Hello!")])
    load_demo(page, widget_console)
    open_with_keyboard(page)
    send(page, "hi")
    wait_for_bot_messages(page, 1)
    sender = stored_state(page)["sessionId"]
    seed_conversation(widget_console.transcripts_url, sender)  # Rasa's writer is not running
    page.get_by_role("button", name="Close chat").click()
    survey = page.locator(".survey")
    survey.wait_for(state="visible")
    assert shadow_focus(page) == "candor-survey-title"
    page.get_by_role("button", name="Send rating").click()  # nothing chosen yet
    assert "choose a rating" in page.locator(".survey-error").inner_text()
    page.get_by_label("4 (good)").check()
    page.get_by_label("Anything you'd like to add? (optional)").fill("Quick, thanks")
    page.get_by_role("button", name="Send rating").click()
    # The first comment may wait for the console to finish loading the redaction engines.
    page.locator(".panel").wait_for(state="hidden", timeout=90_000)
    assert stored_surveys(widget_console.transcripts_url, sender) == [
        (4, "Quick, thanks", "widget")
    ]
    page.get_by_role("button", name="Chat with us").click()
    page.get_by_role("button", name="Close chat").click()
    assert page.locator(".panel").is_hidden() and survey.count() == 0


def test_no_widget_survey_once_the_bot_asked_for_the_rating(
    page: Any, widget_console: WidgetConsole
) -> None:
    rating = {"title": "5 (very good)", "payload": '/rate_chat{"csat_rating": "5"}'}
    asked = bot_reply("How would you rate this chat?", buttons=[rating],
                      metadata={"ai_generated": True, "compliance_rules": [],
                                "response": "utter_ask_csat_rating"})
    answer_with(page, widget_console.webhook, [bot_reply("Thanks, bye!"), asked])
    load_demo(page, widget_console)
    open_with_keyboard(page)
    send(page, "bye")
    wait_for_bot_messages(page, 2)
    assert stored_state(page)["surveyAsked"] is True
    page.get_by_role("button", name="Close chat").click()  # the bot asked: no second survey
    assert page.locator(".panel").is_hidden() and page.locator(".survey").count() == 0


def test_320px_layout_fits_without_horizontal_scrolling(
    browser: Any, widget_console: WidgetConsole, artifacts: Any
) -> None:
    context = browser.new_context(viewport=MOBILE, reduced_motion="reduce")
    page = context.new_page()
    try:
        answer_with(page, widget_console.webhook, [DISCLOSURE, bot_reply(
            "Your card limit is shown in the app under Cards.",
            buttons=[{"title": "Thanks", "payload": "/thank"}],
        )])
        load_demo(page, widget_console)
        open_with_keyboard(page)
        send(page, "what is my card limit?")
        wait_for_bot_messages(page, 2)
        box = page.locator(".panel").bounding_box()
        assert box is not None and box["width"] <= 320 and box["x"] >= 0
        overflow = page.evaluate(
            "() => document.getElementById('candor-widget').shadowRoot"
            ".querySelector('.panel').scrollWidth"
        )
        assert overflow <= 320
        for name in ("Talk to a person", "Close chat", "Send"):
            assert page.get_by_role("button", name=name).is_visible()
        page.screenshot(path=str(artifacts / "widget-contract-320.png"))
    finally:
        context.close()


def test_survey_endpoint_from_the_page_rejects_bad_input(
    page: Any, widget_console: WidgetConsole
) -> None:
    load_demo(page, widget_console)
    status, body = page.evaluate(
        """async () => {
            const r = await fetch('/api/survey', {method: 'POST',
              headers: {'Content-Type': 'application/json'},
              body: JSON.stringify({sender: 'web-x', rating: 9})});
            return [r.status, await r.json()];
        }"""
    )
    assert (status, body["error"]["code"]) == (400, "E603")
    assert json.dumps(body).count("9") == 0  # the error never echoes the input
