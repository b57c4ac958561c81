"""The request journal: the last public calls, with their status and, when refused, the problem.

A developer whose app got a 400 sees why in the inbox page (or `GET /_mock/requests`) without
adding logging to the app. Each public call (under the contract's prefix, `/api/`) is recorded
as its answer leaves, by the one observer of answers (`observer.CallObserver`): the fast path
tells it of its own answers, and `ObservingMiddleware`, outside connexion's exception
middleware, of every other (the problems connexion renders and the injected faults alike). The
journal is one process's memory, bounded (the oldest entries go first); with several workers
each keeps its own.

What is recorded: time (the wall clock), method, path, the operationId it called (None for a path
or method the API does not have), status, the account of a known token, and the title, detail
and errors of a problem. Never the token, the query or the body.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.http.pipeline.authorization import bearer_token
from mock_server.http.pipeline.store_calls import StoreCalls
from mock_server.sms.store import StoreUnavailableError

#: A problem body longer than this is not quoted (the mock's own problems are far shorter).
_MAX_PROBLEM_BYTES = 64 * 1024
_PROBLEM = b"application/problem+json"

Entry = dict[str, Any]


class RequestJournal:
    """The last `size` calls, newest last (listed newest first). The size unless
    `--journal-size` / `AATROX_MOCK_JOURNAL_SIZE` say otherwise is control.yaml's (the `default`
    of the `size` it lists: `mock_server.contract.Contract.journal_size`)."""

    def __init__(
        self, size: int, operation_of: Callable[[str, str], str | None] | None = None
    ) -> None:
        if size < 0:
            raise ValueError(f"the journal size must be 0 or more, not {size}")
        self.size = size
        # The app gives the route table's `operation_id`; a bare journal names no operation.
        self._operation_of = operation_of or (lambda method, path: None)
        self._entries: deque[Entry] = deque(maxlen=size)

    def record(self, entry: Entry) -> None:
        self._entries.append(entry)  # deque.append is atomic: threads may share a journal

    def record_call(
        self, method: str, path: str, status: int, account: str | None, problem: Entry | None
    ) -> None:
        """Record one call as it was answered (the middleware's, and the fast path's)."""
        entry: Entry = {
            "time": datetime.now(UTC),
            "method": method,
            "path": path,
            "operation_id": self._operation_of(method, path),
            "status": status,
            "account": account,
        }
        if problem:
            entry["problem"] = problem
        self.record(entry)

    def clear(self) -> None:
        self._entries.clear()

    def flush(self) -> None:
        """Wait until recorded calls are kept (nothing to wait for: they are, in memory)."""

    def entries(self, status: int | None = None, path: str | None = None) -> list[Entry]:
        """Newest first; `status` matches exactly, `path` anywhere in the path."""
        return [
            entry
            for entry in reversed(list(self._entries))
            if (status is None or entry["status"] == status)
            and (path is None or path in entry["path"])
        ]


class Observer(Protocol):
    """What `ObservingMiddleware` tells of each call (`observer.CallObserver`)."""

    def records(self, path: str) -> bool: ...

    def answered(
        self, method: str, path: str, status: int, account: str | None, problem: Entry | None
    ) -> None: ...


class ObservingMiddleware:
    """Tells `observer` of every call it passes on, as the answer leaves: method, path, status,
    and for a call the journal records the account of its token and the problem it answered.

    `account_of` names the account of a token (None for an unknown one): the journal shows
    which account called, never the token itself.
    """

    def __init__(
        self,
        app: ASGIApp,
        observer: Observer,
        account_of: Callable[[str], str | None],
        calls: StoreCalls | None = None,
    ) -> None:
        self.app = app
        self.observer = observer
        self.account_of = account_of
        # `account_of` reads the run-time accounts, which live in the store.
        self.calls = calls or StoreCalls(blocks=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self.observer.records(scope["path"]):
            try:
                await self.app(scope, receive, send)
            finally:
                # Not journaled: only the method matters (for the stream's cue).
                self.observer.answered(scope["method"], scope["path"], 0, None, None)
            return
        status = 500  # what the server error middleware answers if the app raises
        problem_body: bytearray | None = None

        async def recording_send(message: Message) -> None:
            nonlocal status, problem_body
            if message["type"] == "http.response.start":
                status = message["status"]
                if _content_type(message["headers"]).startswith(_PROBLEM):
                    problem_body = bytearray()
            elif problem_body is not None and len(problem_body) <= _MAX_PROBLEM_BYTES:
                problem_body += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            self.observer.answered(
                scope["method"],
                scope["path"],
                status,
                await self._account(scope),
                problem_summary(problem_body),
            )

    async def _account(self, scope: Scope) -> str | None:
        # The reading authentication makes (`authorization`): the journal names whom it let in.
        token = bearer_token(scope["headers"])
        if token is None:
            return None
        try:
            return await self.calls(self.account_of, token)
        except StoreUnavailableError:  # the call itself was answered: journal it unattributed
            return None


def _content_type(headers: list[tuple[bytes, bytes]]) -> bytes:
    for name, value in headers:
        if name.lower() == b"content-type":
            return bytes(value).lower()
    return b""


def problem_summary(body: bytes | bytearray | memoryview | None) -> Entry | None:
    """The title, detail and errors of a problem document, those that are there."""
    if body is None or len(body) > _MAX_PROBLEM_BYTES:
        return None
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(parsed, dict):
        return None
    kinds = {"title": str, "detail": str, "errors": list}
    return {key: parsed[key] for key, kind in kinds.items() if isinstance(parsed.get(key), kind)}
