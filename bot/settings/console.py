"""The console's security settings: the one place that reads their environment variables.

:meth:`ConsoleSecurity.from_env` (with :meth:`AuditKeys.from_env`, all the CLI needs) is
written so it can fold into the project's typed settings object unchanged. Both secrets come
from the environment (or a secret manager that sets it), never from the database: a person who
can write the database must not be able to forge a session or re-chain the audit log.

* ``CANDOR_CONSOLE_SECRET``: signs session cookies and derives CSRF tokens.
* ``CANDOR_AUDIT_KEY``: the HMAC key of the audit chain (and of customers' keyed hashes);
  ``CANDOR_AUDIT_RETIRED_KEYS`` (comma-separated) keeps earlier keys verifiable after rotation.
* ``CANDOR_CONSOLE_IDLE_MINUTES`` (15) and ``CANDOR_CONSOLE_SESSION_HOURS`` (8): timeouts.
* ``CANDOR_CONSOLE_SECURE_COOKIES``: ``1`` always marks cookies Secure (behind a TLS proxy);
  by default they are Secure whenever the request came over https.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bot.errors import CandorError, Errors

MIN_SECRET_CHARS = 32
MIN_PASSWORD_CHARS = 12


def key_id(key: bytes) -> str:
    """A short public name for a key (stored beside each audit entry), not the key itself."""
    return hmac.new(key, b"candor-audit-key-id", hashlib.sha256).hexdigest()[:12]


def _secret(env: Mapping[str, str], name: str, error: str) -> bytes:
    value = env.get(name, "")
    if len(value) < MIN_SECRET_CHARS:
        problem = "not set" if not value else f"only {len(value)} characters"
        raise CandorError(getattr(Errors, error).format(problem=problem,
                                                        min_chars=MIN_SECRET_CHARS))
    return value.encode()


@dataclass(frozen=True)
class AuditKeys:
    """The current audit key and the retired ones, by key id."""

    current: bytes
    retired: tuple[bytes, ...] = ()

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    def by_id(self) -> dict[str, bytes]:
        """Every key this process can verify with, by :func:`key_id`."""
        return {key_id(k): k for k in (*self.retired, self.current)}

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AuditKeys:
        """Read ``CANDOR_AUDIT_KEY`` and ``CANDOR_AUDIT_RETIRED_KEYS`` (the CLI needs no more)."""
        env = os.environ if env is None else env
        retired = tuple(k.strip().encode() for k in
                        env.get("CANDOR_AUDIT_RETIRED_KEYS", "").split(",") if k.strip())
        return cls(_secret(env, "CANDOR_AUDIT_KEY", "E702"), retired)


@dataclass(frozen=True)
class ConsoleSecurity:
    """Secrets, timeouts and throttling limits of the console."""

    secret: bytes
    audit: AuditKeys
    idle: timedelta = timedelta(minutes=15)
    absolute: timedelta = timedelta(hours=8)
    always_secure_cookies: bool = False
    min_password_chars: int = MIN_PASSWORD_CHARS
    #: Failed logins allowed per account / per address within ``throttle_window``.
    account_failures: int = 5
    address_failures: int = 20
    throttle_window: timedelta = field(default=timedelta(minutes=15))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ConsoleSecurity:
        """Read the ``CANDOR_CONSOLE_*`` and ``CANDOR_AUDIT_*`` variables (see module doc)."""
        env = os.environ if env is None else env
        return cls(
            secret=_secret(env, "CANDOR_CONSOLE_SECRET", "E701"),
            audit=AuditKeys.from_env(env),
            idle=timedelta(minutes=float(env.get("CANDOR_CONSOLE_IDLE_MINUTES") or 15)),
            absolute=timedelta(hours=float(env.get("CANDOR_CONSOLE_SESSION_HOURS") or 8)),
            always_secure_cookies=env.get("CANDOR_CONSOLE_SECURE_COOKIES", "") == "1",
        )


SECRET_NAMES = ("CANDOR_CONSOLE_SECRET", "CANDOR_AUDIT_KEY")


def local_secrets(path: Path, present: Mapping[str, str]) -> dict[str, str]:
    """Secrets for a local ``candor run`` that set none: made once, kept in ``path`` (0600).

    For a laptop or a demo only: in production both come from a secret manager, and the audit
    key never sits on the same disk as the database (README). Returns only the names missing
    from ``present``, so variables that are set always win.
    """
    missing = [name for name in SECRET_NAMES if len(present.get(name, "")) < MIN_SECRET_CHARS]
    if not missing:
        return {}
    stored: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, _, value = line.partition("=")
            stored[name.strip()] = value.strip()
    for name in SECRET_NAMES:
        stored.setdefault(name, secrets.token_urlsafe(48))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text("".join(f"{n}={stored[n]}\n" for n in SECRET_NAMES))
    return {name: stored[name] for name in missing}
