"""Every answer the API suite receives is held to the spec, whichever path served it.

connexion's `validate_responses` checks only the answers connexion itself produces; the fast path
(mock_server/http/pipeline/fast_path.py) answers plainly valid calls without it. So the check sits
at the client: an httpx response hook on every TestClient of the harness runs schemathesis's
response checks (status code, content type, headers, body schema) against openapi.yaml or
control.yaml. A request to no operation of either spec (an unknown path, an undeclared method) must
still be answered with a `Problem`.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

import httpx
import jsonschema
import schemathesis
from connexion.spec import Specification
from schemathesis.checks import CHECKS, CheckFunction, load_all_checks
from schemathesis.specs.openapi.schemas import OpenApiSchema

from mock_server.app import CONTROL_BASE, PUBLIC_SPEC, load_control_spec
from mock_server.inbox.page import PAGE_BASE

#: What schemathesis checks of a single answer (the other checks send more requests).
ANSWER_CHECKS = (
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
PUBLIC_PREFIX = "/api/"


@cache
def _schemas() -> tuple[OpenApiSchema, OpenApiSchema]:
    return schemathesis.openapi.from_path(PUBLIC_SPEC), schemathesis.openapi.from_dict(
        load_control_spec(PUBLIC_SPEC)
    )


@cache
def _checks() -> list[CheckFunction]:
    load_all_checks()
    return list(CHECKS.get_by_names(list(ANSWER_CHECKS)))  # type: ignore[arg-type]


@cache
def _problem_validator() -> Any:
    schema = Specification.load(PUBLIC_SPEC)["components"]["schemas"]["Problem"]
    return jsonschema.Draft4Validator(schema)


def check_answer(response: httpx.Response) -> None:
    """Fail (schemathesis's FailureGroup, or AssertionError) unless `response` is an answer the
    spec allows to the request that got it."""
    response.read()
    request = response.request
    path = request.url.path
    public, control = _schemas()
    if path.startswith(PAGE_BASE):
        return  # the inbox page's files (mock_server/inbox/page.py): not an API answer
    if path.startswith(PUBLIC_PREFIX):
        schema, spec_path = public, path
    elif path.startswith(CONTROL_BASE + "/"):
        schema, spec_path = control, path.removeprefix(CONTROL_BASE)
    else:
        return  # the Swagger UI and the served specs: not part of either contract
    operation = schema.find_operation_by_path(request.method, spec_path)
    if operation is not None:
        base_url = f"{request.url.scheme}://{request.url.netloc.decode()}"
        operation.Case().validate_response(
            response, checks=_checks(), transport_kwargs={"base_url": base_url}
        )
        return
    if request.method == "HEAD":
        return  # no body to judge
    media_type = response.headers.get("content-type", "")
    assert media_type == "application/problem+json", (request.method, path, media_type)
    _problem_validator().validate(response.json())


Client = TypeVar("Client", bound=httpx.Client)


def checked(client: Client) -> Client:
    """`client`, with every answer it receives checked by `check_answer`."""
    client.event_hooks["response"] = [*client.event_hooks["response"], check_answer]
    return client
