"""Sending: one message, with a disclaimer, and in bulk (all or nothing)."""

from __future__ import annotations

import pytest

from aatrox_sms_client.api.messages import get_message
from aatrox_sms_client.api.sending import send_bulk_sms, send_sms, send_sms_with_disclaimer
from aatrox_sms_client.models import (
    BulkSendRequest,
    BulkSendResponse,
    Message,
    Problem,
    SendRequest,
)
from tests.api.harness import (
    ACME_1,
    ACME_DISCLAIMER,
    DEFAULT_DISCLAIMER,
    DEV_A,
    DEV_B,
    Mock,
    expect,
    fields,
)


def test_send_answers_the_stored_message_queued(any_store_mock: Mock) -> None:
    body = SendRequest(from_=ACME_1, to=DEV_A, text="Your code is 482913.")
    message = expect(send_sms.sync_detailed(client=any_store_mock.dev, body=body), Message, 200)

    assert message.id.startswith("msg_")
    assert (message.from_addr, message.to_addr) == (ACME_1, DEV_A)
    assert message.text == "Your code is 482913."
    assert message.status == "queued"
    assert message.status_at == message.created_at
    assert message.created_at.utcoffset() is not None
    [stored] = any_store_mock.stored()
    assert stored["id"] == message.id
    again = expect(get_message.sync_detailed(message.id, client=any_store_mock.dev), Message, 200)
    assert again == message


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        pytest.param("Hello", "gsm7", 1, id="gsm7-short"),
        pytest.param("a" * 160, "gsm7", 1, id="gsm7-160-one-segment"),
        pytest.param("a" * 161, "gsm7", 2, id="gsm7-161-two-segments"),
        pytest.param("a" * 460, "gsm7", 4, id="gsm7-long-ceil-460/153"),
        pytest.param("€" * 80, "gsm7", 1, id="gsm7-extension-chars-count-two"),
        pytest.param("€" * 81, "gsm7", 2, id="gsm7-extension-162-septets"),
        pytest.param("Hi 👋", "ucs2", 1, id="ucs2-emoji"),
        pytest.param("👋" * 35, "ucs2", 1, id="ucs2-70-units"),
        pytest.param("👋" * 35 + "a", "ucs2", 2, id="ucs2-71-units"),
        pytest.param("é" * 10 + "ж" * 125, "ucs2", 3, id="ucs2-long-ceil-135/67"),
    ],
)
def test_send_counts_encoding_and_segments(
    mock: Mock, text: str, encoding: str, segments: int
) -> None:
    message = mock.send(ACME_1, DEV_A, text)
    assert (message.encoding, message.segment_count) == (encoding, segments)
    assert message.text == text


# -- disclaimer -------------------------------------------------------------------------------


def test_disclaimer_is_the_senders_own(any_store_mock: Mock) -> None:
    body = SendRequest(from_=ACME_1, to=DEV_A, text="See you at 9:30.")
    response = send_sms_with_disclaimer.sync_detailed(client=any_store_mock.acme, body=body)
    message = expect(response, Message, 200)
    assert message.text == "See you at 9:30.\n" + ACME_DISCLAIMER
    assert message.status == "queued"
    [stored] = any_store_mock.stored()
    assert stored["text"] == message.text


def test_disclaimer_falls_back_to_the_default(mock: Mock) -> None:
    body = SendRequest(from_=DEV_B, to=DEV_A, text="See you at 9:30.")
    response = send_sms_with_disclaimer.sync_detailed(client=mock.dev, body=body)
    assert expect(response, Message, 200).text == "See you at 9:30.\n" + DEFAULT_DISCLAIMER


def test_disclaimer_counts_in_the_segments(mock: Mock) -> None:
    text = "a" * 150  # one segment alone; 150 + 1 + 36 = 187 septets with the disclaimer
    body = SendRequest(from_=ACME_1, to=DEV_A, text=text)
    message = expect(
        send_sms_with_disclaimer.sync_detailed(client=mock.dev, body=body), Message, 200
    )
    assert mock.send(ACME_1, DEV_A, text).segment_count == 1
    assert message.segment_count == 2


def test_disclaimer_may_fill_the_text_to_exactly_1600(mock: Mock) -> None:
    text = "a" * (1600 - 1 - len(ACME_DISCLAIMER))
    body = SendRequest(from_=ACME_1, to=DEV_A, text=text)
    message = expect(
        send_sms_with_disclaimer.sync_detailed(client=mock.dev, body=body), Message, 200
    )
    assert len(message.text) == 1600


def test_disclaimer_that_pushes_text_over_1600_is_a_400_and_stores_nothing(mock: Mock) -> None:
    body = SendRequest(from_=ACME_1, to=DEV_A, text="a" * 1590)
    problem = expect(
        send_sms_with_disclaimer.sync_detailed(client=mock.dev, body=body), Problem, 400
    )
    assert fields(problem) == ["text"]
    assert mock.stored() == []
    # The same text without a disclaimer fits.
    expect(send_sms.sync_detailed(client=mock.dev, body=body), Message, 200)


# -- bulk -------------------------------------------------------------------------------------


def test_bulk_answers_messages_in_the_order_of_to(any_store_mock: Mock) -> None:
    to = ["+61491570305", "+61491570301", "+61491570309", "+61491570303"]
    body = BulkSendRequest(from_=ACME_1, to=to, text="Reminder: tomorrow 9:30.")
    answer = expect(
        send_bulk_sms.sync_detailed(client=any_store_mock.dev, body=body), BulkSendResponse, 200
    )

    assert [m.to_addr for m in answer.messages] == to
    assert all(m.status == "queued" and m.from_addr == ACME_1 for m in answer.messages)
    assert len({m.id for m in answer.messages}) == len(to)
    assert [m["id"] for m in any_store_mock.stored()] == [m.id for m in answer.messages]


@pytest.mark.parametrize(
    ("to", "bad"),
    [
        pytest.param([DEV_A, "0491570157", DEV_B], ["to[1]"], id="invalid-number"),
        pytest.param([DEV_A, DEV_B, DEV_A], ["to[2]"], id="duplicate"),
        pytest.param([DEV_A, "+0", DEV_A], ["to[1]", "to[2]"], id="both"),
    ],
)
def test_bulk_is_all_or_nothing(mock: Mock, to: list[str], bad: list[str]) -> None:
    body = BulkSendRequest(from_=ACME_1, to=to, text="Reminder")
    problem = expect(send_bulk_sms.sync_detailed(client=mock.dev, body=body), Problem, 400)
    assert sorted(fields(problem)) == bad
    assert mock.stored() == []


def test_bulk_takes_1000_recipients(mock: Mock) -> None:
    to = [f"+6149158{i:04d}" for i in range(1000)]
    body = BulkSendRequest(from_=ACME_1, to=to, text="Hello all")
    answer = expect(send_bulk_sms.sync_detailed(client=mock.dev, body=body), BulkSendResponse, 200)
    assert [m.to_addr for m in answer.messages] == to
    assert len(mock.stored()) == 1000


def test_bulk_refuses_1001_recipients(mock: Mock) -> None:
    to = [f"+6149158{i:04d}" for i in range(1001)]
    body = BulkSendRequest(from_=ACME_1, to=to, text="Hello all")
    problem = expect(send_bulk_sms.sync_detailed(client=mock.dev, body=body), Problem, 400)
    assert fields(problem) == ["to"]
    assert mock.stored() == []
