"""The fast path: plainly valid calls of the public API answered without connexion's
per-request machinery; every other request goes on to connexion, untouched.

Why: after every saving inside connexion, its middleware stack (routing twice, security,
validation, the parameter decorators) still took about two thirds of the mock's CPU per request
(bench/results/profile.md), which held the mock near Prism's rate. The work the contract needs is
a fraction of that: look up the operation, check the token, validate, call the handler.

Why it answers exactly as connexion would:
- it is built from the same spec, resolved by connexion, and uses the same compiled validators
  (`validation.is_valid`), the same token check and the same handlers;
- it takes a request only in its plain form — one `Authorization: Bearer <token>` of a known
  account, each query parameter once and non-empty, integers written as plain digits, a body
  with a `Content-Length` that `bodies` (the one place connexion's validator
  asks too) reads as JSON — and only when every check passes. Any doubt, and the request goes to
  connexion (with the body it read, replayed, and its decoding kept in the scope, so the body is
  decoded once), and every 4xx the mock answers still comes from one place;
- an error the handler raises (403, 404, a configured 500) is rendered here by the renderer
  connexion's exception middleware uses (`problems.rendering.render`): the handler runs once.

It is the outermost of the app's own layers (inside only starlette's server-error middleware):
the layers inside it cost a tenth of the mock's time per call, for nothing on a plain call. So
it keeps their promises itself for the calls it answers, and hands them every other call: a
body over the size limit (413), a body slower than the time limit (408, from the messages it
read and a receive that has timed out), any fault set through the control API; it tells the one
observer of answers (`mock_server.inbox.observer`) of the calls it answers, as the observing
middleware inside does of the others.

Its routes are the one route table's (`mock_server.http.routes`, from `mock_server.contract`).
Its answers skip connexion's response validation (`validate_responses`), also when that is on:
what holds them to the spec is outside the app — every answer the API suite receives is checked
against the spec (tests/api/answers.py), the contract suite checks them over uvicorn and through
Prism's proxy, and tests/api/test_fast_path.py and tests/robustness hold both paths to the same
answers.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from connexion.decorators.parameter import pythonic
from connexion.lifecycle import ConnexionResponse
from connexion.middleware.exceptions import ExceptionMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.contract import Contract
from mock_server.http.pipeline import bodies
from mock_server.http.pipeline.authorization import bearer_value
from mock_server.http.pipeline.faults import Faults
from mock_server.http.pipeline.store_calls import StoreCalls
from mock_server.http.pipeline.timeouts import DEFAULT_BODY_TIMEOUT_S
from mock_server.http.pipeline.validation import ASCII_INTEGER, is_valid
from mock_server.http.problems.rendering import RENDERED, render, starlette_response
from mock_server.inbox.journal import problem_summary
from mock_server.inbox.observer import CallObserver
from mock_server.sms.store import StoreUnavailableError

Handler = Callable[..., Awaitable[Response]]
TokenCheck = Callable[[str], dict[str, Any] | None]

#: The most digits of an integer taken here (always a 64-bit int); a longer one is connexion's.
_INTEGER_DIGITS = 18
#: Path parameter values taken here; anything else (escapes, dots, ...) is connexion's to judge.
_PLAIN_SEGMENT = re.compile("[A-Za-z0-9_-]+")
#: Operations of these methods are connexion's: its router answers HEAD from a GET and shapes
#: OPTIONS and TRACE itself (a rule of this path, not of the route table).
_ROUTER_METHODS = frozenset({"HEAD", "OPTIONS", "TRACE"})


@dataclass(frozen=True)
class _Param:
    arg: str  # the handler's keyword for it, as connexion's `pythonic_params` names it
    schema: dict[str, Any]
    integer: bool


@dataclass(frozen=True)
class _Operation:
    handler: Handler
    query: Mapping[str, _Param] = field(default_factory=dict)
    required_query: frozenset[str] = frozenset()
    path: Mapping[str, _Param] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None  # the application/json schema, if it takes a body


class _NotPlainError(Exception):
    """Not an error: the signal that a request is not in the plain form this path takes, so
    connexion answers it. `replay` holds the messages of the body already received, if any;
    `timed_out`, that the rest of the body did not come in time."""

    def __init__(self, replay: list[Message] | None = None, *, timed_out: bool = False) -> None:
        super().__init__()
        self.replay = replay
        self.timed_out = timed_out


async def _timed_out() -> Message:
    """The receive connexion gets after a body the fast path gave up waiting for: its body time
    limit (`mock_server.http.pipeline.timeouts`) answers the 408."""
    raise TimeoutError


_NO_FAULTS = Faults()


def _no_faults() -> Faults:
    return _NO_FAULTS


def _internal_error(exc: Exception) -> Response:
    """The answer connexion's exception middleware gives an unexpected exception (logged), for
    one raised here, outside it."""
    return starlette_response(ExceptionMiddleware.common_error_handler(None, exc))


def _param(spec: dict[str, Any]) -> _Param | None:
    schema = spec.get("schema", {})
    if schema.get("type") not in ("string", "integer") or "content" in spec:
        return None
    return _Param(pythonic(spec["name"]), schema, schema["type"] == "integer")


def _bearer_only(spec: Mapping[str, Any], operation: Mapping[str, Any]) -> bool:
    """Whether the operation asks for one HTTP bearer scheme and nothing else."""
    requirements = operation.get("security", spec.get("security", []))
    if len(requirements) != 1 or len(requirements[0]) != 1:
        return False
    (name,) = requirements[0]
    scheme = spec.get("components", {}).get("securitySchemes", {}).get(name, {})
    return bool(scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer")


def _operation(
    spec: Mapping[str, Any], item: Mapping[str, Any], operation: Mapping[str, Any], handler: Handler
) -> _Operation | None:
    """The operation as this path runs it, or None if it takes forms this path does not check
    (headers, cookies, arrays, other media types, other security): those stay connexion's."""
    if not _bearer_only(spec, operation) or "x-body-name" in operation.get("requestBody", {}):
        return None  # (x-body-name would rename the handler's `body` argument)
    merged = {
        (p["name"], p["in"]): p
        for p in [*item.get("parameters", []), *operation.get("parameters", [])]
    }
    query: dict[str, _Param] = {}
    path: dict[str, _Param] = {}
    defaults: dict[str, Any] = {}
    required_query: set[str] = set()
    for (name, where), parameter in merged.items():
        compiled = _param(parameter)
        if compiled is None or where not in ("query", "path"):
            return None
        (query if where == "query" else path)[name] = compiled
        if where == "query" and parameter.get("required"):
            required_query.add(name)
        if "default" in parameter.get("schema", {}):
            defaults[compiled.arg] = parameter["schema"]["default"]
    body = None
    if "requestBody" in operation:
        content = operation["requestBody"].get("content", {})
        if set(content) != {"application/json"}:
            return None
        body = content["application/json"]["schema"]
    return _Operation(handler, query, frozenset(required_query), path, defaults, body)


