"""The console's route table: every route, its methods and the roles allowed on it.

One table, checked on the server by :func:`bot.web.guard.guarded` and tested route by route for
every role (``tests/web/test_console_access.py``). ``PUBLIC`` routes are the login page and the
customer-facing widget endpoints (health, demo page, survey answers), which never use the
console session. A route missing from this table does not exist.

======================================  ======  ===============================
route                                   method  roles
======================================  ======  ===============================
/                                       GET     compliance, marketing, admin
/conversations                          GET     compliance, marketing
/conversations/{id}                     GET     compliance, marketing (*)
/audit                                  GET     compliance, admin
/users                                  GET     admin
/users/{username}/disable               POST    admin
/logout                                 POST    compliance, marketing, admin
/studio                                 GET     compliance, marketing
/studio/responses[/{name}]              GET     compliance, marketing
/studio/responses/{name}/propose        POST    marketing
/studio/responses/{name}/experiments    POST    marketing
/studio/versions/{id}/review            POST    compliance (never the proposer)
/studio/versions/{id}/retire            POST    compliance, marketing
/studio/experiments/{id}/status         POST    compliance, marketing
/review                                 GET     compliance
/review/fill                            POST    compliance
/review/outcomes                        GET     compliance, marketing (aggregates)
/review/queues/{queue}                  GET     compliance
/review/items/{id}[/claim|reviews|...]  GET/P   compliance (four eyes on escalations)
/holds, /holds/{id}/lift                GET/P   compliance
/exports                                GET/P   compliance
======================================  ======  ===============================

(*) marketing is refused transcripts with a ``vulnerable-customer`` rule hit (special-category
data), in :mod:`bot.web.conversations`.

Single sign-on fits here as an extension point: a middleware that trusts an authenticating
reverse proxy's header (or an OIDC callback route) and creates the same session row; the role
checks stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.routing import Route

from bot.web import conversations, holds, pages, review, studio, studio_responses
from bot.web.guard import guarded
from bot.web.models import ROLES
from bot.web.templating import NAV, NAV_ROLES

PUBLIC = None
EVERYONE = frozenset(ROLES)
REVIEWERS = frozenset({"compliance", "marketing"})
MARKETING = frozenset({"marketing"})
COMPLIANCE = frozenset({"compliance"})


@dataclass(frozen=True)
class RouteSpec:
    """One row of the table; ``roles=None`` is public."""

    path: str
    endpoint: Callable[..., Any]
    methods: tuple[str, ...]
    roles: frozenset[str] | None


ROUTES: tuple[RouteSpec, ...] = (
    RouteSpec("/login", pages.login_form, ("GET",), PUBLIC),
    RouteSpec("/login", pages.login_submit, ("POST",), PUBLIC),
    RouteSpec("/logout", pages.logout, ("POST",), EVERYONE),
    RouteSpec("/", pages.home, ("GET",), EVERYONE),
    RouteSpec("/conversations", conversations.conversation_list, ("GET",), REVIEWERS),
    RouteSpec("/conversations/{conversation_id}", conversations.transcript_page, ("GET",),
              REVIEWERS),
    RouteSpec("/audit", pages.audit_page, ("GET",), frozenset({"compliance", "admin"})),
    RouteSpec("/users", pages.users_page, ("GET",), frozenset({"admin"})),
    RouteSpec("/users/{username}/disable", pages.user_disable, ("POST",), frozenset({"admin"})),
    RouteSpec("/studio", studio.analytics_page, ("GET",), REVIEWERS),
    RouteSpec("/studio/responses", studio_responses.responses_page, ("GET",), REVIEWERS),
    RouteSpec("/studio/responses/{name:path}/propose", studio_responses.propose, ("POST",),
              MARKETING),
    RouteSpec("/studio/responses/{name:path}/experiments", studio.start_experiment, ("POST",),
              MARKETING),
    RouteSpec("/studio/responses/{name:path}", studio_responses.response_page, ("GET",),
              REVIEWERS),
    RouteSpec("/studio/versions/{version_id:int}/review", studio_responses.review, ("POST",),
              COMPLIANCE),
    RouteSpec("/studio/versions/{version_id:int}/retire", studio_responses.retire, ("POST",),
              REVIEWERS),
    RouteSpec("/studio/experiments/{experiment_id:int}/status", studio.experiment_status,
              ("POST",), REVIEWERS),
)

#: Review, legal holds and regulator exports (issue 16): compliance only, except the
#: aggregate outcomes, which marketing may read.
REVIEW_ROUTES: tuple[RouteSpec, ...] = (
    RouteSpec("/review", review.review_home, ("GET",), COMPLIANCE),
    RouteSpec("/review/fill", review.review_fill, ("POST",), COMPLIANCE),
    RouteSpec("/review/outcomes", review.review_outcomes, ("GET",), REVIEWERS),
    RouteSpec("/review/queues/{queue}", review.review_queue, ("GET",), COMPLIANCE),
    RouteSpec("/review/items/{item_id}", review.review_item, ("GET",), COMPLIANCE),
    RouteSpec("/review/items/{item_id}/claim", review.item_claim, ("POST",), COMPLIANCE),
    RouteSpec("/review/items/{item_id}/reviews", review.item_review, ("POST",), COMPLIANCE),
    RouteSpec("/review/items/{item_id}/annotations", review.item_annotate, ("POST",),
              COMPLIANCE),
    RouteSpec("/holds", holds.holds_page, ("GET",), COMPLIANCE),
    RouteSpec("/holds", holds.hold_place, ("POST",), COMPLIANCE),
    RouteSpec("/holds/{hold_id}/lift", holds.hold_lift, ("POST",), COMPLIANCE),
    RouteSpec("/exports", holds.exports_page, ("GET",), COMPLIANCE),
    RouteSpec("/exports", holds.export_download, ("POST",), COMPLIANCE),
)
ROUTES += REVIEW_ROUTES


def allowed_roles(path: str, method: str) -> frozenset[str]:
    """Roles allowed on an exact ``path`` (as written in the table) and method."""
    for spec in ROUTES:
        if spec.path == path and method in spec.methods:
            return spec.roles if spec.roles is not None else EVERYONE
    return frozenset()


def console_routes() -> list[Route]:
    """Starlette routes, each wrapped by the guard with its roles."""
    return [Route(s.path, guarded(s.endpoint, s.roles), methods=list(s.methods))
            for s in ROUTES]


NAV_ROLES.update({path: allowed_roles(path, "GET") for path, _ in NAV})
