"""Who may do what: every route in the table against every role, sessions, CSRF, throttling."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from bot.settings.console import ConsoleSecurity
from bot.web.accounts import Account, now_utc
from bot.web.guard import decide
from bot.web.models import ROLES, ConsoleSession
from bot.web.routes import ROUTES
from bot.web.sessions import SESSION_COOKIE, expiry, sign, unsign
from tests.web.console_app import (
    PASSWORD,
    SECURITY,
    Console,
    console_db,
    login_csrf,
    make_client,
    page_csrf,
    sign_in,
)

PER_ROLE = {"compliance": "comp", "marketing": "mark", "admin": "adm"}
#: Routes outside the table: the customer-facing widget side, which never uses a session.
WIDGET_ROUTES = {"/health", "/demo", "/api/survey"}


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Console:
    return console_db(tmp_path_factory.mktemp("access"))


@pytest.fixture
def client(console: Console) -> Iterator[TestClient]:
    with make_client(console) as test_client:
        yield test_client


def concrete(path: str) -> str:
    return (path.replace("{conversation_id}", "no-such-conversation")
            .replace("{username}", "nobody").replace("{name:path}", "utter_greet")
            .replace("{version_id:int}", "999").replace("{experiment_id:int}", "999"))


CASES = [(spec.path, method, role) for spec in ROUTES for method in spec.methods
         for role in (*ROLES, None)]


@pytest.mark.parametrize(("path", "method", "role"), CASES)
def test_every_route_for_every_role(console: Console, path: str, method: str,
                                    role: str | None) -> None:
    """The table is what the server enforces, route by route, role by role."""
    spec = next(s for s in ROUTES if s.path == path and method in s.methods)
    with make_client(console) as client:
        token = ""
        if role is not None:
            assert sign_in(client, PER_ROLE[role]) == 303
            token = page_csrf(client)
        if method == "GET":
            response = client.get(concrete(path))
        else:
            data = {"csrf": token} if path != "/login" else {"csrf": login_csrf(client)}
            response = client.post(concrete(path), data=data)
    if spec.roles is None:  # (POST /login with no password is a failed login: 401)
        assert response.status_code != 403
    elif role is None:
        assert response.status_code in (303, 401)
        if method == "GET":
            assert response.headers["location"].startswith("/login?next=")
    elif role in spec.roles:
        assert response.status_code not in (401, 403), response.text
    else:
        assert response.status_code == 403


def test_every_console_route_is_in_the_table(console: Console) -> None:
    with make_client(console) as client:
        routes = client.app.routes  # type: ignore[attr-defined]
    paths = {r.path for r in routes if isinstance(r, Route)}
    assert paths - WIDGET_ROUTES == {s.path for s in ROUTES}
    assert {r.path for r in routes if isinstance(r, Mount)} == {"/widget", "/static"}


def test_without_a_session_only_the_login_page_is_shown(client: TestClient) -> None:
    for path in ("/", "/conversations", "/audit", "/users", "/conversations/x"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    login = client.get("/login")
    assert login.status_code == 200 and 'aria-label="Console"' not in login.text


def test_the_pure_decision_table() -> None:
    user = Account(1, "u", frozenset({"marketing"}), False, "")
    assert decide(None, None, "POST", False).outcome == "allow"
    assert decide(frozenset({"admin"}), None, "GET", True).outcome == "login"
    assert decide(frozenset({"admin"}), user, "GET", True).reason == "role"
    assert decide(frozenset({"marketing"}), user, "POST", False).reason == "csrf"
    assert decide(frozenset({"marketing"}), user, "POST", True).outcome == "allow"


def test_a_post_without_the_csrf_token_is_refused(client: TestClient, console: Console) -> None:
    assert sign_in(client, "adm") == 303
    assert client.post("/users/mark/disable").status_code == 403
    assert client.post("/users/mark/disable", data={"csrf": "0" * 64}).status_code == 403
    assert client.post("/logout", data={}).status_code == 403
    assert client.get("/").status_code == 200  # still signed in


def test_the_login_form_needs_its_csrf_token(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "comp", "password": PASSWORD})
    assert response.status_code == 403 and SESSION_COOKIE not in response.cookies


def test_the_session_cookie_is_signed_httponly_strict_and_secure_over_https(
        console: Console) -> None:
    with make_client(console, base_url="https://testserver") as client:
        token = login_csrf(client)
        response = client.post("/login", data={"username": "comp", "password": PASSWORD,
                                               "csrf": token})
    cookie = next(h for h in response.headers.get_list("set-cookie")
                  if h.startswith(SESSION_COOKIE))
    attributes = {a.strip().lower() for a in cookie.split(";")}
    assert {"httponly", "samesite=strict", "secure", "path=/"} <= attributes
    value = cookie.split(";")[0].split("=", 1)[1].strip('"')
    assert unsign(SECURITY.secret, value) is not None
    with make_client(console) as plain:
        plain.get("/login")
        assert sign_in(plain, "comp") == 303
        [header] = [h for h in plain.get("/").headers.get_list("set-cookie")] or [""]
        assert "secure" not in header.lower()


def test_a_forged_cookie_is_not_a_session(client: TestClient) -> None:
    assert sign_in(client, "comp") == 303
    value = client.cookies[SESSION_COOKIE].strip('"')
    token = value.rsplit(".", 1)[0]
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, f"{token}.{'0' * 64}")
    assert client.get("/").status_code == 303
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, sign(b"another-secret" * 3, token))
    assert client.get("/").status_code == 303


def test_logout_ends_the_session_on_the_server(client: TestClient) -> None:
    assert sign_in(client, "comp") == 303
    stolen = client.cookies[SESSION_COOKIE]
    response = client.post("/logout", data={"csrf": page_csrf(client)})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, stolen)
    assert client.get("/").status_code == 303


def test_sessions_time_out_when_idle_and_absolutely(tmp_path: Path) -> None:
    console = console_db(tmp_path, {"comp": ("compliance",)})
    now = now_utc()
    idle, absolute = timedelta(minutes=15), timedelta(hours=8)
    assert expiry(now, now, now + timedelta(minutes=14), idle, absolute) is None
    assert expiry(now, now, now + timedelta(minutes=15), idle, absolute) == "idle"
    late = now + timedelta(hours=8)
    assert expiry(now, late - timedelta(minutes=1), late, idle, absolute) == "absolute"
    with make_client(console) as client:
        assert sign_in(client, "comp") == 303
        with console.db.begin() as s:  # the session was last used 20 minutes ago
            s.execute(update(ConsoleSession).values(
                last_seen_at=now_utc() - timedelta(minutes=20)))
        assert client.get("/").status_code == 303
        with console.db.begin() as s:
            ended = s.execute(select(ConsoleSession.ended_at)).scalars().all()
        assert all(e is not None for e in ended)


def test_failed_logins_are_throttled_per_account(tmp_path: Path) -> None:
    console = console_db(tmp_path, {"victim": ("compliance",)})
    with make_client(console) as client:
        for _ in range(SECURITY.account_failures):
            assert sign_in(client, "victim", "wrong password!") == 401
        assert sign_in(client, "victim") == 429  # even the right password, for the window
        assert sign_in(client, "victim-2", "wrong password!") == 401  # other names are not


def test_failed_logins_are_throttled_per_address(tmp_path: Path) -> None:
    console = console_db(tmp_path, {"someone": ("marketing",)})
    security = ConsoleSecurity(SECURITY.secret, SECURITY.audit, address_failures=3)
    with make_client(console, security) as client:
        for n in range(3):
            assert sign_in(client, f"sprayed-{n}", "wrong password!") == 401
        assert sign_in(client, "someone") == 429


def test_a_disabled_user_cannot_sign_in_and_is_signed_out(tmp_path: Path) -> None:
    console = console_db(tmp_path, {"boss": ("admin",), "leaver": ("compliance",)})
    with make_client(console) as leaver, make_client(console) as boss:
        assert sign_in(leaver, "leaver") == 303
        assert sign_in(boss, "boss") == 303
        done = boss.post("/users/leaver/disable", data={"csrf": page_csrf(boss, "/users")})
        assert done.status_code == 303
        assert leaver.get("/").status_code == 303
        assert sign_in(leaver, "leaver") == 401


def test_next_never_leaves_the_console(client: TestClient) -> None:
    token = login_csrf(client)
    response = client.post("/login", data={"username": "comp", "password": PASSWORD,
                                           "csrf": token, "next": "//evil.example/x"})
    assert response.headers["location"] == "/"


def test_console_pages_send_the_security_headers(client: TestClient) -> None:
    assert sign_in(client, "both") == 303
    for path in ("/login", "/", "/audit", "/users"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
