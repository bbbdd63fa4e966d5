"""Login throttling: a pure decision over recent failure counts (OWASP's account + address rule).

Per account, a few failures lock that name for the window (a guessing attack on one person);
per address, a larger limit stops one client spraying many names. The counts come from
``console_login_failures`` (:mod:`bot.web.accounts`), so every console process, and every
replica, sees the same counts; a successful login does not clear an address's failures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    """Whether a login attempt may be checked at all, and if not, why (for the audit log)."""

    allowed: bool
    reason: str | None = None


def login_verdict(account_failures: int, address_failures: int, account_limit: int,
                  address_limit: int) -> Verdict:
    """Refuse once the account or the address reached its limit within the window."""
    if account_failures >= account_limit:
        return Verdict(False, "account")
    if address_failures >= address_limit:
        return Verdict(False, "address")
    return Verdict(True)
