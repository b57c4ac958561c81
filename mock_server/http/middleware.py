"""ASGI middleware for what the spec promises outside any one operation: the 1 MiB body limit,
concrete paths before templated ones, one spelling of a path (no trailing slash), and the faults
a user asked for through the control API.

Both sit inside connexion's exception middleware, so the problems they raise are rendered like
every other error.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping

from connexion.exceptions import ProblemException
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.http.faults import Faults
from mock_server.http.problems import problem
from mock_server.http.store_calls import StoreCalls

MAX_BODY_BYTES = 1024 * 1024


def _ascii_digits(text: str) -> bool:
    # str.isdigit() alone takes "²" and other digits int() refuses.
    return text.isascii() and text.isdigit()


class BodyLimitMiddleware:
    """Refuse bodies over `limit` bytes with a 413 — by Content-Length before reading anything,
    and while streaming for chunked bodies that announce no length.

    `bodied` names the operations that take a body (method, path): only those document a 413,
    so only their requests are refused by their Content-Length. Any other request's body is
    never read (a GET's is ignored, on both paths), and so is never refused either.
    """

    def __init__(
        self,
        app: ASGIApp,
        bodied: frozenset[tuple[str, str]],
        limit: int = MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self.bodied = bodied
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        operation = (scope["method"], scope["path"].rstrip("/"))  # as the trailing-slash trim
        if operation in self.bodied:
            declared = Headers(scope=scope).get("content-length")
            if declared is not None and _ascii_digits(declared) and int(declared) > self.limit:
                raise self._too_large()
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise self._too_large()
            return message

        await self.app(scope, counting_receive, send)

    def _too_large(self) -> ProblemException:
        return problem(413, f"The request body is larger than {self.limit} bytes.")


class ConcretePathMiddleware:
    """OpenAPI matches a concrete path before a templated one: `GET /api/v2/sms/send` is a request
    to `/api/v2/sms/send`, which has no GET (405, with `Allow`), not `getMessage` with the id
    `send` (which connexion's router, trying each path-and-method in turn, would answer 400).

    `methods` maps each concrete path of the spec to the methods it serves.
    """

    def __init__(self, app: ASGIApp, methods: Mapping[str, frozenset[str]]) -> None:
        self.app = app
        self.methods = methods

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            allowed = self.methods.get(scope["path"])
            if allowed is not None and scope["method"] not in allowed:
                raise ProblemException(
                    status=405,
                    title="Method Not Allowed",
                    detail=f"{scope['path']} does not allow {scope['method']}.",
                    headers={"Allow": ", ".join(sorted(allowed))},
                )
        await self.app(scope, receive, send)


class TrailingSlashMiddleware:
    """A public path with a trailing slash is the path without it: `POST /api/v2/sms/send/` is a
    send, answered (after auth) with a status the spec documents for it. Starlette's router would
    answer it with a 307 redirect, before any check of the token, which the spec cannot
    document."""

    def __init__(self, app: ASGIApp, prefix: str = "/api/") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            if path.endswith("/") and path.startswith(self.prefix):
                scope = {**scope, "path": path.rstrip("/")}
                if scope.get("raw_path"):
                    scope["raw_path"] = scope["raw_path"].rstrip(b"/")
        await self.app(scope, receive, send)


class FaultMiddleware:
    """Slow down, or fail with a 500, a share of the public API's calls, as the control API set.

    The settings are read on every call (from the shared store), so every worker process obeys
    the same `PUT /_mock/faults`.
    """

    def __init__(
        self,
        app: ASGIApp,
        faults: Callable[[], Faults],
        prefix: str = "/api/",
        rng: random.Random | None = None,
        calls: StoreCalls | None = None,
    ) -> None:
        self.app = app
        self.faults = faults
        self.prefix = prefix
        self.rng = rng or random.Random()
        # Read off the event loop when the store may wait (`store_calls`).
        self.calls = calls or StoreCalls(blocks=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            faults = await self.calls(self.faults)
            if faults.latency_ms:
                await asyncio.sleep(faults.latency_ms / 1000)
            if faults.error_rate and self.rng.random() < faults.error_rate:
                raise problem(500, "A fault injected through the mock's control API.")
        await self.app(scope, receive, send)
