"""The console's Jinja2 environment (autoescaping on) and its navigation.

The navigation is derived from the route table, so a link is shown exactly when the route
would let the user in.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from starlette.templating import Jinja2Templates

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))  # autoescapes .html
NAV: tuple[tuple[str, str], ...] = (
    ("/", "Home"), ("/conversations", "Conversations"), ("/review", "Review"),
    ("/review/outcomes", "Review outcomes"), ("/holds", "Legal holds"), ("/exports", "Exports"),
    ("/studio", "Studio"), ("/studio/responses", "Responses"), ("/audit", "Audit log"),
    ("/users", "Users"),
)


#: Roles allowed to GET each navigation path; the route table fills it when it is built
#: (:mod:`bot.web.routes`), so the pages it serves need not import it back.
NAV_ROLES: dict[str, frozenset[str]] = {}


def nav_for(roles: frozenset[str]) -> list[tuple[str, str]]:
    """The links a user holding ``roles`` may follow."""
    if not roles:
        return []
    return [(path, label) for path, label in NAV if NAV_ROLES.get(path, frozenset()) & roles]


def utc_time(value: datetime | None) -> str:
    """``2026-11-29 14:30:05 UTC`` (what reviewers compare with other records)."""
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


TEMPLATES.env.filters["utc"] = utc_time
