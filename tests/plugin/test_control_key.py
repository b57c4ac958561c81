"""The plugin's mock can ask for a control key (`_ThreadedServer(config, control_token=...)`):
its control client then sends it, so every helper works, and nothing else steers the mock."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mock_server.pytest_plugin import AatroxMock, _control_headers, _ThreadedServer
from mock_server.sms.config import default_config

KEY = "plugin-control-key"
SHOP, CUSTOMER = "+61491570156", "+61491570157"


@pytest.fixture(scope="module")
def server() -> Iterator[_ThreadedServer]:
    started = _ThreadedServer(default_config(), control_token=KEY)
    started.start()
    yield started
    started.stop()


def test_the_helpers_send_the_control_key(server: _ThreadedServer) -> None:
    control = httpx.Client(
        base_url=server.base_url + "/_mock", headers=_control_headers(server.control_token)
    )
    with control:
        mock = AatroxMock(server.base_url, "dev-token", control)
        mock.inbound(from_=CUSTOMER, to=SHOP, text="STOP")
        assert [m.text for m in mock.messages(from_=CUSTOMER)] == ["STOP"]


def test_without_the_key_the_control_api_refuses(server: _ThreadedServer) -> None:
    answer = httpx.post(server.base_url + "/_mock/reset")
    assert answer.status_code == 401
    assert KEY not in answer.text
