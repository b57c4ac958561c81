"""What a failed check says: which operation and status, where (a body field, the status, a
header), what the spec says, what came back (the offending value, quoted and bounded), who
found it, and a curl command that reproduces the call with the token masked.

Schemathesis's failures and Prism's `sl-violations` entries are turned into the same shape, so
that the report treats both opinions alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from schemathesis.core.failures import Failure, ServerError
from schemathesis.openapi.checks import (
    JsonSchemaError,
    MalformedMediaType,
    MissingContentType,
    MissingHeaders,
    UndefinedContentType,
    UndefinedStatusCode,
)

#: The longest quoted value: a whole message list would drown the point.
MAX_QUOTE = 160

SCHEMATHESIS = "schemathesis"
PRISM = "prism"
EXPECTATION = "expected status"


@dataclass(frozen=True)
class Violation:
    operation: str
    #: The status row of the report this counts against (the documented one a negative case
    #: asked for, else the one that came back).
    status: int
    where: str
    spec_says: str
    got: str
    found_by: str
    curl: str
    detail: str = ""

    def same_as(self, other: Violation) -> bool:
        """The same finding (by the same checker), whatever call or value it came from."""
        return (self.operation, self.status, self.where, self.spec_says, self.found_by) == (
            other.operation,
            other.status,
            other.where,
            other.spec_says,
            other.found_by,
        )

    def lines(self) -> list[str]:
        """The violation as the console prints it (the caller indents)."""
        lines = [
            f"{self.operation} {self.status}: {self.where}  [{self.found_by}]",
            f"  spec says: {self.spec_says}",
            f"  got:       {self.got}",
        ]
        if self.detail:
            lines.append(f"  detail:    {self.detail}")
        lines.append(f"  reproduce: {self.curl}")
        return lines


def quote(value: object) -> str:
    """`value` as JSON, cut at MAX_QUOTE characters (the cut is marked)."""
    text = value if isinstance(value, str) and value.startswith("<") else _json(value)
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1] + "…"


def _json(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    except (TypeError, ValueError):
        return repr(value)


def _pointer(path: object) -> str:
    parts = [str(part) for part in path] if isinstance(path, list | tuple) else []
    return "/" + "/".join(parts)


def from_failure(
    failure: Failure, *, operation: str, status: int, curl: str, body: str
) -> Violation:
    """A schemathesis failure, with the field or status it is about and the value it got."""
    where, spec_says, got, detail = _describe(failure, status, body)
    return Violation(
        operation=operation,
        status=status,
        where=where,
        spec_says=spec_says,
        got=got,
        found_by=f"{SCHEMATHESIS}: {failure.title}",
        curl=curl,
        detail=detail,
    )


def _describe(failure: Failure, status: int, body: str) -> tuple[str, str, str, str]:
    """(where, what the spec says, what came back, a one-line explanation)."""
    if isinstance(failure, JsonSchemaError):
        keyword = str(failure.schema_path[-1]) if failure.schema_path else "schema"
        wanted = failure.schema.get(keyword, failure.schema) if failure.schema else keyword
        got = failure.instance
        if keyword in ("required", "additionalProperties") and isinstance(got, dict):
            got = f"<an object with {quote(sorted(got))}>"  # the names are the point
        return (
            f"body {_pointer(failure.instance_path)}",
            f"{keyword}: {quote(wanted)}",
            quote(got),
            failure.validation_message,
        )
    if isinstance(failure, UndefinedStatusCode):
        documented = ", ".join(failure.defined_status_codes)
        return "status", f"one of {documented}", f"{status}, body {quote(_parsed(body))}", ""
    if isinstance(failure, UndefinedContentType):
        return (
            "Content-Type",
            " or ".join(failure.defined_content_types),
            quote(failure.content_type),
            "",
        )
    if isinstance(failure, MissingContentType):
        return "Content-Type", " or ".join(failure.media_types), "<no Content-Type header>", ""
    if isinstance(failure, MalformedMediaType):
        return "Content-Type", failure.defined, quote(failure.actual), "not a media type"
    if isinstance(failure, MissingHeaders):
        return (
            "headers",
            f"required: {', '.join(failure.missing_headers)}",
            "<missing>",
            "",
        )
    if isinstance(failure, ServerError):
        status_and_body = f"{status}, body {quote(_parsed(body))}"
        return "status", "no server error for a valid call", status_and_body, ""
    first_line = failure.message.strip().splitlines()[0] if failure.message.strip() else ""
    return "response", failure.title, quote(_parsed(body)), first_line


def _parsed(body: str) -> object:
    """A JSON body as its value (quoted without a second layer of escapes), else the text."""
    try:
        value: object = json.loads(body)
    except ValueError:
        return body
    return value


def from_prism(
    entry: dict[str, Any], *, operation: str, status: int, curl: str, document: object
) -> Violation:
    """One response entry of Prism's `sl-violations` header; the value it names is looked up
    in the response `document` (parsed JSON) when the location points into the body."""
    location = [str(part) for part in entry.get("location", [])]
    message = str(entry.get("message", ""))
    where, got = "response", f"status {status}, see the response"
    if location[1:2] == ["body"]:
        where, got = f"body {_pointer(location[2:])}", quote(_lookup(document, location[2:]))
    elif location[1:2] == ["headers"]:
        where, got = f"header {'.'.join(location[2:])}", "<see the response headers>"
    code = entry.get("code")
    return Violation(
        operation=operation,
        status=status,
        where=where,
        spec_says=str(code) if code is not None else quote(message),
        got=got,
        found_by=f"{PRISM}: {entry.get('severity', 'Error')}",
        curl=curl,
        detail=message if code is not None else "",
    )


def _lookup(document: object, path: list[str]) -> object:
    node = document
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return "<absent>"
    return node


def unexpected_status(
    *, operation: str, expected: int, got: int, why: str, curl: str, body: str
) -> Violation:
    """A negative case the server answered with another status than the spec's."""
    return Violation(
        operation=operation,
        status=expected,
        where="status",
        spec_says=f"{expected} ({why})",
        got=f"{got}, body {quote(_parsed(body))}",
        found_by=EXPECTATION,
        curl=curl,
    )
