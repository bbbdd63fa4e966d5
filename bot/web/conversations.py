"""Conversation pages: the filtered list and the transcript with its rule trace.

Opening a transcript writes a ``transcript_opened`` audit entry (who, when, which
conversation, the customer as a keyed hash). Opening is not reviewing: review records are a
separate, later feature. Marketing may list conversations but is refused (and the refusal is
audited) any transcript with a ``vulnerable-customer`` rule hit: health and hardship are
special-category data, needed by compliance, not by people who tune wording.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from bot.scoring.flow_metrics import FUNNEL_STEPS
from bot.transcripts import audit_log
from bot.transcripts.audit_chain import subject_hash
from bot.transcripts.console_queries import Cursor, list_page
from bot.transcripts.console_transcript import is_vulnerable, transcript_view
from bot.transcripts.models import OUTCOMES
from bot.transcripts.repository import CSAT_BANDS
from bot.web.accounts import Account
from bot.web.listing import (
    count_label,
    funnel_step,
    is_filtered,
    parse_filter,
    query_string,
    rule_titles,
    segments,
)
from bot.web.pages import forbidden, render
from bot.web.studio_data import narrow_to_step

REFUSED = ("This conversation is flagged vulnerable-customer. Only compliance can open it: "
           "it holds special-category information (health, hardship).")


def may_open(account: Account, vulnerable: bool) -> bool:
    """Marketing alone never opens a vulnerable customer's transcript."""
    return not vulnerable or bool(account.roles & {"compliance", "admin"})


async def conversation_list(request: Request) -> Response:
    """GET /conversations: filters, newest first, keyset pages, capped count."""
    params = dict(request.query_params)
    flt, errors = parse_filter(params)
    step = funnel_step(params, errors)
    if step is not None:  # a bar of Studio's funnel: the same conversations it counted
        flt = await run_in_threadpool(narrow_to_step, request.app.state.db, flt, step)
    cursor = Cursor.decode(params["after"]) if params.get("after") else None
    page = await run_in_threadpool(list_page, request.app.state.db, flt, cursor)
    account: Account = request.state.account
    return render(request, "conversations.html", {
        "title": "Conversations", "page": page, "params": params, "errors": errors,
        "count_label": count_label(page.count, page.count_capped, is_filtered(flt)),
        "outcomes": OUTCOMES, "bands": list(CSAT_BANDS), "steps": FUNNEL_STEPS,
        "rules": rule_titles(), "first_page": cursor is None,
        "next_query": query_string(params, page.next_cursor) if page.next_cursor else None,
        "first_query": query_string(params, None),
        "can_open": {r.conversation_id: may_open(account, r.vulnerable) for r in page.rows},
    })


def _audit_open(request: Request, conversation_id: str, sender: str, action: str) -> None:
    state = request.app.state
    audit_log.append(state.db, state.security.audit, request.state.account.username, action,
                     {"conversation_id": conversation_id},
                     subject=subject_hash(state.security.audit.current, sender))


async def transcript_page(request: Request) -> Response:
    """GET /conversations/{conversation_id}: every turn, its trace, the records; audited."""
    db = request.app.state.db
    account: Account = request.state.account
    conversation_id = request.path_params["conversation_id"]
    if not may_open(account, await run_in_threadpool(is_vulnerable, db, conversation_id)):
        view = await run_in_threadpool(transcript_view, db, conversation_id)
        if view is not None:
            await run_in_threadpool(_audit_open, request, conversation_id, view.subject_sender,
                                    "transcript_refused")
        return forbidden(request, account, REFUSED, 403)
    view = await run_in_threadpool(transcript_view, db, conversation_id)
    if view is None:
        return render(request, "error.html", {"title": "Not found",
                                              "message": "No such conversation."}, 404)
    await run_in_threadpool(_audit_open, request, conversation_id, view.subject_sender,
                            "transcript_opened")
    return render(request, "transcript.html", {
        "title": f"Conversation {conversation_id[:8]}", "t": view, "segments": segments,
        "rules": rule_titles(),
    })
