"""A mock with a control key (`MockServer(control_token=...)`): its helpers send the key, so
every one of them works, and nothing without the key steers the mock."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mock_server import MockServer

KEY = "plugin-control-key"
SHOP, CUSTOMER = "+61491570156", "+61491570157"


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(control_token=KEY) as served:
        yield served


def test_the_helpers_send_the_control_key(mock: MockServer) -> None:
    mock.reset()
    mock.inbound(from_=CUSTOMER, to=SHOP, text="STOP")
    assert [m.text for m in mock.messages(from_=CUSTOMER)] == ["STOP"]


def test_without_the_key_the_control_api_refuses(mock: MockServer) -> None:
    answer = httpx.post(mock.base_url + "/_mock/reset")
    assert answer.status_code == 401
    assert KEY not in answer.text
