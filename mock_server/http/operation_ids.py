"""Which operation a request calls, by method and path, as the spec's router would say.

The layers that run before connexion's routing need it: the faults a user asked for only for
some operations (`PUT /_mock/faults` `operations`), and the request journal, which names the
operation of each call. Concrete paths win over templated ones (as OpenAPI says, and as
`ConcretePathMiddleware` makes the router do); a trailing slash is the path without it
(`TrailingSlashMiddleware`); HEAD is GET's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

OperationOf = Callable[[str, str], str | None]

_METHODS = frozenset({"get", "put", "post", "delete", "options", "patch", "trace"})


def operation_ids(paths: Mapping[str, Mapping[str, Any]]) -> OperationOf:
    """A function naming the operationId a (method, path) of `paths` (the spec's) calls; None
    for no operation."""
    concrete: dict[tuple[str, str], str] = {}
    templated: list[tuple[str, re.Pattern[str], str]] = []
    for path, item in paths.items():
        for method, operation in item.items():
            if method not in _METHODS or "operationId" not in operation:
                continue
            key, operation_id = method.upper(), str(operation["operationId"])
            if "{" in path:
                pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + r"\Z"
                templated.append((key, re.compile(pattern), operation_id))
            else:
                concrete[(key, path)] = operation_id
    concrete_paths = frozenset(path for _, path in concrete)

    def operation_of(method: str, path: str) -> str | None:
        method = "GET" if method == "HEAD" else method
        path = path.rstrip("/") or "/"
        if path in concrete_paths:
            return concrete.get((method, path))
        for wanted, pattern, operation_id in templated:
            if wanted == method and pattern.match(path):
                return operation_id
        return None

    return operation_of
