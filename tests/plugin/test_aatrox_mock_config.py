"""Overriding `aatrox_mock_config` (here per module): a mapping, seeded and with a clock start;
keys left out keep their defaults, the clock is manual unless set."""

from __future__ import annotations

import pytest

from aatrox_sms_client.api.sending import send_sms
from aatrox_sms_client.models import Message, SendRequest
from mock_server.pytest_plugin import AatroxMock
from mock_server.sms.ids import SeededIds
from mock_server.sms.store import MemoryStore

SEED = 3
CONFIG = {
    "seed": SEED,
    "clock_start": "2026-01-01T00:00:00Z",
    "accounts": [{"name": "team", "tokens": ["team-token"], "numbers": ["*"]}],
}


@pytest.fixture(scope="module")
def aatrox_mock_config() -> dict[str, object]:
    return CONFIG


def _send(mock: AatroxMock) -> Message:
    body = SendRequest(from_="+61491570156", to="+61491570157", text="hi")
    sent = send_sms.sync(client=mock.client(), body=body)
    assert isinstance(sent, Message)
    return sent


def test_the_override_is_served_with_a_manual_clock_from_its_start(
    aatrox_mock: AatroxMock,
) -> None:
    assert aatrox_mock.token == "team-token"
    sent = _send(aatrox_mock)
    assert sent.created_at.isoformat() == "2026-01-01T00:00:00+00:00"
    assert sent.status == "queued"


@pytest.mark.parametrize("run", [1, 2])
def test_every_test_of_a_seeded_mock_gets_the_first_ids_of_the_seed(
    aatrox_mock: AatroxMock, run: int
) -> None:
    expected = SeededIds(SEED, MemoryStore()).take(2)
    assert [_send(aatrox_mock).id, _send(aatrox_mock).id] == expected
