"""A config like production's, where each account owns only some numbers: the fixture works,
and only `aatrox_mock.token` (an owner of every number) is missing, saying so."""

from __future__ import annotations

import pytest

from aatrox_sms_client.api.sending import send_sms
from aatrox_sms_client.models import Message, SendRequest
from mock_server.pytest_plugin import AatroxMock, AatroxMockError

SHOP = "+61491570156"
CONFIG: dict[str, object] = {
    "accounts": [{"name": "shop", "tokens": ["shop-token"], "numbers": [SHOP]}]
}


@pytest.fixture(scope="module")
def aatrox_mock_config() -> dict[str, object]:
    return CONFIG


def test_the_mock_serves_with_the_configs_own_tokens(aatrox_mock: AatroxMock) -> None:
    body = SendRequest(from_=SHOP, to="+61491570157", text="hi")
    sent = send_sms.sync(client=aatrox_mock.client(token="shop-token"), body=body)
    assert isinstance(sent, Message)
    assert [m.id for m in aatrox_mock.messages()] == [sent.id]


def test_the_token_says_why_there_is_none(aatrox_mock: AatroxMock) -> None:
    with pytest.raises(AatroxMockError, match="owns every number"):
        _ = aatrox_mock.token
