"""Conversation pages: the filtered list and the transcript with its rule trace."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response


async def conversation_list(request: Request) -> Response:
    """GET /conversations."""
    from bot.web.pages import render

    return render(request, "home.html", {"title": "Conversations"})


async def transcript_page(request: Request) -> Response:
    """GET /conversations/{conversation_id}."""
    from bot.web.pages import render

    return render(request, "home.html", {"title": "Transcript"})
