"""Server-side access control for every console route: session, role, CSRF.

:func:`guarded` wraps an endpoint with the roles the route table (:mod:`bot.web.routes`) gives
it. A request without a valid session is sent to the login page (or refused, for anything but
GET); a signed-in user without one of the roles gets 403; every request that is not GET or
HEAD must carry the session's CSRF token (form field ``csrf`` or header ``X-CSRF-Token``).
The pure :func:`decide` is what the per-route tests exercise.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.web.accounts import Account
from bot.web.login import current_account
from bot.web.sessions import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, csrf_ok, unsign

Endpoint = Callable[[Request], Awaitable[Response]]
SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class Decision:
    """What to do with a request: ``allow``, ``login`` (no session) or ``deny`` (403)."""

    outcome: str
    reason: str = ""


def decide(roles: frozenset[str] | None, account: Account | None, method: str,
           csrf_valid: bool) -> Decision:
    """Pure access decision for a route allowing ``roles`` (None: public)."""
    if roles is None:
        return Decision("allow")
    if account is None:
        return Decision("login", "no session")
    if not roles & account.roles:
        return Decision("deny", "role")
    if method not in SAFE_METHODS and not csrf_valid:
        return Decision("deny", "csrf")
    return Decision("allow")


async def _csrf_given(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def session_of(request: Request) -> tuple[str | None, Account | None]:
    """The verified session token and its account (None, None without a valid session)."""
    app = request.app.state
    token = unsign(app.security.secret, request.cookies.get(SESSION_COOKIE))
    if token is None:
        return None, None
    account = await run_in_threadpool(current_account, app.db, app.security, token)
    return (token, account) if account else (None, None)


def guarded(endpoint: Endpoint, roles: frozenset[str] | None) -> Endpoint:
    """Wrap ``endpoint`` so it runs only for a signed-in user holding one of ``roles``."""
    if roles is None:
        return endpoint

    async def wrapper(request: Request) -> Response:
        from bot.web.pages import forbidden

        token, account = await session_of(request)
        valid = True
        if account is not None and request.method not in SAFE_METHODS:
            valid = csrf_ok(request.app.state.security.secret, token, await _csrf_given(request))
        decision = decide(roles, account, request.method, valid)
        if decision.outcome == "login":
            if request.method in SAFE_METHODS:
                target = quote(request.url.path, safe="/")
                return RedirectResponse(f"/login?next={target}", status_code=303)
            return forbidden(request, None, "Sign in first.", 401)
        if decision.outcome == "deny":
            message = ("The request did not carry this session's CSRF token."
                       if decision.reason == "csrf" else "Your role does not allow this page.")
            return forbidden(request, account, message, 403)
        request.state.account = account
        request.state.session_token = token
        return await endpoint(request)

    wrapper.__name__ = getattr(endpoint, "__name__", "endpoint")
    wrapper.__doc__ = endpoint.__doc__
    return wrapper
