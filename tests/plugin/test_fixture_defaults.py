"""The fixture's defaults as the README's "Testing your own app" states them: the manual clock,
each status's delay, and each outcome number with the step at which it happens."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from aatrox_sms_client.api.sending import send_sms
from aatrox_sms_client.models import Message, Problem, SendRequest
from mock_server.pytest_plugin import AatroxMock
from mock_server.sms.config import default_config
from mock_server.sms.lifecycle import Outcome

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
SENDER = "+61491570156"
NUMBERS = {outcome: number for number, outcome in default_config().outcomes.items()}


def _send(aatrox_mock: AatroxMock, to: str) -> Message | Problem | None:
    body = SendRequest(from_=SENDER, to=to, text="hi")
    return send_sms.sync(client=aatrox_mock.client(), body=body)


@pytest.mark.parametrize(
    ("outcome", "at_half_a_second", "at_one_second"),
    [
        (Outcome.DELIVERED, "sent", "delivered"),
        (Outcome.UNDELIVERED, "sent", "undelivered"),
        (Outcome.FAILED, "failed", "failed"),
    ],
)
def test_each_status_comes_at_the_step_the_readme_says(
    aatrox_mock: AatroxMock, outcome: Outcome, at_half_a_second: str, at_one_second: str
) -> None:
    to = NUMBERS.get(outcome, "+61491570157")
    sent = _send(aatrox_mock, to)
    assert isinstance(sent, Message), sent
    assert sent.status == "queued"
    aatrox_mock.advance(0.499)
    [message] = aatrox_mock.messages(to=to)
    assert message.status == "queued"  # the clock moved only as far as the test said
    aatrox_mock.advance(0.001)
    [message] = aatrox_mock.messages(to=to)
    assert message.status == at_half_a_second
    aatrox_mock.advance(0.5)
    [message] = aatrox_mock.messages(to=to)
    assert message.status == at_one_second
    if outcome is not Outcome.DELIVERED:
        assert f"| `{to}` | `{outcome.value}` |" in README


def test_the_server_error_number_is_a_500_and_stores_nothing(aatrox_mock: AatroxMock) -> None:
    to = NUMBERS[Outcome.SERVER_ERROR]
    response = httpx.post(
        f"{aatrox_mock.base_url}/api/v2/sms/send",
        json={"from": SENDER, "to": to, "text": "hi"},
        headers={"Authorization": f"Bearer {aatrox_mock.token}"},
    )
    assert response.status_code == 500
    assert aatrox_mock.messages(to=to) == []
    assert f"| `{to}` | the send is answered `500`" in README


def test_the_readme_states_the_default_delays() -> None:
    lifecycle = default_config().lifecycle
    assert (
        f"`lifecycle: {{sent_after_s: {lifecycle.sent_after_s}, "
        f"delivered_after_s: {lifecycle.delivered_after_s}}}`"
    ) in README