class FastPath:
    """ASGI middleware answering plainly valid public calls (see the module docstring).

    `contract` gives the routes, the body size limit and the problems' bounds; `handlers` maps
    an operationId to its handler; `token_info` is the security handler's check, returning None
    for a bad token. The rest are the promises of the layers inside it, kept for the calls it
    answers: the faults in force, the observer of answers, the body's time limit.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        contract: Contract,
        handlers: Callable[[str], Handler],
        token_info: TokenCheck,
        faults: Callable[[], Faults] = _no_faults,
        reads_together: Callable[[], AbstractContextManager[None]] = nullcontext,
        observer: CallObserver | None = None,
        body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S,
        calls: StoreCalls | None = None,
        store_failed: Callable[[Exception], ConnexionResponse] | None = None,
    ) -> None:
        self.app = app
        self.routes = contract.routes
        # How the faults are read (off the loop for a store that may wait, as the handlers do),
        # and the problem a failing store is answered with.
        self.calls = calls or StoreCalls(blocks=False)
        self.store_failed = store_failed or functools.partial(
            ExceptionMiddleware.common_error_handler, None
        )
        self.token_info = token_info
        self.faults = faults
        self.reads_together = reads_together
        self.observer = observer
        self.body_limit = contract.max_body_bytes
        self.bounds = contract.problem_bounds
        self.body_timeout_s = body_timeout_s
        #: The operations this path runs, by (method, path template): the public API's, those
        #: in forms it checks.
        self.operations: dict[tuple[str, str], _Operation] = {}
        for route in self.routes.operations():
            if route.base == "" and route.method not in _ROUTER_METHODS:
                handler = handlers(route.operation_id)
                compiled = _operation(contract.public, route.item, route.spec, handler)
                if compiled is not None:
                    self.operations[(route.method, route.path)] = compiled

    def _route(self, method: str, path: str) -> tuple[_Operation, Mapping[str, str]] | None:
        match = self.routes.match(path)
        if match is None:
            return None
        operation = self.operations.get((method, match.template))
        if operation is None or not all(map(_PLAIN_SEGMENT.fullmatch, match.values.values())):
            return None
        return operation, match.values

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._route(scope["method"], scope["path"]) if scope["type"] == "http" else None
        if route is None:
            await self.app(scope, receive, send)
            return
        operation, path_values = route
        messages: list[Message] | None = None
        account: str | None = None
        try:
            headers = _plain_headers(scope)
            token = bearer_value(headers.get(b"authorization", b""))  # (one: _plain_headers)
            # The faults and the run-time accounts live in the store: one trip off the loop.
            token_info = None if token is None else await self.calls(self._checked, token)
            if token_info is None:
                raise _NotPlainError
            kwargs = self._arguments(
                operation, path_values, scope.get("query_string", b""), token_info
            )
            account = kwargs["token_info"]["sub"]
            if operation.body is not None:
                messages = await self._read_body(receive, headers)
                kwargs["body"] = _json_body(scope, headers, messages, operation)
            response = await operation.handler(**kwargs)
        except _NotPlainError as hand_on:
            rest = _timed_out if hand_on.timed_out else receive
            replayed = rest if hand_on.replay is None else bodies.replay(hand_on.replay, rest)
            await self.app(scope, replayed, send)
            return
        except StoreUnavailableError as exc:
            # Answered here: connexion's call would wait for the failing store a second time.
            response = starlette_response(self.store_failed(exc))
        except RENDERED as exc:
            response = render(exc, self.bounds)
        except Exception as exc:  # a bug or a failing store: what connexion answers
            response = _internal_error(exc)
        try:
            await response(scope, receive, send)
        finally:  # also when the client is gone: the call was made
            self._answered(scope, response, account)

    def _checked(self, token: str) -> dict[str, Any] | None:
        """The token's `token_info` when no fault is set; else None (the layers inside answer).
        If the faults cannot be read (a failing store), the layers inside answer too, within
        connexion's error handling. Runs on a store thread (the reads may wait), and reads the
        faults and the accounts' generation together (`StateStore.reading_together`)."""
        with ExitStack() as block:
            try:
                block.enter_context(self.reads_together())
                if self.faults() != _NO_FAULTS:
                    return None
            except Exception:  # see the docstring
                return None
            return self.token_info(token)

    def _answered(self, scope: Scope, response: Response, account: str | None) -> None:
        """Tell the observer, as the observing middleware inside tells it of other calls."""
        if self.observer is not None:
            problem = problem_summary(response.body) if response.status_code >= 400 else None
            self.observer.answered(
                scope["method"], scope["path"], response.status_code, account, problem
            )

    async def _read_body(self, receive: Receive, headers: Mapping[bytes, bytes]) -> list[Message]:
        """The messages of the whole body, when it came as announced: with a Content-Length it
        matches, within the size and time limits. Otherwise (a client gone mid-body included)
        connexion gets the messages received so far, in order, then the rest, and answers as it
        would have."""
        if b"transfer-encoding" in headers:
            raise _NotPlainError
        length = headers.get(b"content-length", b"")
        if not length.isdigit() or int(length) > self.body_limit:
            raise _NotPlainError
        messages: list[Message] = []
        try:
            async with asyncio.timeout(self.body_timeout_s):
                while True:
                    message = await receive()
                    messages.append(message)
                    if message["type"] != "http.request":
                        raise _NotPlainError(messages)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            raise _NotPlainError(messages, timed_out=True) from None
        if len(bodies.body_bytes(messages)) != int(length):
            raise _NotPlainError(messages)
        return messages

    def _arguments(
        self,
        operation: _Operation,
        path_values: Mapping[str, str],
        query_string: bytes,
        token_info: dict[str, Any],
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"token_info": token_info, **operation.defaults}
        for name, value in path_values.items():
            kwargs[operation.path[name].arg] = _value(operation.path[name], value)
        kwargs.update(_query(operation, query_string))
        return kwargs


