"""Session cookies, CSRF tokens and timeouts: pure functions over the console secret.

The cookie carries a random token and its HMAC (so a forged or altered cookie is refused
before any database look-up); the database stores only the token's SHA-256. CSRF tokens are
derived from the session token (the synchroniser-token pattern without server-side state): a
page can embed it, another site cannot read it, and it dies with the session. The login form,
which has no session yet, gets the same protection from a short-lived pre-login cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

SESSION_COOKIE = "candor_session"
LOGIN_COOKIE = "candor_login"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def _mac(secret: bytes, purpose: str, token: str) -> str:
    return hmac.new(secret, f"{purpose}:{token}".encode(), hashlib.sha256).hexdigest()


def sign(secret: bytes, token: str) -> str:
    """The cookie value for ``token``."""
    return f"{token}.{_mac(secret, 'cookie', token)}"


def unsign(secret: bytes, value: str | None) -> str | None:
    """The token inside a cookie value, or None if the value was not signed with ``secret``."""
    if not value or "." not in value:
        return None
    token, mac = value.rsplit(".", 1)
    return token if hmac.compare_digest(mac, _mac(secret, "cookie", token)) else None


def token_id(token: str) -> str:
    """What the database stores for a session (a reader cannot turn it back into a cookie)."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret: bytes, token: str) -> str:
    """The CSRF token of the session (or pre-login nonce) ``token``."""
    return _mac(secret, "csrf", token)


def csrf_ok(secret: bytes, token: str | None, given: str | None) -> bool:
    """Whether ``given`` is the CSRF token of ``token`` (constant time)."""
    return bool(token and given) and hmac.compare_digest(
        csrf_token(secret, str(token)), str(given))


def expiry(created: datetime, last_seen: datetime, now: datetime, idle: timedelta,
           absolute: timedelta) -> str | None:
    """``"idle"`` or ``"absolute"`` when the session has timed out, else None."""
    if now - created >= absolute:
        return "absolute"
    if now - last_seen >= idle:
        return "idle"
    return None
