"""Browser fixtures: Debian's chromium driven by Playwright, and a console-only server.

Playwright's own browser download does not work on these machines (DESIGN.md), so the tests
launch the ``chromium`` on PATH. Without it the browser tests skip with a reason, except under
``CI``, where a missing browser is a failure.

Two servers are used:

* ``product`` (tests/conftest.py): the real action server, Rasa server and console, for the
  end-to-end conversation tests (``slow``).
* ``widget_console``: the console app alone, in a thread, with ``data-server-url`` pointing at
  a port nobody listens on. Tests answer the widget's requests themselves with
  ``page.route`` (a given bot reply) or let them fail (server unreachable); fast and
  deterministic, so they check the widget's rendering contract.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.paths import PROJECT_ROOT
from tests.conftest import free_port

IN_CI = bool(os.environ.get("CI"))
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 320, "height": 640}


def chromium_or_skip() -> str:
    """Path of Debian's chromium; skip (or fail under CI) when it is not installed."""
    path = shutil.which("chromium")
    if path:
        return path
    reason = "Debian's `chromium` is not installed (apt-get install chromium): browser tests"
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One headless chromium for the browser tests (all in this package).

    Package scope, not session: Playwright's sync API keeps an event loop running on the main
    thread until it stops, and any later test calling ``asyncio.run`` would fail.
    """
    executable = chromium_or_skip()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - it is pinned in requirements/test.txt
        if IN_CI:
            pytest.fail("playwright is not installed")
        pytest.skip("playwright is not installed (pip install -r requirements/test.txt)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageWatch:
    """What a page did that a test may want to assert never happened."""

    dialogs: list[str]
    errors: list[str]


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch(dialogs=[], errors=[])


@pytest.fixture
def page(browser: Any, watch: PageWatch) -> Iterator[Any]:
    """A fresh desktop page (own context: own sessionStorage) that records dialogs and errors."""
    context = browser.new_context(viewport=DESKTOP, reduced_motion="reduce")
    context.set_default_timeout(15_000)
    new_page = context.new_page()

    def on_dialog(dialog: Any) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    new_page.on("dialog", on_dialog)
    new_page.on("pageerror", lambda err: watch.errors.append(str(err)))
    try:
        yield new_page
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/`` (gitignored): screenshots from the browser tests."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@dataclass(frozen=True)
class WidgetConsole:
    """The console app alone, serving /demo with the widget pointed at a dead Rasa URL."""

    url: str
    rasa_url: str
    transcripts_url: str

    @property
    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"


@contextmanager
def running_console(app: Any, port: int) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread on ``port``; yields its URL until the block ends."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, name="console", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the console did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="session")
def widget_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WidgetConsole]:
    """Run the console in a thread (uvicorn) on a free port."""
    from bot.web.app import ConsoleSettings, create_app

    port, dead = free_port(), free_port()
    db = tmp_path_factory.mktemp("widget-console") / "transcripts.sqlite"
    settings = ConsoleSettings(
        rasa_public_url=f"http://127.0.0.1:{dead}",
        max_message_chars=2000,
        transcripts_url=f"sqlite:///{db}",
    )
    from tests.web.console_app import SECURITY

    with running_console(create_app(settings, SECURITY), port) as url:
        yield WidgetConsole(url, settings.rasa_public_url, settings.transcripts_url)
