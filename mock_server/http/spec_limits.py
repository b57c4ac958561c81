"""The contract's sizes, read from the resolved `openapi.yaml`, for the domain's `Limits`.

The domain is handed a plain value and never sees the spec; this is the one place that knows
where in the contract each size is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_server.sms.limits import Limits


def _at(spec: Mapping[str, Any], *path: str) -> int:
    node: Any = spec
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            raise ValueError(f"the spec has no {'.'.join(path)}, which the mock's limits need")
        node = node[key]
    if not isinstance(node, int) or isinstance(node, bool):
        raise ValueError(f"the spec's {'.'.join(path)} must be an integer, not {node!r}")
    return node


def limits_from_spec(spec: Mapping[str, Any]) -> Limits:
    """`spec` is the public contract with its `$ref`s resolved (connexion's `Specification`)."""
    schemas = ("components", "schemas")
    parameters = ("components", "parameters")
    return Limits(
        text_length=_at(spec, *schemas, "SendRequest", "properties", "text", "maxLength"),
        bulk_recipients=_at(spec, *schemas, "BulkSendRequest", "properties", "to", "maxItems"),
        page_size=_at(spec, *parameters, "Limit", "schema", "maximum"),
        cursor_length=_at(spec, *parameters, "Cursor", "schema", "maxLength"),
    )
