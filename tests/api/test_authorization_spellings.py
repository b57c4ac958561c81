"""One reading of `Authorization` (mock_server/http/pipeline/authorization.py), the same on both
paths (fast path on and off) and in the request journal: RFC 6750's `Bearer`, one or more spaces,
the token, the scheme in any case; anything else, and two headers in either order, is a 401 — and
the journal names the account exactly when authentication let it in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mock_server.app import create_app
from tests.api.answers import checked
from tests.api.harness import DEV_TOKEN, MANUAL_CONFIG

PATH = "/api/v2/sms/history"


@pytest.fixture(scope="module", params=[True, False], ids=["fast-path", "connexion"])
def http(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    app = create_app(MANUAL_CONFIG, fast_path=request.param)
    with checked(app.test_client()) as client:
        yield client


def _last_call(http: TestClient) -> dict[str, object]:
    entry: dict[str, object] = http.get("/_mock/requests").json()["requests"][0]
    assert entry["path"] == PATH
    return entry


@pytest.mark.parametrize(
    "value",
    [f"Bearer {DEV_TOKEN}", f"bearer {DEV_TOKEN}", f"BEARER {DEV_TOKEN}", f"BeArEr {DEV_TOKEN}",
     f"Bearer  {DEV_TOKEN}", f"Bearer     {DEV_TOKEN}"],
)  # fmt: skip
def test_rfc_6750_spellings_are_accepted(http: TestClient, value: str) -> None:
    assert http.get(PATH, headers={"Authorization": value}).status_code == 200
    assert _last_call(http)["account"] == "dev"


@pytest.mark.parametrize(
    "value",
    [f"Bearer\t{DEV_TOKEN}", f"Bearer \t{DEV_TOKEN}", f"Bearer\t {DEV_TOKEN}", f"Bearer{DEV_TOKEN}",
     f"Bearer {DEV_TOKEN}\t", f"Bearer {DEV_TOKEN} x", f"Bearer {DEV_TOKEN}\tx", "Bearer",
     "Bearer ", f"Token {DEV_TOKEN}", f"Basic {DEV_TOKEN}", f"Bearer: {DEV_TOKEN}", DEV_TOKEN],
)  # fmt: skip
def test_any_other_spelling_is_a_401_and_journaled_without_an_account(
    http: TestClient, value: str
) -> None:
    answer = http.get(PATH, headers={"Authorization": value})
    assert answer.status_code == 401, answer.text
    assert answer.headers["www-authenticate"] == "Bearer"
    entry = _last_call(http)
    assert (entry["status"], entry["account"]) == (401, None)


@pytest.mark.parametrize(
    "values",
    [(f"Bearer {DEV_TOKEN}", "Bearer wrong"), ("Bearer wrong", f"Bearer {DEV_TOKEN}"),
     (f"Bearer {DEV_TOKEN}", f"Bearer {DEV_TOKEN}")],
)  # fmt: skip
def test_two_authorization_headers_are_a_401_whatever_their_order(
    http: TestClient, values: tuple[str, str]
) -> None:
    answer = http.get(PATH, headers=[("Authorization", value) for value in values])
    assert answer.status_code == 401, answer.text
    entry = _last_call(http)
    assert (entry["status"], entry["account"]) == (401, None)


def test_no_authorization_is_a_401(http: TestClient) -> None:
    answer = http.get(PATH)
    assert answer.status_code == 401
    assert answer.json()["detail"] == "No authorization token provided"
