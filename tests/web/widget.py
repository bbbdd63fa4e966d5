"""A small driver for the widget in a Playwright page (locators pierce its open shadow root)."""

from __future__ import annotations

import json
from typing import Any

BOT = ".msg--bot"
USER = ".msg--user"
INPUT = "#candor-input"


def open_with_keyboard(page: Any, max_tabs: int = 30) -> None:
    """Tab to the launcher like a keyboard user, press Enter, and expect focus in the input."""
    page.locator("body").focus()
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if page.evaluate(
            "() => document.activeElement?.id === 'candor-widget' && "
            "document.activeElement.shadowRoot.activeElement?.classList.contains('launcher')"
        ):
            break
    else:
        raise AssertionError("the launcher is not reachable with Tab")
    page.keyboard.press("Enter")
    page.locator(".panel").wait_for(state="visible")
    assert shadow_focus(page) == "candor-input", "opening must move focus to the message box"


def shadow_focus(page: Any) -> str | None:
    """The id (or class) of the focused element inside the widget."""
    return page.evaluate(
        "() => { const a = document.getElementById('candor-widget')?.shadowRoot?.activeElement;"
        " return a ? (a.id || a.className) : null; }"
    )


def send(page: Any, text: str) -> None:
    """Type a message and press Enter (the keyboard path)."""
    page.locator(INPUT).fill(text)
    page.locator(INPUT).press("Enter")


def wait_for_bot_messages(page: Any, count: int, timeout: float = 90_000) -> None:
    """Wait until at least ``count`` bot messages are shown."""
    page.locator(BOT).nth(count - 1).wait_for(state="attached", timeout=timeout)


def bot_texts(page: Any) -> list[str]:
    return [t.strip() for t in page.locator(f"{BOT} .bubble").all_inner_texts()]


def bot_responses(page: Any) -> list[str | None]:
    return [m.get_attribute("data-response") for m in page.locator(BOT).all()]


def stored_state(page: Any) -> dict[str, Any]:
    """The widget's sessionStorage record (session id, history, flags)."""
    raw = page.evaluate("() => sessionStorage.getItem('candor-widget:v1')")
    return json.loads(raw) if raw else {}


def widget_has_element(page: Any, selector: str) -> bool:
    """Whether the widget's shadow tree (or the page) contains ``selector``."""
    return bool(
        page.evaluate(
            "(sel) => !!(document.querySelector(sel) || "
            "document.getElementById('candor-widget').shadowRoot.querySelector(sel))",
            selector,
        )
    )


def bot_reply(text: str, **extra: Any) -> dict[str, Any]:
    """A labelled bot message in the channel's contract shape."""
    message = {
        "recipient_id": "x",
        "text": text,
        "metadata": {"ai_generated": True, "compliance_rules": [], "response": "utter_test"},
    }
    message.update(extra)
    return message


CORS = {"Access-Control-Allow-Origin": "*", "Content-Type": "application/json"}


def answer_with(page: Any, url: str, replies: list[dict[str, Any]], status: int = 200) -> list[str]:
    """Answer every webhook request with ``replies``; return the messages the widget sent."""
    sent: list[str] = []

    def handle(route: Any) -> None:
        if route.request.method == "OPTIONS":
            route.fulfill(status=204, headers={**CORS, "Access-Control-Allow-Headers": "*"})
            return
        sent.append(json.loads(route.request.post_data or "{}").get("message", ""))
        route.fulfill(status=status, headers=CORS, body=json.dumps(replies))

    page.route(url, handle)
    return sent