def _plain_headers(scope: Scope) -> dict[bytes, bytes]:
    """The request's headers by lower-case name; a header given twice is not plain."""
    headers: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        if name in headers:
            raise _NotPlainError
        headers[name] = value
    return headers


def _query(operation: _Operation, query_string: bytes) -> dict[str, Any]:
    # Raw bytes beyond ASCII, and escapes that are not UTF-8 (which parse_qsl turns into U+FFFD
    # silently), are spelled differently by starlette's Latin-1 reading: connexion judges them.
    if not query_string.isascii():
        raise _NotPlainError
    pairs = parse_qsl(query_string.decode("ascii"), keep_blank_values=True)
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names) or not operation.required_query.issubset(names):
        raise _NotPlainError
    values: dict[str, Any] = {}
    for name, text in pairs:
        param = operation.query.get(name)
        if param is None or not text or "\ufffd" in text:
            raise _NotPlainError
        values[param.arg] = _value(param, text)
    return values


def _value(param: _Param, text: str) -> Any:
    if param.integer:
        if len(text) > _INTEGER_DIGITS or not ASCII_INTEGER.match(text):
            raise _NotPlainError
        value: Any = int(text)
    else:
        value = text
    if not is_valid(param.schema, value):
        raise _NotPlainError
    return value


def _json_body(
    scope: Scope, headers: Mapping[bytes, bytes], messages: list[Message], operation: _Operation
) -> Any:
    """The body as `bodies` reads it, if it passes the operation's schema. If not, connexion
    answers, from the decoding kept in the scope."""
    decoded = scope[bodies.SCOPE_KEY] = bodies.decode(
        headers.get(b"content-type"),
        headers.get(b"content-encoding"),
        bodies.body_bytes(messages),
    )
    if decoded.problem is not None or decoded.value is None:
        raise _NotPlainError(messages)
    assert operation.body is not None
    if not is_valid(operation.body, decoded.value):
        raise _NotPlainError(messages)
    return decoded.value
