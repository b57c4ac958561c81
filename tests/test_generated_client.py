"""The generated client covers the whole contract: one module per operation of openapi.yaml,
each with the four call styles, each demanding an authenticated client (the spec declares
Bearer auth on every operation, which openapi-python-client only honours per operation)."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from aatrox_sms_client import AuthenticatedClient

SPEC = yaml.safe_load((Path(__file__).parents[1] / "openapi.yaml").read_text())
METHODS = {"get", "put", "post", "delete", "patch"}
OPERATIONS = [
    (path, method, operation)
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    if method in METHODS
]


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _module(operation: dict[str, Any]) -> Any:
    tag = _snake(operation["tags"][0])
    return importlib.import_module(
        f"aatrox_sms_client.api.{tag}.{_snake(operation['operationId'])}"
    )


def test_the_spec_has_the_six_operations_of_the_product() -> None:
    assert {op["operationId"] for _, _, op in OPERATIONS} == {
        "sendSms",
        "sendSmsWithDisclaimer",
        "sendBulkSms",
        "getMessage",
        "listReceivedMessages",
        "listMessageHistory",
    }


@pytest.mark.parametrize(
    ("path", "method", "operation"), OPERATIONS, ids=[op["operationId"] for *_, op in OPERATIONS]
)
def test_every_operation_has_its_client_function(
    path: str, method: str, operation: dict[str, Any]
) -> None:
    module = _module(operation)
    for style in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        function = getattr(module, style)
        client = inspect.signature(function).parameters["client"]
        assert client.annotation in (AuthenticatedClient, "AuthenticatedClient"), style
    source = inspect.getsource(module._get_kwargs)
    assert f'"method": "{method}"' in source
    assert path.split("{")[0] in source
    assert operation["security"] == [{"bearerAuth": []}]


def test_literal_paths_come_before_the_id_path() -> None:
    """connexion routes in file order: `/receive` after `/{id}` would reach the `{id}` handler."""
    paths = list(SPEC["paths"])
    id_path = paths.index("/api/v2/sms/{id}")
    assert paths.index("/api/v2/sms/receive") < id_path
    assert paths.index("/api/v2/sms/history") < id_path
