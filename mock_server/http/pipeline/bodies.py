"""The one place that reads a request body: its media type, its content coding, its bytes, its JSON.

Both paths ask here — the fast path (`fast_path`) and connexion's body validator
(`validation`) — and the result is kept in the request's scope, so the body is
decoded once and the value the validator checks is the value the handler gets
(`SharedBodyRequest`). Connexion's own readings of the Content-Type (string splitting, which
crashed on a parameter holding a `/`, and which guessed bytes for a body with no Content-Type)
are never consulted.

What is read as JSON:
- Media type: `application/json`, in any case, parsed with python-multipart's
  `parse_options_header` — the parser starlette and connexion themselves use, maintained and typed,
  quoted parameters and all, in about 2 µs (the stdlib's `email` header parser takes 12 to 115 µs
  and answers `text/plain` for a value it cannot read). No Content-Type at all: the body is taken
  as JSON, what the operation consumes (RFC 9110, section 8.3, lets the recipient decide).
  Anything else is a 415.
- Charset: none, or `utf-8`. JSON is UTF-8 (RFC 8259, section 8.1); a body declared in another
  charset would be read wrongly, so it is a 415 that says so.
- Content-Encoding: none, or `identity`. Anything else (gzip, ...) is a 415.
- The bytes: strict UTF-8, then JSON without the extensions Python's parser allows by default
  (NaN, Infinity, -Infinity) and without numbers that overflow to infinity (`1e400`): a
  non-finite number is a 400 naming its field. Deeper nesting than the parser recurses, more
  digits than Python converts: 400s naming `body`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest
from python_multipart.multipart import parse_options_header
from starlette.types import Message, Receive, Scope

from mock_server.http.problems.documents import bad_request, problem, quoted

JSON = "application/json"
_JSON = JSON.encode()
#: Where a request's decoded body is kept in its ASGI scope.
SCOPE_KEY = "aatrox.body"


@dataclass(frozen=True)
class Decoded:
    """A body as read: its JSON value (None for no body), or the problem that refused it."""

    value: Any = None
    problem: ProblemException | None = None


class _NotFiniteError(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotFiniteError(name)


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _NotFiniteError(text)
    return number


class _Marked:
    """Stands in for a non-finite number while looking for where they are."""


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)
_MARKING = json.JSONDecoder(
    parse_constant=lambda _name: _Marked(),
    parse_float=lambda text: _Marked() if not math.isfinite(float(text)) else float(text),
)


def header_values(scope: Scope) -> tuple[bytes | None, bytes | None]:
    """The request's Content-Type and Content-Encoding; a field given twice is joined with a
    comma, as HTTP combines list fields (a Content-Type that is two types is then not JSON)."""
    found: dict[bytes, list[bytes]] = {}
    for name, value in scope["headers"]:
        if name in (b"content-type", b"content-encoding"):
            found.setdefault(name, []).append(value)
    return tuple(  # type: ignore[return-value]
        b", ".join(found[name]) if name in found else None
        for name in (b"content-type", b"content-encoding")
    )


def media_problem(
    content_type: bytes | None, content_encoding: bytes | None
) -> ProblemException | None:
    """The 415 for a body this API does not read as JSON, or None if it does."""
    if content_type is not None and content_type != _JSON:
        media_type, parameters = parse_options_header(content_type)
        if media_type != _JSON:
            sent = quoted(content_type.decode("latin-1"))
            return problem(415, f"Content-Type {sent} is not JSON: send application/json.")
        charsets = [value for key, value in parameters.items() if key.lower() == b"charset"]
        if charsets and charsets[0].lower() != b"utf-8":
            sent = quoted(charsets[0].decode("latin-1"))
            return problem(
                415, f"charset {sent} is not read: JSON is UTF-8 (RFC 8259); send charset=utf-8."
            )
    if content_encoding is not None:
        codings = [c.strip().lower() for c in content_encoding.split(b",")]
        if any(coding not in (b"", b"identity") for coding in codings):
            sent = quoted(content_encoding.decode("latin-1"))
            exc = problem(
                415, f"Content-Encoding {sent} is not supported: send the body unencoded."
            )
            exc.headers = {"Accept-Encoding": "identity"}  # RFC 9110, section 12.5.3
            return exc
    return None


def parse_json(raw: bytes) -> Any:
    """`raw` as JSON (None when empty), or a 400 problem naming what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad_request([("body", f"is not valid UTF-8 text: {exc}")]) from None
    if not text:
        return None
    try:
        return _DECODER.decode(text)
    except _NotFiniteError:
        try:  # where they are; the text may also fail to parse further on
            problem = bad_request(_non_finite_fields(_MARKING.decode(text)))
        except (ValueError, RecursionError) as exc:
            problem = _unreadable(exc)
    except (ValueError, RecursionError) as exc:
        problem = _unreadable(exc)
    raise problem from None


