"""The action server endpoint Rasa calls: a short timeout and a circuit breaker.

Rasa 3.6 waits up to five minutes for a custom action (``DEFAULT_REQUEST_TIMEOUT``): an
action server that accepts connections but does not answer (stuck, or starting up under load)
holds the customer's turn, and every other turn that needs it, that long. Candor wraps the
configured ``action_endpoint`` so that

- each call waits at most ``CANDOR_ACTION_TIMEOUT`` seconds (default 5; a healthy action
  server answers in milliseconds);
- a timed-out call opens a breaker for ``cooldown`` seconds, during which calls fail at once
  instead of each waiting out the timeout; the first call after that tries again. A refused or
  reset connection fails at once anyway, so it opens no breaker: the next call tries again,
  and an action server that has just been restarted is used straight away;
- a failure is raised as :class:`ActionServerUnreachable`, a connection error, so Rasa handles
  it as it handles a refused connection: it logs it and carries on without that action's
  events. What the customer then gets is Candor's design for a missing action server: the
  guard policy sends the AI disclosure itself when ``action_session_start`` could not, replies
  that need no action go out, and a turn left with no reply is answered 503 E026.

An action server that answers with an HTTP error (the action raised, or rejected) is up: that
keeps Rasa's own handling and does not open the breaker.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import aiohttp
from rasa.utils.endpoints import EndpointConfig

from bot.errors import Errors

logger = logging.getLogger(__name__)

#: Seconds the breaker stays open after a failed call.
DEFAULT_COOLDOWN = 2.0


class ActionServerUnreachable(aiohttp.ClientConnectionError):
    """The action server refused, reset or did not answer in time (E029)."""


class BoundedActionEndpoint(EndpointConfig):
    """An ``EndpointConfig`` whose calls time out quickly and fail fast while the server is down."""

    def __init__(self, timeout: float, cooldown: float = DEFAULT_COOLDOWN, **config: Any) -> None:
        super().__init__(**config)
        self.timeout = timeout
        self.cooldown = cooldown
        self._open_until = 0.0

    @classmethod
    def wrapping(cls, endpoint: EndpointConfig, timeout: float,
                 cooldown: float = DEFAULT_COOLDOWN) -> BoundedActionEndpoint:
        """The same endpoint (URL, headers, token, ...) with the timeout and breaker."""
        return cls(timeout, cooldown, url=endpoint.url, params=endpoint.params,
                   headers=endpoint.headers, basic_auth=endpoint.basic_auth,
                   token=endpoint.token, token_name=endpoint.token_name,
                   cafile=endpoint.cafile, type=endpoint.type, **endpoint.kwargs)

    async def request(self, method: str = "post", subpath: str | None = None,
                      content_type: str | None = "application/json", compress: bool = False,
                      **kwargs: Any) -> Any:
        """Call the action server, or raise :class:`ActionServerUnreachable` (E029)."""
        if time.monotonic() < self._open_until:
            raise self._unavailable("not answering a moment ago; breaker open")
        kwargs["timeout"] = aiohttp.ClientTimeout(total=self.timeout)
        try:
            return await super().request(method, subpath, content_type, compress, **kwargs)
        except asyncio.TimeoutError as err:
            self._open_until = time.monotonic() + self.cooldown
            raise self._unavailable(type(err).__name__) from err
        except aiohttp.ClientConnectionError as err:
            raise self._unavailable(type(err).__name__) from err

    def _unavailable(self, cause: str) -> ActionServerUnreachable:
        message = Errors.E029.format(url=self.url, cause=cause)
        logger.error(message)
        return ActionServerUnreachable(message)
