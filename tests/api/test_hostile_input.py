"""Each class of input that once reached a 500, an undocumented status or an unbounded answer
(issue 9), on both paths: fast path on and off. tests/robustness generates the classes; these
are their named members."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_server.app import create_app
from mock_server.contract import load_contract
from mock_server.http.pipeline.gate import RouteGate
from mock_server.sms.store import MemoryStore
from tests.api.harness import ACME_1, DEV_A, DEV_B, DEV_TOKEN, MANUAL_CONFIG, NOT_ACMES, bearer

SEND, BULK = "/api/v2/sms/send", "/api/v2/sms/send/bulk"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module", params=[True, False], ids=["fast-path", "connexion"])
def http(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    app = create_app(MANUAL_CONFIG, store=MemoryStore(), fast_path=request.param)
    with app.test_client(headers=bearer(DEV_TOKEN)) as client:
        yield client


@pytest.fixture
def client(http: TestClient) -> TestClient:
    assert http.post("/_mock/reset").status_code == 204
    return http


def _send(**fields: Any) -> bytes:
    return json.dumps({"from": DEV_A, "to": DEV_B, "text": "Hi", **fields}).encode()


def _stored(client: TestClient) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = client.get("/_mock/messages").json()["messages"]
    return messages


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    return problem


def _fields(problem: dict[str, Any]) -> list[str]:
    return [error["field"] for error in problem["errors"]]


# -- 1. one reading of the body ----------------------------------------------------------------


@pytest.mark.parametrize("path", [SEND, "/api/v2/sms/send/disclaimer", BULK])
def test_a_json_body_without_content_type_is_read_as_json(client: TestClient, path: str) -> None:
    body = _send(to=[DEV_B]) if path == BULK else _send()
    response = client.post(path, content=body)
    assert "content-type" not in response.request.headers
    assert response.status_code == 200, response.text
    assert len(_stored(client)) == 1


def test_without_content_type_ownership_is_still_checked(http: TestClient) -> None:
    acme = {"Authorization": "Bearer acme-token"}
    response = http.post(SEND, content=_send(**{"from": NOT_ACMES}), headers=acme)
    _problem(response, 403)


@pytest.mark.parametrize(
    "content_type",
    [
        "Application/JSON",
        "application/json;charset=UTF-8",
        'application/json; charset="utf-8"',
        "application/json ; charset=utf-8",
        "application/json;x=a/b",
        'application/json;x="a/b;c"',
    ],
)
def test_every_spelling_of_json_is_json(client: TestClient, content_type: str) -> None:
    response = client.post(SEND, content=_send(text="é"), headers={"Content-Type": content_type})
    assert response.status_code == 200, response.text
    assert [m["text"] for m in _stored(client)] == ["é"]


@pytest.mark.parametrize(
    ("content_type", "named"),
    [
        ("application/json;charset=latin-1", "latin-1"),
        ("application/json;charset=utf-16", "utf-16"),
        ("text/plain", "text/plain"),
        ("application/json, text/plain", "text/plain"),
        ("json", "json"),
        ("application/problem+json", "problem"),
    ],
)
def test_what_is_not_utf8_json_is_a_415(client: TestClient, content_type: str, named: str) -> None:
    body = _send(text="é").decode().encode("latin-1")
    response = client.post(SEND, content=body, headers={"Content-Type": content_type})
    assert named in _problem(response, 415)["detail"]
    assert _stored(client) == []


@pytest.mark.parametrize("coding", ["gzip", "br", "gzip, identity"])
def test_a_content_encoding_other_than_identity_is_a_415(client: TestClient, coding: str) -> None:
    response = client.post(SEND, content=_send(), headers={**JSON, "Content-Encoding": coding})
    assert "Content-Encoding" in _problem(response, 415)["detail"]
    assert response.headers["accept-encoding"] == "identity"
    assert _stored(client) == []


def test_identity_is_no_encoding(client: TestClient) -> None:
    response = client.post(SEND, content=_send(), headers={**JSON, "Content-Encoding": "identity"})
    assert response.status_code == 200, response.text


# -- 2. and 3. validator exceptions and non-finite numbers --------------------------------------


def test_equal_deeply_nested_recipients_are_a_400_naming_to(client: TestClient) -> None:
    deep = "[" * 300 + "1" + "]" * 300
    body = f'{{"from": "{DEV_A}", "to": [{deep}, {deep}], "text": "Hi"}}'.encode()
    problem = _problem(client.post(BULK, content=body, headers=JSON), 400)
    assert _fields(problem) == ["to"]
    assert _stored(client) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"from": NaN, "to": "+61491570159", "text": "Hi"}', "from"),
        (b'{"from": "+61491570158", "to": "+61491570159", "text": Infinity}', "text"),
        (b'{"from": "+61491570158", "to": [-Infinity], "text": "Hi"}', "to[0]"),
        (b'{"from": "+61491570158", "to": "+61491570159", "text": 1e400}', "text"),
        (b'{"from": Infinity, "to": "+6149', "body"),  # and then not JSON
    ],
)
def test_a_non_finite_number_is_a_400_naming_its_field(
    client: TestClient, body: bytes, field: str
) -> None:
    path = BULK if b"[" in body else SEND
    assert _fields(_problem(client.post(path, content=body, headers=JSON), 400)) == [field]
    assert _stored(client) == []


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/_mock/faults", b'{"error_rate": NaN}', "error_rate"),
        ("/_mock/faults", b'{"error_rate": 1e999}', "error_rate"),
        ("/_mock/clock/advance", b'{"seconds": Infinity}', "seconds"),
    ],
)
def test_the_control_api_refuses_non_finite_numbers(
    client: TestClient, path: str, body: bytes, field: str
) -> None:
    method = "PUT" if path.endswith("faults") else "POST"
    response = client.request(method, path, content=body, headers=JSON)
    assert _fields(_problem(response, 400)) == [field]


# -- 4. query integers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "limit", ["\u0661\u0662", "\uff11\uff12", "1_0", " 12", "12 ", "+5", "1.0"]
)
def test_a_query_integer_is_ascii_digits(client: TestClient, limit: str) -> None:
    response = client.get("/api/v2/sms/history", params={"limit": limit})
    assert _fields(_problem(response, 400)) == ["limit"]


def test_a_parameter_given_twice_is_a_400(client: TestClient) -> None:
    response = client.get("/api/v2/sms/history?limit=1&limit=2")
    assert _fields(_problem(response, 400)) == ["limit"]


# -- 5. one spelling of a path -------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["/", "//", "%2F"])
def test_a_trailing_slash_is_the_same_operation(client: TestClient, suffix: str) -> None:
    response = client.post(SEND + suffix, content=_send(), headers=JSON, follow_redirects=False)
    assert response.status_code == 200, response.text
    anonymous = client.get("/api/v2/sms/history" + suffix, headers={"Authorization": ""})
    _problem(anonymous, 401)


# -- 6. bounded answers --------------------------------------------------------------------------


def test_a_long_bad_value_is_quoted_by_a_prefix(client: TestClient) -> None:
    response = client.post(SEND, content=_send(to="+" + "1" * 500_000), headers=JSON)
    assert len(response.content) < 2_000, len(response.content)
    errors = _problem(response, 400)["errors"]
    assert {error["field"] for error in errors} == {"to"}
    assert all("500001 characters" in error["message"] for error in errors)


def test_a_long_unknown_field_name_is_cut(client: TestClient) -> None:
    response = client.post(SEND, content=_send(**{"x" * 100_000: 1}), headers=JSON)
    assert len(response.content) < 2_000, len(response.content)
    [error] = _problem(response, 400)["errors"]
    assert error["field"].startswith("xxx")
    assert error["field"].endswith("…")


def test_many_bad_recipients_list_the_first_errors_and_count_the_rest(client: TestClient) -> None:
    body = _send(to=[f"+{i}" for i in range(1000)])
    problem = _problem(client.post(BULK, content=body, headers=JSON), 400)
    assert len(problem["errors"]) == 50
    assert problem["more_errors"] == 1000 - 50
    assert problem["detail"].endswith("and 995 more.")
    assert len(json.dumps(problem)) < 10_000
    assert _stored(client) == []


def test_the_count_is_absent_when_every_error_is_listed(client: TestClient) -> None:
    problem = _problem(client.post(BULK, content=_send(to=["x"]), headers=JSON), 400)
    assert "more_errors" not in problem
    assert ACME_1 not in json.dumps(problem)


@pytest.mark.parametrize(
    "content_type", ["multipart/form-data; boundary=x", "application/x-www-form-urlencoded"]
)
def test_a_body_on_an_operation_that_takes_none_is_not_read(
    client: TestClient, content_type: str
) -> None:
    response = client.request(
        "GET", "/api/v2/sms/history", content=b"--y\r\n\xff", headers={"Content-Type": content_type}
    )
    assert response.status_code == 200, response.text


# -- found in review, after the fast path moved in front of the other layers --------------------


@pytest.mark.parametrize("path", ["/api/v2/sms/history", "/api/v2/sms/receive?to=%2B61491570157"])
def test_a_body_sent_where_none_is_taken_is_ignored_however_large(
    client: TestClient, path: str
) -> None:
    # Only the operations that take a body document a 413; a GET's body is never read.
    headers = {"Content-Length": str(2 * 1024 * 1024)}
    answer = client.request("GET", path, headers=headers, content=b"x" * (2 * 1024 * 1024))
    assert answer.status_code == 200, answer.text


def test_a_send_announcing_more_than_the_limit_is_a_413(client: TestClient) -> None:
    too_large = b" " * (1024 * 1024 + 1)
    _problem(client.post(SEND, content=too_large, headers=JSON), 413)
    assert _stored(client) == []


def test_a_content_length_in_other_digits_is_not_read_as_a_number() -> None:
    # str.isdigit() takes "²", which int() refuses (a ValueError: a 500). uvicorn refuses such a
    # header itself, so this is the body limit alone, as another server would call it.
    reached: list[bool] = []

    async def inner(_scope: Any, _receive: Any, _send: Any) -> None:
        reached.append(True)

    limit = RouteGate(inner, routes=load_contract().routes, prefix="/api/", max_body_bytes=10)
    scope = {
        "type": "http",
        "method": "POST",
        "path": SEND,
        "headers": [(b"content-length", "²".encode("latin-1"))],
    }
    asyncio.run(limit(scope, _no_body, _no_body))
    assert reached == [True]


async def _no_body(*_args: Any) -> Any:
    return {"type": "http.request", "body": b"", "more_body": False}


def test_an_unexpected_error_is_a_500_problem_and_journaled(
    http: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    http.post("/_mock/reset")
    http.delete("/_mock/requests")

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("database is locked")

    monkeypatch.setattr("mock_server.sms.service.SmsService.history", broken)
    with TestClient(http.app, raise_server_exceptions=False) as plain:
        answer = plain.get("/api/v2/sms/history", headers=bearer(DEV_TOKEN))
    _problem(answer, 500)
    [entry] = http.get("/_mock/requests").json()["requests"]
    assert (entry["path"], entry["status"], entry["account"]) == ("/api/v2/sms/history", 500, "dev")
