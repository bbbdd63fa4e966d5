"""Test helpers for the console: an app on a fresh SQLite database, users, signing in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from starlette.testclient import TestClient

from bot.settings.console import AuditKeys, ConsoleSecurity
from bot.transcripts.db import Database, database
from bot.web.accounts import add_user
from bot.web.app import ConsoleSettings, create_app

SECURITY = ConsoleSecurity(secret=b"console-test-secret-" * 3, audit=AuditKeys(b"audit-key-" * 4))
PASSWORD = "correct horse battery"
#: One user per role, and one holding two.
USERS = {"comp": ("compliance",), "mark": ("marketing",), "adm": ("admin",),
         "both": ("compliance", "admin")}


@dataclass(frozen=True)
class Console:
    """An app, its database URL and database."""

    url: str
    db: Database


def console_db(tmp_path: Path, users: dict[str, tuple[str, ...]] | None = None) -> Console:
    """A migrated SQLite database with the test users."""
    url = f"sqlite:///{tmp_path / 'console.sqlite'}"
    db = database(url)
    for name, roles in (USERS if users is None else users).items():
        add_user(db, SECURITY, name, PASSWORD, roles, "test")
    return Console(url, db)


def make_client(console: Console, security: ConsoleSecurity = SECURITY,
                base_url: str = "http://testserver") -> TestClient:
    settings = ConsoleSettings(transcripts_url=console.url, warm_up_redaction=False)
    return TestClient(create_app(settings, security), base_url=base_url,
                      follow_redirects=False)


def login_csrf(client: TestClient) -> str:
    """GET /login (sets the pre-login cookie) and return the form's CSRF token."""
    page = client.get("/login")
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert match, page.text
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> int:
    """Submit the login form; return the status code (303 on success)."""
    token = login_csrf(client)
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf": token, "next": "/"})
    return response.status_code


def page_csrf(client: TestClient, path: str = "/") -> str:
    """The CSRF token a signed-in page embeds."""
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get(path).text)
    assert match
    return match.group(1)
