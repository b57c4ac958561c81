"""The API suite's answer check (tests/api/answers.py) can fail: an answer the spec forbids fails
the test that receives it, also when the fast path served it, which connexion's own response
validation never sees."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from schemathesis.core.failures import FailureGroup
from starlette.responses import Response

from mock_server.http.handlers import PublicApi
from tests.api.answers import check_answer
from tests.api.harness import DEV_A, DEV_B, Mock, bearer, running

HISTORY = "/api/v2/sms/history"
SEND = {"from": DEV_A, "to": DEV_B, "text": "Hi"}


@pytest.fixture
def forbidden_extra_property(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mock]:
    """A mock whose history entries carry a property the spec forbids (additionalProperties)."""
    original = PublicApi.list_message_history

    async def with_extra(self: PublicApi, **kwargs: Any) -> Response:
        answer = await original(self, **kwargs)
        page = json.loads(bytes(answer.body))
        for entry in page["messages"]:
            entry["extra"] = 1
        return Response(json.dumps(page), media_type="application/json")

    monkeypatch.setattr(PublicApi, "list_message_history", with_extra)
    with running() as mock:
        yield mock


def test_the_fast_path_serves_a_forbidden_answer_that_connexion_never_checks(
    forbidden_extra_property: Mock,
) -> None:
    """The gap the answer check closes: without it, this answer passes."""
    plain = forbidden_extra_property.app.test_client(headers=bearer("dev-token"))
    assert plain.post("/api/v2/sms/send", json=SEND).status_code == 200
    answer = plain.get(HISTORY)
    assert answer.status_code == 200
    assert answer.json()["messages"][0]["extra"] == 1


def test_the_harness_fails_on_a_forbidden_extra_property(forbidden_extra_property: Mock) -> None:
    forbidden_extra_property.send(DEV_A, DEV_B)
    with pytest.raises(FailureGroup, match="extra"):
        forbidden_extra_property.http.get(HISTORY)


def _answer(status: int, body: object, media_type: str, path: str = HISTORY) -> httpx.Response:
    request = httpx.Request("GET", f"http://testserver{path}")
    response = httpx.Response(
        status, headers={"content-type": media_type}, content=json.dumps(body), request=request
    )
    response.elapsed = timedelta(0)  # as a client sets it once the answer is read
    return response


PAGE: dict[str, object] = {"messages": [], "next_cursor": None}
PROBLEM = {"type": "about:blank", "title": "Gone", "status": 410, "detail": "Gone."}


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(_answer(200, {"messages": []}, "application/json"), id="a-required-field"),
        pytest.param(_answer(200, {**PAGE, "next": 1}, "application/json"), id="an-extra-field"),
        pytest.param(_answer(200, PAGE, "text/plain"), id="an-undocumented-media-type"),
        pytest.param(
            _answer(410, PROBLEM, "application/problem+json"), id="an-undocumented-status"
        ),
        pytest.param(
            _answer(404, PAGE, "application/json", "/api/v2/nothing"), id="not-a-problem-off-spec"
        ),
    ],
)
def test_each_kind_of_broken_answer_fails_the_check(response: httpx.Response) -> None:
    with pytest.raises((FailureGroup, AssertionError)):
        check_answer(response)


def test_a_good_answer_passes_the_check() -> None:
    check_answer(_answer(200, PAGE, "application/json"))
