"""The one route table: which operation of which spec a method and path name.

Built once from both specs (`mock_server.contract`), and asked by every layer that needs to know
(the fast path, which answers by it; the route gate's 405 and 413). Connexion keeps its own
router for the requests it answers; this table agrees with it, except where OpenAPI says
otherwise and connexion does not: a concrete path wins over a templated one (OpenAPI 3.0,
"Path Templating Matching"), so `GET /api/v2/sms/send` is `/sms/send` without a GET (405), not
`getMessage` with the id `send`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: The methods an OpenAPI path item may hold (its other keys are parameters, summary, ...).
METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
#: The methods that change nothing on the server (RFC 9110, 9.2.1): the inbox page is cued after
#: a call of any other.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str  # the template, with its base: `/api/v2/sms/{id}`, `/_mock/faults`
    base: str  # "" for the public API, `/_mock` for the control API
    spec: Mapping[str, Any] = field(repr=False)  # the operation object
    item: Mapping[str, Any] = field(repr=False)  # its path item (parameters of all its methods)

    @property
    def operation_id(self) -> str:
        return str(self.spec["operationId"])

    @property
    def takes_body(self) -> bool:
        return "requestBody" in self.spec


@dataclass(frozen=True)
class Match:
    """A path of the table, with the operations it serves and the values of its template."""

    template: str
    operations: Mapping[str, Operation]  # by method
    values: Mapping[str, str]

    @property
    def concrete(self) -> bool:
        return not self.values and "{" not in self.template

    @property
    def allowed(self) -> frozenset[str]:
        """Its methods, HEAD with GET (as the router answers HEAD)."""
        methods = set(self.operations)
        return frozenset(methods | ({"HEAD"} if "GET" in methods else set()))


class Routes:
    """Each path of the specs; `match` finds a concrete path first, then the templates in the
    specs' order."""

    def __init__(self, paths: Mapping[str, Mapping[str, Operation]]) -> None:
        self._concrete = {path: ops for path, ops in paths.items() if "{" not in path}
        self._templated = [
            (path, re.compile(_pattern(path)), ops) for path, ops in paths.items() if "{" in path
        ]

    @classmethod
    def of(cls, specs: Mapping[str, Mapping[str, Any]]) -> Routes:
        """`specs` maps a base path to the `paths` object of the spec served under it."""
        table: dict[str, dict[str, Operation]] = {}
        for base, paths in specs.items():
            for path, item in paths.items():
                table[base + path] = {
                    method.upper(): Operation(method.upper(), base + path, base, operation, item)
                    for method, operation in item.items()
                    if method in METHODS
                }
        return cls(table)

    def match(self, path: str) -> Match | None:
        operations = self._concrete.get(path)
        if operations is not None:
            return Match(path, operations, {})
        for template, pattern, operations in self._templated:
            if found := pattern.fullmatch(path):
                return Match(template, operations, found.groupdict())
        return None

    def operation_id(self, method: str, path: str) -> str | None:
        """The operationId a call names, as the router would take it (HEAD is GET's, a trailing
        slash is the path without it); None for no operation. For the layers that run before
        connexion's routing: the faults a user asked for some operations only, the journal."""
        found = self.match(path.rstrip("/") or "/")
        if found is None:
            return None
        operation = found.operations.get("GET" if method == "HEAD" else method)
        return None if operation is None else operation.operation_id

    def operations(self) -> list[Operation]:
        every = [*self._concrete.values(), *(ops for _, _, ops in self._templated)]
        return [operation for operations in every for operation in operations.values()]


def _pattern(template: str) -> str:
    return re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
