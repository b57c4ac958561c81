"""Receiving: a number's inbox holds what was delivered to it and what arrived from outside."""

from __future__ import annotations

from aatrox_sms_client.api.messages import list_received_messages
from aatrox_sms_client.models import Message, MessagePage
from tests.api.harness import ACME_1, ACME_2, DEV_A, DEV_B, FAILED, UNDELIVERED, Mock, expect


def _inbox(mock: Mock, to: str, from_addr: str | None = None) -> list[Message]:
    if from_addr is None:
        response = list_received_messages.sync_detailed(client=mock.acme, to=to)
    else:
        response = list_received_messages.sync_detailed(client=mock.acme, to=to, from_=from_addr)
    page = expect(response, MessagePage, 200)
    assert page.next_cursor is None
    return page.messages


def test_a_sent_message_reaches_its_to_only_once_delivered(any_store_mock: Mock) -> None:
    mock = any_store_mock
    message = mock.send(DEV_A, ACME_1, "Your table is ready")
    assert _inbox(mock, ACME_1) == []
    mock.advance(0.5)  # sent, not yet delivered
    assert _inbox(mock, ACME_1) == []
    mock.advance(0.5)
    [received] = _inbox(mock, ACME_1)
    assert (received.id, received.status, received.text) == (message.id, "delivered", message.text)
    assert _inbox(mock, ACME_2) == []


def test_undelivered_and_failed_messages_never_arrive(mock: Mock) -> None:
    mock.send(ACME_1, UNDELIVERED)
    mock.send(ACME_1, FAILED)
    mock.advance(60)
    for number in (UNDELIVERED, FAILED):
        response = list_received_messages.sync_detailed(client=mock.dev, to=number)
        assert expect(response, MessagePage, 200).messages == []


def test_an_inbound_message_arrives_at_once_as_received(any_store_mock: Mock) -> None:
    mock = any_store_mock
    injected = mock.inbound(DEV_B, ACME_1, "Yes, 9:30 works")
    assert injected.status == "received"
    [received] = _inbox(mock, ACME_1)
    assert received == injected
    assert received.status_at == received.created_at


def test_from_keeps_only_that_senders_messages(mock: Mock) -> None:
    first = mock.inbound(DEV_A, ACME_1, "one")
    mock.inbound(DEV_B, ACME_1, "two")
    third = mock.inbound(DEV_A, ACME_1, "three")
    mock.inbound(DEV_A, ACME_2, "elsewhere")
    assert [m.id for m in _inbox(mock, ACME_1, DEV_A)] == [first.id, third.id]
    assert len(_inbox(mock, ACME_1)) == 3


def test_the_inbox_is_oldest_first_by_arrival(any_store_mock: Mock) -> None:
    mock = any_store_mock
    sent = mock.send(DEV_A, ACME_1, "sent first, arrives at 1.0 s")
    mock.advance(0.25)
    early = mock.inbound(DEV_B, ACME_1, "arrives at 0.25 s")
    mock.advance(1.0)
    late = mock.inbound(DEV_B, ACME_1, "arrives at 1.25 s")
    assert [m.id for m in _inbox(mock, ACME_1)] == [early.id, sent.id, late.id]
