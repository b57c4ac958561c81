"""The control API's calls for the inbox page: the message listing's extra fields, the request
journal (`/_mock/requests`) and the event stream (`/_mock/events`); and the page's own files."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mock_server.app import create_app
from mock_server.inbox.journal import RequestJournal
from mock_server.sms.config import default_config
from tests.api.harness import ACME_1, ACME_TOKEN, DEV_A, MANUAL_CONFIG, Mock, bearer
from tests.contract.servers import uvicorn_thread


@pytest.fixture
def journaled(mock: Mock) -> Mock:
    assert mock.http.delete("/_mock/requests").status_code == 204
    return mock


def test_the_listing_shows_status_history_segments_disclaimer_and_account(mock: Mock) -> None:
    answer = mock.http.post(
        "/api/v2/sms/send/disclaimer", json={"from": ACME_1, "to": DEV_A, "text": "x" * 170}
    )
    assert answer.status_code == 200
    mock.inbound(DEV_A, ACME_1, "Reply")
    [sent, _] = mock.stored()
    assert [step["status"] for step in sent["status_history"]] == ["queued"]
    assert sent["segment_starts"] == [0, 153]
    assert sent["text"][sent["disclaimer_at"] :] == "Acme Pty Ltd. Reply STOP to opt out."
    assert (sent["account"], sent["direction"]) == ("dev", "outbound")

    mock.advance(1)
    [sent, received] = mock.stored()
    history = sent["status_history"]
    assert [step["status"] for step in history] == ["queued", "sent", "delivered"]
    assert history[-1]["at"] == sent["status_at"]
    assert history[0]["at"] == sent["created_at"]
    assert (received["account"], received["direction"], received["disclaimer_at"]) == (
        None,
        "inbound",
        None,
    )


def test_the_journal_lists_calls_newest_first_with_the_problem_of_a_refused_one(
    journaled: Mock,
) -> None:
    mock = journaled
    mock.send()
    refused = mock.http.post("/api/v2/sms/send", json={"from": "0491", "to": DEV_A, "text": "Hi"})
    assert refused.status_code == 400
    mock.anonymous(bearer(ACME_TOKEN)).get("/api/v2/sms/history")

    entries = mock.http.get("/_mock/requests").json()["requests"]
    assert [(e["method"], e["path"], e["status"], e["account"]) for e in entries] == [
        ("GET", "/api/v2/sms/history", 200, "acme"),
        ("POST", "/api/v2/sms/send", 400, "dev"),
        ("POST", "/api/v2/sms/send", 200, "dev"),
    ]
    problem = entries[1]["problem"]
    assert problem["title"] == "Bad Request"
    assert [error["field"] for error in problem["errors"]] == ["from"]
    assert "problem" not in entries[0]


def test_the_journal_never_holds_a_token_and_names_no_account_for_an_unknown_one(
    journaled: Mock,
) -> None:
    mock = journaled
    answer = mock.anonymous({"Authorization": "Bearer not-a-token"}).get("/api/v2/sms/history")
    assert answer.status_code == 401
    listing = mock.http.get("/_mock/requests")
    [entry] = listing.json()["requests"]
    assert (entry["status"], entry["account"], entry["problem"]["title"]) == (
        401,
        None,
        "Unauthorized",
    )
    assert "not-a-token" not in listing.text


def test_the_journal_filters_by_status_and_path_and_skips_the_control_api(journaled: Mock) -> None:
    mock = journaled
    mock.send()
    mock.http.get("/api/v2/sms/msg_000000000000000000000000")  # 404
    mock.http.get("/_mock/health")
    assert [e["status"] for e in mock.http.get("/_mock/requests").json()["requests"]] == [404, 200]
    only_404 = mock.http.get("/_mock/requests", params={"status": 404}).json()["requests"]
    assert [e["status"] for e in only_404] == [404]
    by_path = mock.http.get("/_mock/requests", params={"path": "/send"}).json()["requests"]
    assert [e["path"] for e in by_path] == ["/api/v2/sms/send"]


def test_the_journal_records_injected_faults(journaled: Mock) -> None:
    mock = journaled
    mock.http.put("/_mock/faults", json={"error_rate": 1})
    mock.http.get("/api/v2/sms/history")
    [entry] = mock.http.get("/_mock/requests").json()["requests"]
    assert entry["status"] == 500
    assert "fault" in entry["problem"]["detail"]


def test_clearing_the_journal_empties_it(journaled: Mock) -> None:
    mock = journaled
    mock.send()
    assert mock.http.delete("/_mock/requests").status_code == 204
    assert mock.http.get("/_mock/requests").json() == {"requests": [], "size": 500}


def test_a_bad_filter_is_a_400(mock: Mock) -> None:
    for params in ({"status": "abc"}, {"status": 99}, {"path": ""}):
        answer = mock.http.get("/_mock/requests", params=params)
        assert answer.status_code == 400, params
        assert answer.headers["content-type"] == "application/problem+json"


def test_the_journal_keeps_only_its_size_and_can_be_off() -> None:
    journal = RequestJournal(2)
    for n in range(3):
        journal.record({"status": 200, "path": f"/api/{n}"})
    assert [e["path"] for e in journal.entries()] == ["/api/2", "/api/1"]
    with pytest.raises(ValueError, match="0 or more"):
        RequestJournal(-1)

    off = create_app(MANUAL_CONFIG, journal_size=0).test_client(headers=bearer("dev-token"))
    off.get("/api/v2/sms/history")
    assert off.get("/_mock/requests").json() == {"requests": [], "size": 0}


def test_the_page_is_served_at_the_root_with_its_files(mock: Mock) -> None:
    page = mock.anonymous().get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for asset in ("/_mock/inbox/inbox.js", "/_mock/inbox/inbox.css"):
        assert asset in page.text
        assert mock.anonymous().get(asset).status_code == 200
    assert mock.anonymous().get("/_mock/inbox/missing.js").status_code == 404


# -- the event stream, over a real socket (it is a stream) --------------------------------------


@pytest.fixture(scope="module")
def live_url() -> Iterator[str]:
    with uvicorn_thread(create_app(MANUAL_CONFIG)) as base_url:
        yield base_url


def _events(lines: Iterator[str], count: int) -> list[str]:
    names: list[str] = []
    for line in lines:
        if line.startswith("event: "):
            names.append(line.removeprefix("event: "))
            if len(names) == count:
                break
    return names


def test_the_stream_cues_messages_and_requests_after_a_call(live_url: str) -> None:
    with (
        httpx.Client(base_url=live_url, timeout=10) as client,
        client.stream("GET", "/_mock/events") as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert next(lines) == "retry: 200"
        assert _events(lines, 2) == ["messages", "requests"]  # on connecting: read everything
        client.post("/_mock/clock/advance", json={"seconds": 1})
        assert _events(lines, 1) == ["messages"]
        client.get("/api/v2/sms/history", headers=bearer("dev-token"))
        assert _events(lines, 1) == ["requests"]


def test_with_a_real_clock_the_stream_cues_each_status_change_unasked() -> None:
    with (
        uvicorn_thread(create_app(default_config())) as base_url,  # real clock: 0.5 s, 1 s
        httpx.Client(base_url=base_url, timeout=10) as client,
        client.stream("GET", "/_mock/events") as stream,
    ):
        lines = stream.iter_lines()
        assert _events(lines, 2) == ["messages", "requests"]
        body = {"from": ACME_1, "to": DEV_A, "text": "Hi"}
        sent = client.post("/api/v2/sms/send", json=body, headers=bearer("dev-token"))
        assert sent.json()["status"] == "queued"
        # The call's own cues, then one at `sent` and one at `delivered`, with no call between.
        assert _events(lines, 4) == ["messages", "requests", "messages", "messages"]
        [message] = client.get("/_mock/messages").json()["messages"]
        assert message["status"] == "delivered"


def test_a_control_path_answers_an_undeclared_method_with_all_of_its_methods(mock: Mock) -> None:
    for path, allowed in (
        ("/_mock/faults", "DELETE, PUT"),
        ("/_mock/requests", "DELETE, GET, HEAD"),
    ):
        answer = mock.http.request("PATCH", path)
        assert answer.status_code == 405
        assert answer.headers["allow"] == allowed
