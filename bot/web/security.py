"""Security headers for every console response, and the widget's Content-Security-Policy.

The console serves its JavaScript as files (never inline), so a strict ``script-src 'self'``
holds on every page; ``connect-src`` names the Rasa server the demo page's widget talks to.
Pages opt out of nothing: a page that needs a wider policy must say so in code review.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def origin_of(url: str) -> str:
    """Return ``scheme://host[:port]`` of ``url`` (what CSP compares), or ``""`` if invalid."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(connect_origins: Iterable[str] = ()) -> str:
    """Build a policy without inline script or style: everything comes from the console."""
    connect = " ".join(["'self'", *sorted({o for o in connect_origins if o})])
    directives = {
        "default-src": "'none'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data: https:",
        "font-src": "'self'",
        "connect-src": connect,
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(connect_origins: Iterable[str] = ()) -> dict[str, str]:
    """Return the headers added to every response (unless the response set them itself)."""
    return {
        "Content-Security-Policy": content_security_policy(connect_origins),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }


class SecurityHeadersMiddleware:
    """Pure ASGI middleware (no body buffering) that adds :func:`security_headers`."""

    def __init__(self, app: ASGIApp, connect_origins: Iterable[str] = ()) -> None:
        self.app = app
        self.headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in security_headers(connect_origins).items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in self.headers if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
