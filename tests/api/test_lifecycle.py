"""An outbound message's life on the manual clock, and the outcomes configured per recipient."""

from __future__ import annotations

from datetime import timedelta

from aatrox_sms_client.api.messages import get_message
from aatrox_sms_client.api.sending import send_bulk_sms, send_sms
from aatrox_sms_client.models import BulkSendRequest, Message, Problem, SendRequest
from tests.api.harness import ACME_1, DEV_A, DEV_B, FAILED, SERVER_ERROR, UNDELIVERED, Mock, expect

SENT_AFTER = timedelta(seconds=0.5)
DELIVERED_AFTER = timedelta(seconds=1.0)


def _status(mock: Mock, message: Message) -> tuple[str, timedelta]:
    """The message's status now, and when it was reached relative to its creation."""
    now = expect(get_message.sync_detailed(message.id, client=mock.dev), Message, 200)
    return now.status, now.status_at - now.created_at


def test_a_message_is_queued_then_sent_then_delivered(any_store_mock: Mock) -> None:
    mock = any_store_mock
    message = mock.send(ACME_1, DEV_A)
    assert _status(mock, message) == ("queued", timedelta(0))
    mock.advance(0.499)
    assert _status(mock, message) == ("queued", timedelta(0))
    mock.advance(0.001)
    assert _status(mock, message) == ("sent", SENT_AFTER)
    mock.advance(0.499)
    assert _status(mock, message) == ("sent", SENT_AFTER)
    mock.advance(0.001)
    assert _status(mock, message) == ("delivered", DELIVERED_AFTER)
    mock.advance(3600)
    assert _status(mock, message) == ("delivered", DELIVERED_AFTER)


def test_the_clock_advance_answers_the_new_now(mock: Mock) -> None:
    message = mock.send(ACME_1, DEV_A)
    now = mock.advance(2.5)
    assert now - message.created_at == timedelta(seconds=2.5)


def test_a_configured_recipient_ends_undelivered(mock: Mock) -> None:
    message = mock.send(ACME_1, UNDELIVERED)
    mock.advance(0.5)
    assert _status(mock, message) == ("sent", SENT_AFTER)
    mock.advance(0.5)
    assert _status(mock, message) == ("undelivered", DELIVERED_AFTER)


def test_a_configured_recipient_ends_failed(mock: Mock) -> None:
    message = mock.send(ACME_1, FAILED)
    assert _status(mock, message) == ("queued", timedelta(0))
    mock.advance(0.5)
    assert _status(mock, message) == ("failed", SENT_AFTER)
    mock.advance(10)
    assert _status(mock, message) == ("failed", SENT_AFTER)


def test_a_configured_recipient_makes_the_send_a_500_that_stores_nothing(mock: Mock) -> None:
    body = SendRequest(from_=ACME_1, to=SERVER_ERROR, text="Hi")
    problem = expect(send_sms.sync_detailed(client=mock.dev, body=body), Problem, 500)
    assert problem.status == 500
    assert mock.stored() == []


def test_a_configured_recipient_makes_the_whole_bulk_a_500(mock: Mock) -> None:
    body = BulkSendRequest(from_=ACME_1, to=[DEV_A, SERVER_ERROR, DEV_B], text="Hi")
    expect(send_bulk_sms.sync_detailed(client=mock.dev, body=body), Problem, 500)
    assert mock.stored() == []
