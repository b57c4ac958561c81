"""`MockServer`, the mock outside pytest's fixtures: for scripts, unittest and other frameworks.
The same helpers as `aatrox_mock` (which is one), started and stopped by a `with` block."""

from __future__ import annotations

import time
import unittest
from pathlib import Path

import httpx
import pytest
import uvicorn

from aatrox_sms_client.api.sending import send_sms
from aatrox_sms_client.models import Message, SendRequest
from mock_server import AatroxMockError, MockServer
from mock_server.pytest_plugin import _source_key
from mock_server.server import MockControl
from mock_server.sms.config import default_config
from tests.support.ports import free_port

SHOP, CUSTOMER = "+61491570156", "+61491570157"


def test_a_with_block_serves_the_mock_on_a_free_port_and_stops_it() -> None:
    with MockServer() as mock:
        assert mock.base_url.startswith("http://127.0.0.1:")
        assert not mock.base_url.endswith(":0")
        health = httpx.get(mock.base_url + "/_mock/health")
        assert health.json()["status"] == "ok"
        sent = send_sms.sync(
            client=mock.client(), body=SendRequest(from_=SHOP, to=CUSTOMER, text="hi")
        )
        assert isinstance(sent, Message)
        assert [m.id for m in mock.messages(to=CUSTOMER)] == [sent.id]
        assert mock.token == "dev-token"
        assert [c.operation_id for c in mock.requests()] == ["sendSms"]
    with pytest.raises(httpx.ConnectError):
        httpx.get(mock.base_url + "/_mock/health")


def test_stopping_drops_an_open_inbox_event_stream_rather_than_waiting_for_its_end() -> None:
    # uvicorn waits for running answers, and an event stream only ends after its lifetime.
    from mock_server.inbox.events import LIFETIME_S

    with (
        MockServer() as mock,
        httpx.Client(timeout=LIFETIME_S * 2) as browser,
        browser.stream("GET", mock.base_url + "/_mock/events") as events,
    ):
        lines = events.iter_lines()
        assert next(lines).startswith("retry:")
        started = time.monotonic()
        mock.stop()
        stopped_after = time.monotonic() - started
        with pytest.raises(httpx.HTTPError):  # the stream was cut, not finished
            for _ in lines:
                pass
    assert stopped_after < LIFETIME_S  # it did not wait for the stream


def test_the_clock_is_manual_unless_the_config_says_otherwise() -> None:
    with MockServer() as manual:
        manual.advance(1)  # a real clock would refuse: 409
    with MockServer(config={"clock": "real"}) as real, pytest.raises(AatroxMockError, match="409"):
        real.advance(1)


def test_it_takes_a_port_a_config_object_and_resets() -> None:
    port = free_port()
    with MockServer(config=default_config(), port=port) as mock:
        assert mock.base_url == f"http://127.0.0.1:{port}"
        mock.inbound(from_=CUSTOMER, to=SHOP, text="STOP")
        with mock.faults(fail_next=1):
            assert mock.client().get_httpx_client().get("/api/v2/sms/history").status_code == 500
        assert len(mock.requests()) == 1
        mock.reset()
        assert (mock.messages(), mock.requests()) == ([], [])


def test_a_bad_config_is_refused_before_anything_serves(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="clock"):
        MockServer(config={"clock": "sometimes"})
    listed = tmp_path / "list.yaml"
    listed.write_text("- clock: manual\n", encoding="utf-8")
    with pytest.raises(ValueError, match="mapping"):
        MockServer(config=listed)


def test_a_server_that_does_not_start_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)  # ends at once
    mock = MockServer()
    with pytest.raises(AatroxMockError, match=f"did not start at {mock.base_url}"):
        mock.start()


class UnittestUse(unittest.TestCase):
    """What a unittest suite writes: one mock for the class, reset in setUp."""

    mock: MockServer

    @classmethod
    def setUpClass(cls) -> None:
        cls.mock = MockServer().start()
        cls.addClassCleanup(cls.mock.stop)

    def setUp(self) -> None:
        self.mock.reset()

    def test_inbound_then_listed(self) -> None:
        injected = self.mock.inbound(from_=CUSTOMER, to=SHOP, text="YES")
        assert [m.id for m in self.mock.messages(to=SHOP)] == [injected.id]


def _answering(response: httpx.Response) -> MockControl:
    """The helpers over a transport that always gives `response` (no mock behind it)."""
    transport = httpx.MockTransport(lambda request: response)
    return MockControl(httpx.Client(transport=transport, base_url="http://mock"), "", None)


def test_a_refusal_that_is_not_a_problem_is_quoted_as_it_came() -> None:
    with pytest.raises(AatroxMockError, match=r"^POST /_mock/reset: 502 Bad Gateway$") as raised:
        _answering(httpx.Response(502, text="Bad Gateway")).reset()
    assert (raised.value.status, raised.value.problem) == (None, None)
    with pytest.raises(AatroxMockError, match=r"^POST /_mock/reset: 503 \[1\]$"):
        _answering(httpx.Response(503, json=[1])).reset()


def test_a_mock_without_an_owner_of_every_number_has_no_token() -> None:
    with pytest.raises(AatroxMockError, match="owns every number"):
        _ = _answering(httpx.Response(200)).token


def test_the_fixture_keeps_one_mock_per_config() -> None:
    config = default_config()
    assert _source_key(config) == _source_key(config)
    assert _source_key({"seed": 1}) == _source_key({"seed": 1}) != _source_key({"seed": 2})
    assert _source_key("mock.yaml") == _source_key(Path("mock.yaml").resolve())
