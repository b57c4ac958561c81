"""Requests the generated client cannot make, sent as plain HTTP: each is a 4xx problem document
naming the bad field (for a 400), and none stores anything."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from mock_server.app import PUBLIC_SPEC as SPEC
from tests.api.harness import ACME_1, DEV_A, PROBLEM_JSON, Mock

SEND = "/api/v2/sms/send"
JSON = {"Content-Type": "application/json"}
MIB = 1024 * 1024


def _json(**fields: Any) -> bytes:
    return json.dumps({"from": ACME_1, "to": DEV_A, "text": "Hi", **fields}).encode()


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body sent chunked: httpx announces no Content-Length for a generator."""
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


@pytest.mark.parametrize(
    ("path", "content", "headers", "status", "named"),
    [
        pytest.param(SEND, b'{"from": "+6149', JSON, 400, "body", id="malformed-json"),
        pytest.param(SEND, b'{"text": "\xff\xfe"}', JSON, 400, "body", id="not-utf8"),
        pytest.param(SEND, b"[]", JSON, 400, "body", id="json-not-an-object"),
        # More digits than Python converts to an int (4300): a ValueError, once a 500.
        pytest.param(
            SEND,
            _json(text=None).replace(b"null", b"1" * 5000),
            JSON,
            400,
            "body",
            id="a-5000-digit-number",
        ),
        # jsonschema-rs cannot take a lone surrogate (UnicodeEncodeError, once a 500).
        pytest.param(SEND, _json(to="\ud800"), JSON, 400, "to", id="lone-surrogate-in-a-pattern"),
        pytest.param(
            SEND, _json(**{"\ud800": 1}), JSON, 400, "\ud800", id="lone-surrogate-as-a-key"
        ),
        pytest.param(
            "/api/v2/sms/send/bulk",
            _json(to=["\ud800"]),
            JSON,
            400,
            "to[0]",
            id="lone-surrogate-in-a-list",
        ),
        # Connexion matched media types case-sensitively: this body was never validated (a 500).
        pytest.param(
            SEND,
            _json(cc=DEV_A),
            {"Content-Type": "Application/JSON"},
            400,
            "cc",
            id="media-type-in-capitals",
        ),
        # Deeper than Python's parser recurses: a RecursionError, once a 500.
        pytest.param(SEND, b"[" * 100_000 + b"]" * 100_000, JSON, 400, "body", id="nested-deep"),
        pytest.param(
            SEND,
            b'{"from": "+61491570156", "text": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
            JSON,
            400,
            "body",
            id="a-field-nested-deep",
        ),
        pytest.param(SEND, b"", JSON, 400, None, id="empty-body"),
        pytest.param(SEND, b"Hi", {"Content-Type": "text/plain"}, 415, None, id="text-plain"),
        pytest.param(SEND, _json(cc=DEV_A), JSON, 400, "cc", id="unknown-field"),
        pytest.param(SEND, _json(to="0491570157"), JSON, 400, "to", id="bad-number"),
        pytest.param(SEND, _json(to=61491570157), JSON, 400, "to", id="number-not-a-string"),
        pytest.param(SEND, _json(text=["Hi"]), JSON, 400, "text", id="text-not-a-string"),
        pytest.param(SEND, _json(text=""), JSON, 400, "text", id="empty-text"),
        pytest.param(SEND, _json(text="a" * 1601), JSON, 400, "text", id="text-1601"),
        pytest.param(
            SEND,
            b'{"from": "+61491570156", "to": "+61491570158", "text": "\\ud83d"}',
            JSON,
            400,
            "text",
            id="unpaired-surrogate",
        ),
        pytest.param(
            SEND, b'{"from": "+61491570156", "to": "+61491570158"}', JSON, 400, "text", id="missing"
        ),
        pytest.param(
            "/api/v2/sms/send/bulk", _json(to=DEV_A), JSON, 400, "to", id="bulk-to-not-a-list"
        ),
        pytest.param("/api/v2/sms/send/bulk", _json(to=[]), JSON, 400, "to", id="bulk-to-empty"),
        pytest.param(SEND, b" " * (MIB + 1), JSON, 413, None, id="over-1MiB"),
        pytest.param(SEND, _chunks(MIB + 1), JSON, 413, None, id="over-1MiB-chunked"),
    ],
)
def test_a_bad_body_is_a_4xx_problem_and_stores_nothing(
    mock: Mock,
    path: str,
    content: bytes | Iterator[bytes],
    headers: dict[str, str],
    status: int,
    named: str | None,
) -> None:
    response = mock.http.post(path, content=content, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["status"] == status
    assert {"type", "title", "detail"} <= problem.keys()
    if status == 400:
        named_fields = [error["field"] for error in problem["errors"]]
        assert named_fields, "a 400 names at least one field"
        if named is not None:
            assert named_fields == [named]
    assert mock.stored() == []


def test_a_body_of_exactly_1_mib_is_read(mock: Mock) -> None:
    padded = _json()[:-1] + b" " * (MIB - len(_json())) + b"}"
    assert len(padded) == MIB
    response = mock.http.post(SEND, content=padded, headers=JSON)
    assert response.status_code == 200, response.text


def test_a_chunked_body_is_read_like_any_other(mock: Mock) -> None:
    def chunks() -> Iterator[bytes]:
        body = _json(text="Sent in pieces")
        yield body[:10]
        yield body[10:]

    response = mock.http.post(SEND, content=chunks(), headers=JSON)
    assert "content-length" not in response.request.headers
    assert response.status_code == 200, response.text
    [stored] = mock.stored()
    assert stored["text"] == "Sent in pieces"


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        pytest.param("/api/v2/sms/history", {"page": "2"}, ["page"], id="unknown-parameter"),
        pytest.param("/api/v2/sms/history", {"limit": "ten"}, ["limit"], id="limit-not-int"),
        pytest.param("/api/v2/sms/history", {"since": "yesterday"}, ["since"], id="bad-since"),
        # Valid RFC 3339 that `datetime` cannot hold, and a value Python's validator lets
        # through with its trailing newline: both reached datetime.fromisoformat (a 500).
        pytest.param(
            "/api/v2/sms/history", {"since": "0000-01-01T00:00:00Z"}, ["since"], id="year-0"
        ),
        pytest.param(
            "/api/v2/sms/history",
            {"until": "2025-11-24T16:00:00Z\n"},
            ["until"],
            id="trailing-newline",
        ),
        pytest.param("/api/v2/sms/receive", {}, ["to"], id="receive-without-to"),
        pytest.param("/api/v2/sms/receive", {"to": "0491570157"}, ["to"], id="receive-bad-to"),
        pytest.param(
            "/api/v2/sms/receive", {"to": ACME_1, "from": "abc"}, ["from"], id="receive-bad-from"
        ),
        pytest.param("/api/v2/sms/msg_12345", {}, ["id"], id="malformed-id"),
        pytest.param("/api/v2/sms/MSG_0123456789ABCDEF01234567", {}, ["id"], id="uppercase-id"),
    ],
)
def test_a_bad_query_or_path_is_a_400_naming_it(
    mock: Mock, path: str, params: dict[str, str], named: list[str]
) -> None:
    response = mock.http.get(path, params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert [error["field"] for error in response.json()["errors"]] == named


def test_a_media_type_in_capitals_is_json(mock: Mock) -> None:
    """RFC 9110: media types are case-insensitive."""
    answer = mock.http.post(SEND, content=_json(), headers={"Content-Type": "Application/JSON"})
    assert answer.status_code == 200, answer.text
    assert [m["text"] for m in mock.stored()] == ["Hi"]


def test_a_pattern_is_quoted_as_the_spec_writes_it(mock: Mock) -> None:
    pattern = yaml.safe_load(SPEC.read_text())["components"]["schemas"]["PhoneNumber"]["pattern"]
    response = mock.http.post(SEND, content=_json(to="0491570157"), headers=JSON)
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    # Once escaped, as in the spec: `'^\+[1-9]…'`, not repr's `'^\\+[1-9]…'`.
    assert error == {"field": "to", "message": f"'0491570157' does not match '{pattern}'"}
