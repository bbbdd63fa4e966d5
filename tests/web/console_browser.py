"""Browser-test helpers for the console: a live console on a seeded database, axe-core, login.

axe-core comes from the npm registry through ``scripts/install-test-js`` (into
``<venv>/test-js``); it is evaluated into the page through the DevTools protocol, which the
console's strict Content-Security-Policy does not apply to, so the policy stays on under test.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.paths import PROJECT_ROOT
from bot.web.app import ConsoleSettings, create_app
from tests.conftest import free_port
from tests.web.conftest import running_console
from tests.web.console_app import PASSWORD, SECURITY, Console

IN_CI = bool(os.environ.get("CI"))
AXE_JS = Path(os.environ.get("CANDOR_AXE_JS") or
              Path(sys.prefix) / "test-js" / "node_modules" / "axe-core" / "axe.min.js")
BLOCKING_IMPACTS = ("serious", "critical")
README_SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"


@dataclass(frozen=True)
class LiveConsole:
    url: str
    console: Console
    ids: dict[str, str]


def serve(console: Console, ids: dict[str, str]) -> Iterator[LiveConsole]:
    """Run the console (uvicorn, in a thread) on a free port until the generator closes."""
    settings = ConsoleSettings(transcripts_url=console.url, warm_up_redaction=False)
    with running_console(create_app(settings, SECURITY), free_port()) as url:
        yield LiveConsole(url, console, ids)


def axe_source() -> str:
    """axe.min.js, or skip (fail under CI) when the test set-up did not install it."""
    if AXE_JS.is_file():
        return AXE_JS.read_text(encoding="utf-8")
    reason = f"axe-core is not installed at {AXE_JS} (run scripts/install-test-js)"
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the current page (WCAG 2.x A/AA rules)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]


def log_in_with_keyboard(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    """Sign in using only the keyboard: the user-name field has focus, Tab, Enter."""
    page.goto(f"{base}/login")
    page.wait_for_function("() => document.activeElement && "
                           "document.activeElement.id === 'username'")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def shot(page: Any, artifacts: Path, name: str) -> None:
    """Save a full-page screenshot; ``CANDOR_UPDATE_SCREENSHOTS`` also refreshes the README's."""
    path = artifacts / name
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("CANDOR_UPDATE_SCREENSHOTS"):
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, README_SCREENSHOTS / name)


def tab_to(page: Any, matches: str, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies the JS predicate ``matches(el)``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({matches})(document.activeElement)"):
            return
    pytest.fail(f"the keyboard never reached an element where {matches}")
