"""Who may talk to the mock (mock_server/http/pipeline/request_guard.py), on both paths (fast path
on and off): only loopback Host names and those allowed; no cross-site write to the control API;
with a control key, no control call without it. Every answer is checked against the specs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from connexion import AsyncApp
from starlette.testclient import TestClient

from mock_server.app import create_app
from tests.api.answers import checked
from tests.api.harness import DEV_A, DEV_B, DEV_TOKEN, MANUAL_CONFIG

#: A request over a socket from this machine (the in-process client's own name is not one).
LOCAL_PEER = ("127.0.0.1", 40000)
BASE = "http://localhost:8080"
AUTH = {"Authorization": f"Bearer {DEV_TOKEN}"}
SECRET_TEXT = "Your code is 918273"
KEY = "control-key-for-tests"
PATHS = ["/api/v2/sms/history", "/_mock/messages", "/", "/_mock/inbox/inbox.js", "/ui/"]


def _client(app: AsyncApp, base_url: str = BASE) -> TestClient:
    client: TestClient = checked(TestClient(app, base_url=base_url, client=LOCAL_PEER))
    return client


@pytest.fixture(scope="module", params=[True, False], ids=["fast-path", "connexion"])
def app(request: pytest.FixtureRequest) -> AsyncApp:
    return create_app(
        MANUAL_CONFIG,
        fast_path=request.param,
        allowed_hosts=["mock.internal", "Other.Internal:8080"],
    )


@pytest.fixture
def http(app: AsyncApp) -> Iterator[TestClient]:
    with _client(app) as client:
        assert client.post("/_mock/reset").status_code == 204
        assert client.delete("/_mock/faults").status_code == 200
        sent = client.post(
            "/api/v2/sms/send", json={"from": DEV_A, "to": DEV_B, "text": SECRET_TEXT}, headers=AUTH
        )
        assert sent.status_code == 200, sent.text
        yield client


def _stored(http: TestClient) -> list[dict[str, Any]]:
    answer = http.get("/_mock/messages")
    assert answer.status_code == 200, answer.text
    messages: list[dict[str, Any]] = answer.json()["messages"]
    return messages


# -- Host --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["localhost", "localhost:8080", "LocalHost:1", "127.0.0.1:8080", "127.200.3.4", "[::1]:8080",
     "[::1]", "mock.internal:9000", "MOCK.internal",
     "other.internal:5"],
)  # fmt: skip
@pytest.mark.parametrize("path", PATHS)
def test_loopback_and_allowed_hosts_are_served(http: TestClient, host: str, path: str) -> None:
    answer = http.get(path, headers={**AUTH, "Host": host})
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    "host",
    ["evil.example:8080", "evil.example", "127.evil.example", "localhost.evil.example",
     "127.0.0.1.nip.io", "[::2]:8080", "0.0.0.0:8080", "10.0.0.5", "localhost:80x", "[::1",
     "mock.internal.evil.example"],
)  # fmt: skip
@pytest.mark.parametrize("path", PATHS)
def test_any_other_host_gets_a_problem_and_none_of_the_mocks_data(
    http: TestClient, host: str, path: str
) -> None:
    answer = http.get(path, headers={**AUTH, "Host": host})
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["title"] == "Host not served"
    assert [error["field"] for error in problem["errors"]] == ["Host"]
    assert SECRET_TEXT not in answer.text
    # The refusal repeats nothing of the request: it is the same for every host and path.
    assert answer.content == http.get("/api/v2/sms/history", headers={"Host": "x.example"}).content


@pytest.mark.parametrize("second", ["evil.example", "localhost"])
@pytest.mark.parametrize("path", PATHS)
def test_two_host_headers_are_refused_whatever_they_say(
    http: TestClient, second: str, path: str
) -> None:
    # RFC 9112, 3.2: more than one Host is a 400; which one a proxy would read is anyone's guess.
    answer = http.get(path, headers=[*AUTH.items(), ("Host", "localhost"), ("Host", second)])
    assert answer.status_code == 400
    assert answer.json()["title"] == "Host not served"
    assert SECRET_TEXT not in answer.text


def test_a_refused_host_changes_nothing(http: TestClient) -> None:
    answer = http.post("/_mock/reset", headers={"Host": "evil.example:8080"})
    assert answer.status_code == 400
    assert [m["text"] for m in _stored(http)] == [SECRET_TEXT]


# -- cross-site writes -------------------------------------------------------------------------

WRITES = [
    ("POST", "/_mock/reset", None),
    ("POST", "/_mock/inbound", {"from": DEV_B, "to": DEV_A, "text": "forged"}),
    ("POST", "/_mock/clock/advance", {"seconds": 3600}),
    ("PUT", "/_mock/faults", {"error_rate": 1.0, "latency_ms": 0}),
    ("DELETE", "/_mock/faults", None),
    ("DELETE", "/_mock/requests", None),
]
FOREIGN = [
    {"Origin": "http://evil.example:8080"},
    {"Origin": "null"},
    {"Origin": "http://localhost:9999"},  # another port is another origin
    {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # another loopback port is the same site
    {"Origin": "http://localhost:8080", "Sec-Fetch-Site": "cross-site"},
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=lambda v: str(v))
@pytest.mark.parametrize("marks", FOREIGN, ids=lambda h: ",".join(f"{k}={v}" for k, v in h.items()))
def test_a_cross_site_write_is_refused_and_changes_nothing(
    http: TestClient, method: str, path: str, body: Any, marks: dict[str, str]
) -> None:
    before_requests = http.get("/_mock/requests").json()["requests"]
    answer = http.request(method, path, json=body, headers=marks)
    assert answer.status_code == 403, answer.text
    assert answer.json()["title"] == "Cross-site request refused"
    assert [m["text"] for m in _stored(http)] == [SECRET_TEXT]
    assert http.get("/_mock/requests").json()["requests"] == before_requests
    faults = http.put("/_mock/faults", json={"error_rate": 0.0, "latency_ms": 0}).json()
    assert faults == {"error_rate": 0.0, "latency_ms": 0}
    history = http.get("/api/v2/sms/history", headers=AUTH)
    assert history.status_code == 200  # no fault was set, the clock did not move past it


@pytest.mark.parametrize(
    "marks",
    [{}, {"Sec-Fetch-Site": "none"}, {"Origin": BASE, "Sec-Fetch-Site": "same-origin"},
     {"Origin": "http://LOCALHOST:8080"}],
)  # fmt: skip
def test_the_mocks_own_page_and_clients_that_are_not_browsers_may_write(
    http: TestClient, marks: dict[str, str]
) -> None:
    body = {"from": DEV_B, "to": DEV_A, "text": "from the page"}
    assert http.post("/_mock/inbound", json=body, headers=marks).status_code == 200
    assert http.post("/_mock/reset", headers=marks).status_code == 204
    assert _stored(http) == []


def test_reads_are_not_refused_for_their_origin(http: TestClient) -> None:
    # A browser does not let a foreign page read the answer (no CORS header); the Host check
    # stops the rebinding page that could.
    answer = http.get("/_mock/messages", headers={"Origin": "http://evil.example:8080"})
    assert answer.status_code == 200
    assert "access-control-allow-origin" not in answer.headers


# -- the control key ---------------------------------------------------------------------------


@pytest.fixture(scope="module", params=[True, False], ids=["fast-path", "connexion"])
def keyed(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    app = create_app(MANUAL_CONFIG, fast_path=request.param, control_token=KEY)
    with _client(app) as client:
        yield client


CONTROL_CALLS = [
    ("GET", "/_mock/messages", None),
    ("GET", "/_mock/requests", None),
    *WRITES,
]


@pytest.mark.parametrize(("method", "path", "body"), CONTROL_CALLS, ids=lambda v: str(v))
@pytest.mark.parametrize(
    "authorization",
    [None, f"Bearer {DEV_TOKEN}", "Bearer wrong", f"Bearer {KEY}x", f"Bearer {KEY[:-1]}",
     f"Bearer\t{KEY}", f"Basic {KEY}", KEY],
)  # fmt: skip
def test_with_a_control_key_every_control_call_needs_it(
    keyed: TestClient, method: str, path: str, body: Any, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = keyed.request(method, path, json=body, headers=headers)
    assert answer.status_code == 401, answer.text
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.json()["title"] == "Control key required"
    assert KEY not in answer.text


@pytest.mark.parametrize("authorization", [f"Bearer {KEY}", f"bearer   {KEY}"])
def test_the_control_key_opens_the_control_api(keyed: TestClient, authorization: str) -> None:
    key = {"Authorization": authorization}
    assert keyed.post("/_mock/reset", headers=key).status_code == 204
    body = {"from": DEV_B, "to": DEV_A, "text": "with the key"}
    assert keyed.post("/_mock/inbound", json=body, headers=key).status_code == 200
    answer = keyed.get("/_mock/messages", headers=key)
    assert [m["text"] for m in answer.json()["messages"]] == ["with the key"]
    journal = keyed.get("/_mock/requests", headers=key)
    assert journal.status_code == 200
    assert KEY not in journal.text


@pytest.mark.parametrize("path", ["/_mock/health", "/", "/_mock/inbox/inbox.js"])
def test_health_and_the_pages_need_no_key(keyed: TestClient, path: str) -> None:
    assert keyed.get(path).status_code == 200


def test_the_control_key_is_not_an_accounts_token(keyed: TestClient) -> None:
    assert (
        keyed.get("/api/v2/sms/history", headers={"Authorization": f"Bearer {KEY}"}).status_code
        == 401
    )
    assert keyed.get("/api/v2/sms/history", headers=AUTH).status_code == 200
