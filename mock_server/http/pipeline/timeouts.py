"""A time limit on a request's body: a client that announces a body and then stalls (or trickles
it) is answered 408 and its connection closed, instead of holding the connection forever.

The other limits are uvicorn's: `timeout_keep_alive` closes an idle connection between requests
(the command line sets it). uvicorn has no limit on the time a request's headers take to arrive
(encode/uvicorn#157), and an ASGI app only runs once they have: the README says so.

Why 408 and not a silent close: an ASGI app cannot close a connection without answering (uvicorn
answers 500 for an app that returns without a response), and 408 is what RFC 9110 names this
case; the spec documents it on every operation that takes a body. `Connection: close` makes
uvicorn drop the connection after the answer, as RFC 9110 asks of a server sending 408.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.http.problems.documents import problem

#: Seconds a request's whole body may take to arrive, by default.
DEFAULT_BODY_TIMEOUT_S = 10.0


class BodyTimeoutMiddleware:
    """The body of a request must arrive whole within `timeout` seconds of the request's start;
    else a 408 problem, `Connection: close`. Once the body is complete, `receive` is no longer
    bounded (a response may wait on it for the client's disconnect)."""

    def __init__(self, app: ASGIApp, timeout: float = DEFAULT_BODY_TIMEOUT_S) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.timeout
        complete = False

        async def bounded_receive() -> Message:
            nonlocal complete
            if complete:
                return await receive()
            try:
                # asyncio.timeout, not wait_for: no task is made for each body read.
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise self._timed_out() from None
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await self.app(scope, bounded_receive, send)

    def _timed_out(self) -> Exception:
        exc: Exception = problem(
            408, f"The request body did not arrive within {self.timeout:g} seconds."
        )
        exc.headers = {"Connection": "close"}  # type: ignore[attr-defined]
        return exc
