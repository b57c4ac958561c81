"""The route gate: what the spec promises of a request before any operation reads it, decided
in one layer from the one route table (`mock_server.http.routes`).

- One spelling of a public path: with a trailing slash it is the path without it, so
  `POST /api/v2/sms/send/` is a send, answered (after auth) with a status the spec documents.
  Starlette's router would answer a 307 redirect, before any check of the token, which the spec
  cannot document.
- A concrete path before a templated one: a method a concrete path does not serve is a 405 with
  `Allow` listing all of its methods. Connexion's router would try the templates (`GET
  /api/v2/sms/send` as `getMessage` of the id `send`, a 400), and its own 405 for a control path
  lists one operation's method only.
- The body size limit (`x-max-body-bytes`): an operation that takes a body refuses a larger one
  with a 413, by its Content-Length before reading anything, and while streaming a chunked body
  that announces no length. Only those operations document a 413: any other request's body is
  never read (a GET's is ignored, on both paths), and so is never refused either.

It sits inside connexion's exception middleware, so its problems are rendered like all others.
"""

from __future__ import annotations

from connexion.exceptions import ProblemException
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.http.problems.documents import problem
from mock_server.http.routes import Routes


def _ascii_digits(text: str) -> bool:
    # str.isdigit() alone takes "²" and other digits int() refuses.
    return text.isascii() and text.isdigit()


class RouteGate:
    """`routes` is the table of both specs; `prefix` the public paths' (the trailing-slash rule
    is theirs); `max_body_bytes` the contract's body limit."""

    def __init__(self, app: ASGIApp, *, routes: Routes, prefix: str, max_body_bytes: int) -> None:
        self.app = app
        self.routes = routes
        self.prefix = prefix
        self.limit = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.endswith("/") and path.startswith(self.prefix):
            scope = {**scope, "path": path.rstrip("/")}
            if scope.get("raw_path"):
                scope["raw_path"] = scope["raw_path"].rstrip(b"/")
        method: str = scope["method"]
        match = self.routes.match(scope["path"])
        operation = match.operations.get(method) if match is not None else None
        if match is not None and match.concrete and method not in match.allowed:
            raise ProblemException(
                status=405,
                title="Method Not Allowed",
                detail=f"{scope['path']} does not allow {method}.",
                headers={"Allow": ", ".join(sorted(match.allowed))},
            )
        if operation is not None and operation.takes_body:
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
