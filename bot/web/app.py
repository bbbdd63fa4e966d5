"""The console web app (its own process and port, never mounted on the public bot endpoint)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route


async def health(request: Request) -> JSONResponse:
    """Liveness probe used by `candor run` and the tests."""
    return JSONResponse({"status": "ok"})


async def home(request: Request) -> HTMLResponse:
    """Placeholder landing page until the review and studio pages land."""
    return HTMLResponse("<!doctype html><title>Candor console</title><h1>Candor console</h1>")


def create_app() -> Starlette:
    """Build the console application."""
    return Starlette(routes=[Route("/", home), Route("/health", health)])
