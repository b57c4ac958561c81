"""What the fast path leaves to connexion because it does not check it: each form, in a tiny
inline spec of one operation (as openapi-python-client's functional tests and schemathesis's
schema builders do), must reach connexion untouched; the same spec without that form is taken,
so each test can fail.

The public spec uses none of these forms today; these tests hold the fast path to its promise
for the day it does (mock_server/http/pipeline/fast_path.py, `_operation`).
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_server.contract import load_contract
from mock_server.http.routes import Routes
from tests.api.harness import DEV_TOKEN
from tests.api.test_fast_path import Recorder

BEARER = {"bearerAuth": {"type": "http", "scheme": "bearer"}}
PATH = "/things"


def tiny_spec(
    method: str = "post",
    parameters: list[dict[str, Any]] | None = None,
    content: dict[str, Any] | None = None,
    security: list[dict[str, list[str]]] | None = None,
    schemes: dict[str, Any] | None = None,
    body_extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One operation, `makeThing`, on `PATH`; bearer auth and a JSON body unless told."""
    operation: dict[str, Any] = {
        "operationId": "makeThing",
        "parameters": parameters or [],
        "security": [{"bearerAuth": []}] if security is None else security,
        "responses": {"200": {"description": "ok"}},
    }
    if method == "post":
        schema = {"type": "object"}
        operation["requestBody"] = {
            "content": {"application/json": {"schema": schema}} if content is None else content,
            **(body_extra or {}),
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "tiny", "version": "1"},
        "paths": {PATH: {method: operation}},
        "components": {"securitySchemes": schemes or BEARER},
    }


def _send(spec: dict[str, Any], **request: Any) -> Recorder:
    recorder = Recorder()
    contract = dataclasses.replace(
        load_contract(), public=spec, routes=Routes.of({"": spec["paths"]})
    )
    client = TestClient(recorder.fast_path(contract), base_url="http://testserver")
    headers = {"authorization": f"Bearer {DEV_TOKEN}", **request.pop("headers", {})}
    client.request(request.pop("method", "POST"), PATH, headers=headers, **request)
    return recorder


JSON_BODY = {"json": {"a": 1}}


def with_path_item(spec: dict[str, Any], **keys: Any) -> dict[str, Any]:
    """`spec` with `keys` added to its one path item (path-level parameters, other methods)."""
    spec["paths"][PATH].update(keys)
    return spec


def _query(name: str, schema: dict[str, Any], where: str = "query") -> list[dict[str, Any]]:
    return [{"name": name, "in": where, "schema": schema}]


# name -> (spec, request): a request the fast path would take but for that one form.
FALLBACKS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "a header parameter": (
        tiny_spec(parameters=_query("X-Trace", {"type": "string"}, "header")),
        {**JSON_BODY, "headers": {"x-trace": "1"}},
    ),
    "a cookie parameter": (
        tiny_spec(parameters=_query("session", {"type": "string"}, "cookie")),
        {**JSON_BODY, "headers": {"cookie": "session=1"}},
    ),
    "an array query parameter": (
        tiny_spec(parameters=_query("ids", {"type": "array", "items": {"type": "string"}})),
        {**JSON_BODY, "params": {"ids": "a"}},
    ),
    "an object query parameter": (
        tiny_spec(parameters=_query("filter", {"type": "object"})),
        {**JSON_BODY, "params": {"filter": "a"}},
    ),
    "a parameter given by content": (
        tiny_spec(
            parameters=[
                {"name": "q", "in": "query", "content": {"application/json": {"schema": {}}}}
            ]
        ),
        {**JSON_BODY, "params": {"q": "1"}},
    ),
    "API-key security": (
        tiny_spec(
            security=[{"key": []}],
            schemes={"key": {"type": "apiKey", "in": "header", "name": "authorization"}},
        ),
        JSON_BODY,
    ),
    "basic auth": (
        tiny_spec(security=[{"basic": []}], schemes={"basic": {"type": "http", "scheme": "basic"}}),
        JSON_BODY,
    ),
    "bearer or another scheme": (
        tiny_spec(
            security=[{"bearerAuth": []}, {"basic": []}],
            schemes={**BEARER, "basic": {"type": "http", "scheme": "basic"}},
        ),
        JSON_BODY,
    ),
    "bearer and another scheme at once": (
        tiny_spec(
            security=[{"bearerAuth": [], "basic": []}],
            schemes={**BEARER, "basic": {"type": "http", "scheme": "basic"}},
        ),
        JSON_BODY,
    ),
    "no security": (tiny_spec(security=[]), JSON_BODY),
    "a body that is not JSON": (
        tiny_spec(content={"text/plain": {"schema": {"type": "string"}}}),
        {"content": b"hi", "headers": {"content-type": "application/json"}},
    ),
    "a body that may be JSON or a form": (
        tiny_spec(
            content={
                "application/json": {"schema": {"type": "object"}},
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
            }
        ),
        JSON_BODY,
    ),
    "x-body-name": (tiny_spec(body_extra={"x-body-name": "thing"}), JSON_BODY),
    "a header parameter of the path item": (
        with_path_item(tiny_spec(), parameters=_query("X-Trace", {"type": "string"}, "header")),
        {**JSON_BODY, "headers": {"x-trace": "1"}},
    ),
    "OPTIONS (connexion's, with HEAD and TRACE)": (
        with_path_item(
            tiny_spec(method="get"),
            options={
                "operationId": "makeThing",
                "security": [{"bearerAuth": []}],
                "responses": {"200": {"description": "ok"}},
            },
        ),
        {"method": "OPTIONS"},
    ),
}


@pytest.mark.parametrize("case", FALLBACKS.values(), ids=FALLBACKS.keys())
def test_a_form_the_fast_path_does_not_check_goes_to_connexion(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    spec, request = case
    recorder = _send(spec, **copy.deepcopy(request))
    assert recorder.handled == []
    assert len(recorder.passed_on) == 1


def test_the_tiny_spec_without_such_a_form_is_taken() -> None:
    recorder = _send(tiny_spec(), **JSON_BODY)
    assert recorder.passed_on == []
    assert recorder.handled == [("makeThing", {"token_info": {"sub": "dev"}, "body": {"a": 1}})]


def test_a_plain_query_parameter_in_the_tiny_spec_is_taken() -> None:
    spec = tiny_spec(method="get", parameters=_query("n", {"type": "integer"}))
    recorder = _send(spec, method="GET", params={"n": "3"})
    assert recorder.handled == [("makeThing", {"token_info": {"sub": "dev"}, "n": 3})]