def _unreadable(exc: ValueError | RecursionError) -> ProblemException:
    if isinstance(exc, json.JSONDecodeError):
        return bad_request([("body", f"is not valid JSON: {exc}")])
    if isinstance(exc, RecursionError):  # arrays or objects nested deeper than the parser recurses
        return bad_request([("body", "is nested too deeply to parse")])
    # an integer of more digits than Python converts (4300)
    return bad_request([("body", f"holds a number this server cannot read: {exc}")])


def _non_finite_fields(marked: Any) -> list[tuple[str, str]]:
    """Each field holding NaN, Infinity or a number too large for a float, by path."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [("", marked)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _Marked):
            found.append((path or "body", "is not a finite number"))
        elif isinstance(value, dict):
            stack.extend((f"{path}.{key}" if path else str(key), v) for key, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", v) for index, v in enumerate(value))
    return sorted(found)


def decode(content_type: bytes | None, content_encoding: bytes | None, raw: bytes) -> Decoded:
    """The body of a request with these headers, read as JSON, or the problem refusing it."""
    refused = media_problem(content_type, content_encoding)
    if refused is not None:
        return Decoded(problem=refused)
    try:
        return Decoded(parse_json(raw))
    except ProblemException as exc:
        return Decoded(problem=exc)


def body_bytes(messages: Iterable[Message]) -> bytes:
    return b"".join(message.get("body", b"") for message in messages)


async def json_body(scope: Scope, receive: Receive) -> tuple[Any, Receive]:
    """The request's body as JSON, read and decoded once (kept in `scope`), with a `receive` that
    replays what was read; raises the problem that refuses it."""
    decoded: Decoded | None = scope.get(SCOPE_KEY)
    if decoded is None:
        messages: list[Message] = []
        more_body = True
        while more_body:
            message = await receive()
            messages.append(message)
            more_body = message.get("more_body", False) and message["type"] == "http.request"
        decoded = scope[SCOPE_KEY] = decode(*header_values(scope), body_bytes(messages))
        receive = replay(messages, receive)
    if decoded.problem is not None:
        raise decoded.problem
    return decoded.value, receive


def replay(messages: list[Message], receive: Receive) -> Receive:
    """A `receive` that gives `messages` first, then what the client sends next."""
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


class SharedBodyRequest(ConnexionRequest):  # type: ignore[misc]
    """The request a connexion handler is called with: its body is the value the request
    validator checked, not connexion's second reading of the bytes."""

    @property
    def content_type(self) -> str:
        return JSON if SCOPE_KEY in self.scope else super().content_type

    @property
    def mimetype(self) -> str:
        return JSON if SCOPE_KEY in self.scope else super().mimetype

    async def form(self) -> dict[str, Any]:
        """No form is read: every operation takes JSON, and connexion would otherwise parse a
        multipart or urlencoded body even of an operation that takes none (a 400 from starlette's
        parser on a GET)."""
        return {}

    async def files(self) -> dict[str, Any]:
        return {}

    async def get_body(self) -> Any:
        decoded: Decoded | None = self.scope.get(SCOPE_KEY)
        return None if decoded is None else decoded.value
