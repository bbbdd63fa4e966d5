"""Console pages that are not about conversations: sign-in, home, audit log, users.

Handlers stay thin: parse the request, call :mod:`bot.web.login`, :mod:`bot.web.accounts` or
:mod:`bot.transcripts.audit_log` in a thread (argon2 and the database block), render a template.
Templates autoescape everything; nothing here builds HTML from strings.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.errors import CandorError
from bot.transcripts import audit_log
from bot.transcripts.follower_status import read_backlog
from bot.web import accounts
from bot.web.accounts import Account
from bot.web.login import log_in, log_out
from bot.web.sessions import (
    CSRF_FIELD,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    csrf_ok,
    csrf_token,
    new_token,
    sign,
    unsign,
)
from bot.web.templating import TEMPLATES, nav_for

LOGIN_NOTICE = "Sign-in failed: check the user name and password."
THROTTLED = "Too many failed sign-ins. Wait 15 minutes, or ask an administrator."


def render(request: Request, template: str, context: dict[str, Any] | None = None,
           status: int = 200) -> Response:
    """Render a page with the signed-in user, their navigation and the CSRF token."""
    account: Account | None = getattr(request.state, "account", None)
    token = getattr(request.state, "session_token", None)
    secret = request.app.state.security.secret
    base = {"account": account, "nav": nav_for(account.roles if account else frozenset()),
            "csrf": csrf_token(secret, token) if token else "", "path": request.url.path,
            "backlog": read_backlog(request.app.state.settings.follower_stats) if account else None}
    response = TEMPLATES.TemplateResponse(request, template, {**base, **(context or {})},
                                          status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def forbidden(request: Request, account: Account | None, message: str, status: int) -> Response:
    """The refusal page (401 without a session, 403 for a role or CSRF failure)."""
    request.state.account = account
    return render(request, "error.html", {"title": "Not allowed", "message": message}, status)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.app.state.security.always_secure_cookies


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _safe_next(target: str | None) -> str:
    """Only local paths: never an open redirect (``//evil.example`` or ``https://...``)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _login_page(request: Request, notice: str | None, status: int = 200) -> Response:
    secret = request.app.state.security.secret
    nonce = new_token()
    response = render(request, "login.html", {
        "login_csrf": csrf_token(secret, nonce), "notice": notice,
        "next": _safe_next(request.query_params.get("next")),
    }, status)
    response.set_cookie(LOGIN_COOKIE, sign(secret, nonce), max_age=1800, httponly=True,
                        samesite="strict", secure=_secure(request), path="/login")
    return response


async def login_form(request: Request) -> Response:
    """GET /login: the only page anyone without a session can see."""
    return _login_page(request, None)


async def login_submit(request: Request) -> Response:
    """POST /login: CSRF (pre-login cookie), throttling, argon2 check, session cookie."""
    state = request.app.state
    form = await request.form()
    nonce = unsign(state.security.secret, request.cookies.get(LOGIN_COOKIE))
    if not csrf_ok(state.security.secret, nonce, str(form.get(CSRF_FIELD) or "")):
        return _login_page(request, "The form expired; please sign in again.", 403)
    username = str(form.get("username") or "").strip()[:64]
    password = str(form.get("password") or "")
    result = await run_in_threadpool(log_in, state.db, state.security, username, password,
                                     _address(request))
    if result.token is None:
        notice = THROTTLED if result.refused == "throttled" else LOGIN_NOTICE
        return _login_page(request, notice, 429 if result.refused == "throttled" else 401)
    response = RedirectResponse(_safe_next(str(form.get("next") or "/")), status_code=303)
    response.set_cookie(SESSION_COOKIE, sign(state.security.secret, result.token),
                        httponly=True, samesite="strict", secure=_secure(request), path="/")
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


async def logout(request: Request) -> Response:
    """POST /logout: end the session server-side and clear the cookie."""
    state = request.app.state
    await run_in_threadpool(log_out, state.db, state.security, request.state.session_token,
                            request.state.account)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def home(request: Request) -> Response:
    """GET /: where each role starts."""
    return render(request, "home.html", {"title": "Candor console"})


async def audit_page(request: Request) -> Response:
    """GET /audit: the chain's status and the newest entries."""
    state = request.app.state
    report = await run_in_threadpool(audit_log.verify_log, state.db, state.security.audit)
    entries = await run_in_threadpool(audit_log.recent, state.db, 100)
    return render(request, "audit.html", {"title": "Audit log", "report": report,
                                          "entries": entries})


async def users_page(request: Request) -> Response:
    """GET /users: every console user, their roles and state (admin)."""
    users = await run_in_threadpool(accounts.list_accounts, request.app.state.db)
    return render(request, "users.html", {"title": "Users", "users": users,
                                          "notice": request.query_params.get("notice")})


async def user_disable(request: Request) -> Response:
    """POST /users/{username}/disable: disable a user and end their sessions (admin)."""
    state = request.app.state
    username = request.path_params["username"]
    try:
        await run_in_threadpool(accounts.disable_user, state.db, state.security, username,
                                request.state.account.username)
    except CandorError as err:
        return render(request, "error.html", {"title": "Not done", "message": str(err)}, 404)
    return RedirectResponse("/users?notice=disabled", status_code=303)
