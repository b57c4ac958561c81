"""The generated client (generated/, package aatrox_sms_client) against the connexion mock.

- Requests generated from openapi.yaml go out through the client's own functions, and every
  answer parses into the client's typed models: never None, never UnexpectedStatus.
- Every model's from_dict/to_dict round-trips data generated from its component schema.
- Each documented error status comes back as the typed Problem.

The mock is the live one under uvicorn (connexion_uvicorn_url): the client's own httpx stack is
part of what is tested, so it is used the way a user uses it, over a socket.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode

import aatrox_sms_client.models
from aatrox_sms_client import AuthenticatedClient
from aatrox_sms_client.api.messages import get_message, list_message_history, list_received_messages
from aatrox_sms_client.api.sending import send_bulk_sms, send_sms, send_sms_with_disclaimer
from aatrox_sms_client.models import (
    BulkSendRequest,
    BulkSendResponse,
    HistoryPage,
    Message,
    MessagePage,
    Problem,
    SendRequest,
)
from aatrox_sms_client.types import UNSET, Response, Unset
from tests.contract.budget import client_examples
from tests.contract.servers import SPEC
from tests.contract.targets import MAKE_MOCK_URL, TOKEN, schemathesis_config

SCHEMA = schemathesis.openapi.from_path(SPEC, config=schemathesis_config())
SENDER, RECIPIENT = "+61491570156", "+61491570157"  # the acme account owns both
SEND = SendRequest(from_=SENDER, to=RECIPIENT, text="Your code is 482913.")
Parsed = Any  # what a generated function's Response.parsed holds: a model, or None
#: Drawing a page of up to a thousand messages takes time; that is the data, not a bug.
SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.filter_too_much]


@pytest.fixture
def client(connexion_uvicorn_url: str) -> Iterator[AuthenticatedClient]:
    with _client(connexion_uvicorn_url, TOKEN) as opened:
        yield opened


def _client(base_url: str, token: str) -> AuthenticatedClient:
    # An undocumented status raises UnexpectedStatus instead of quietly parsing to None.
    return AuthenticatedClient(
        base_url=base_url,
        token=token,
        timeout=httpx.Timeout(10.0),
        raise_on_unexpected_status=True,
    )


# -- requests generated from the spec, sent through the client --------------------------------


def _unset(value: Any) -> Any:
    return UNSET if value is None else value


def _instant(value: Any) -> datetime.datetime | Unset:
    """A generated `date-time` as the client takes it: a datetime."""
    return UNSET if value is None else _datetime(value)


def _datetime(value: str) -> datetime.datetime:
    """RFC 3339 (which allows a lowercase `t` and `z`) as a datetime."""
    return datetime.datetime.fromisoformat(value.upper())


def _body(case: Case[Any]) -> dict[str, Any]:
    assert isinstance(case.body, dict), case.body
    return case.body


@contextmanager
def parsed_by_the_client(where: str) -> Iterator[None]:
    """Say plainly when the generated code cannot read what the spec allows."""
    try:
        yield
    except (KeyError, TypeError, ValueError) as exc:
        raise AssertionError(
            f"{where}: the generated client cannot parse it: {exc!r}. If openapi.yaml changed, "
            "generated/ may be stale: run `make generate`."
        ) from exc


# operationId -> (send a generated case through the client, the model of its 200)
CALLS: dict[str, tuple[Callable[[AuthenticatedClient, Case[Any]], Response[Any]], type]] = {
    "sendSms": (
        lambda c, case: send_sms.sync_detailed(client=c, body=SendRequest.from_dict(_body(case))),
        Message,
    ),
    "sendSmsWithDisclaimer": (
        lambda c, case: send_sms_with_disclaimer.sync_detailed(
            client=c, body=SendRequest.from_dict(_body(case))
        ),
        Message,
    ),
    "sendBulkSms": (
        lambda c, case: send_bulk_sms.sync_detailed(
            client=c, body=BulkSendRequest.from_dict(_body(case))
        ),
        BulkSendResponse,
    ),
    "getMessage": (
        lambda c, case: get_message.sync_detailed(case.path_parameters["id"], client=c),
        Message,
    ),
    "listReceivedMessages": (
        lambda c, case: list_received_messages.sync_detailed(
            client=c,
            to=case.query["to"],
            from_=_unset(case.query.get("from")),
            limit=_unset(case.query.get("limit")),
            cursor=_unset(case.query.get("cursor")),
        ),
        MessagePage,
    ),
    "listMessageHistory": (
        lambda c, case: list_message_history.sync_detailed(
            client=c,
            limit=_unset((case.query or {}).get("limit")),
            cursor=_unset((case.query or {}).get("cursor")),
            since=_instant((case.query or {}).get("since")),
            until=_instant((case.query or {}).get("until")),
        ),
        HistoryPage,
    ),
}


#: operationId -> (path, method), as openapi.yaml declares them.
OPERATIONS = {
    operation["operationId"]: (path, method)
    for path, item in SCHEMA.raw_schema["paths"].items()
    for method, operation in item.items()
    if isinstance(operation, dict) and "operationId" in operation
}


def test_every_operation_has_a_call() -> None:
    """A new operation in the spec needs its line in CALLS, or this suite would skip it."""
    assert set(OPERATIONS) == set(CALLS)


@pytest.mark.parametrize("operation_id", CALLS)
def test_every_answer_parses_into_a_typed_model(
    operation_id: str, client: AuthenticatedClient
) -> None:
    call, success = CALLS[operation_id]

    path, method = OPERATIONS[operation_id]
    strategy = SCHEMA[path][method].as_strategy(generation_mode=GenerationMode.POSITIVE)

    @settings(max_examples=client_examples(), suppress_health_check=SLOW_IS_FINE)
    @given(case=strategy)
    def sends(case: Case[Any]) -> None:
        where = f"{operation_id} {case.as_curl_command(base_url=MAKE_MOCK_URL)}"
        with parsed_by_the_client(where):
            response = call(client, case)
        parsed: Parsed = response.parsed
        assert parsed is not None, f"{where}: {response.status_code} parsed to None"
        if response.status_code == 200:
            assert isinstance(parsed, success), f"{where}: 200 parsed to {type(parsed)}"
        else:
            assert isinstance(parsed, Problem), f"{where}: {response.status_code}: {parsed!r}"
            assert parsed.status == response.status_code, where
            # No fault is asked for here: a 500 is the server's bug (or its own response
            # validation refusing what it was about to send), whatever model it parses to.
            assert response.status_code < 500, f"{where}: {response.status_code}: {parsed.detail}"

    sends()


# -- every model round-trips data generated from its schema -----------------------------------

MODELS = {
    name: getattr(aatrox_sms_client.models, name)
    for name in aatrox_sms_client.models.__all__
    if hasattr(getattr(aatrox_sms_client.models, name), "from_dict")
}


def _schema_strategy(name: str) -> st.SearchStrategy[Any]:
    """Instances of `#/components/schemas/<name>` of openapi.yaml, drawn by schemathesis.

    A one-operation document whose request body is that schema (and every component of the
    spec): its positive bodies are exactly the valid instances.
    """
    raw = SCHEMA.raw_schema
    document = {
        "openapi": raw["openapi"],
        "info": {"title": name, "version": raw["info"]["version"]},
        "paths": {
            f"/{name}": {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                        },
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": {"schemas": raw["components"]["schemas"]},
    }
    loaded = schemathesis.openapi.from_dict(document, config=schemathesis_config())
    strategy = loaded[f"/{name}"]["POST"].as_strategy(generation_mode=GenerationMode.POSITIVE)
    return strategy.map(lambda case: case.body)


def _comparable(value: Any) -> Any:
    """`value` with each RFC 3339 date-time string as the instant it names: the client keeps a
    datetime and writes it back in its own (equal) form, `+00:00` for `Z`."""
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, str) and len(value) >= 20 and value[10:11] in ("T", "t"):
        try:
            return _datetime(value)
        except ValueError:
            return value
    return value


def test_every_model_is_tested() -> None:
    assert set(MODELS) <= set(SCHEMA.raw_schema["components"]["schemas"])


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_model_round_trips_generated_data(name: str) -> None:
    model = MODELS[name]

    @settings(max_examples=client_examples(), suppress_health_check=SLOW_IS_FINE)
    @given(data=_schema_strategy(name))
    def round_trips(data: Any) -> None:
        with parsed_by_the_client(f"{name}.from_dict({data!r})"):
            parsed = model.from_dict(data)
        assert _comparable(parsed.to_dict()) == _comparable(data)
        assert model.from_dict(parsed.to_dict()) == parsed

    round_trips()


# -- each documented error status is the typed Problem ----------------------------------------


def _problem(response: Response[Any], status: int) -> Problem:
    assert response.status_code == status, response.content
    parsed: Parsed = response.parsed
    assert isinstance(parsed, Problem), f"{status} parsed to {parsed!r}"
    assert parsed.status == status
    return parsed


def test_400_names_the_bad_field(client: AuthenticatedClient) -> None:
    body = SendRequest(from_=SENDER, to="0491570157", text="hi")
    problem = _problem(send_sms.sync_detailed(client=client, body=body), 400)
    assert not isinstance(problem.errors, Unset)
    assert [error.field for error in problem.errors] == ["to"]


def test_401_for_an_unknown_token(connexion_uvicorn_url: str) -> None:
    with _client(connexion_uvicorn_url, "not-a-token") as stranger:
        _problem(send_sms.sync_detailed(client=stranger, body=SEND), 401)


def test_403_for_a_number_the_account_does_not_own(connexion_uvicorn_url: str) -> None:
    body = SendRequest(from_="+61491570999", to=RECIPIENT, text="hi")
    with _client(connexion_uvicorn_url, "acme-token") as acme:
        _problem(send_sms.sync_detailed(client=acme, body=body), 403)


def test_404_for_an_unknown_message(client: AuthenticatedClient) -> None:
    _problem(get_message.sync_detailed("msg_000000000000000000000000", client=client), 404)


def test_413_for_a_body_over_one_mebibyte(client: AuthenticatedClient) -> None:
    body = SendRequest(from_=SENDER, to=RECIPIENT, text="x" * (1024 * 1024 + 1))
    _problem(send_sms.sync_detailed(client=client, body=body), 413)


def test_415_for_a_body_that_is_not_json(connexion_uvicorn_url: str) -> None:
    def as_text(request: httpx.Request) -> None:
        request.headers["Content-Type"] = "text/plain"

    with _client(connexion_uvicorn_url, TOKEN) as plain:
        plain.get_httpx_client().event_hooks["request"] = [as_text]
        _problem(send_sms.sync_detailed(client=plain, body=SEND), 415)


def test_500_for_a_fault_asked_for(client: AuthenticatedClient, connexion_uvicorn_url: str) -> None:
    control = httpx.Client(base_url=connexion_uvicorn_url, timeout=10.0)
    control.put("/_mock/faults", json={"error_rate": 1.0}).raise_for_status()
    try:
        _problem(send_sms.sync_detailed(client=client, body=SEND), 500)
    finally:
        control.delete("/_mock/faults").raise_for_status()
        control.close()
