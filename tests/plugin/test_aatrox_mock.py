"""The fixture `aatrox_mock` as users get it (the plugin is registered by this checkout's
editable install, through its `pytest11` entry point): each helper, the reset between tests,
the manual clock, and a clear error where the generated client is missing."""

from __future__ import annotations

import sys
import threading
import time
from datetime import datetime, timedelta

import httpx
import pytest

from aatrox_sms_client.api.messages import list_received_messages
from aatrox_sms_client.api.sending import send_sms
from aatrox_sms_client.models import Message, Problem, SendRequest
from mock_server.pytest_plugin import AatroxMock, AatroxMockError

SHOP, CUSTOMER = "+61491570156", "+61491570157"


def _send(mock: AatroxMock, text: str, to: str = CUSTOMER) -> Message | Problem | None:
    body = SendRequest(from_=SHOP, to=to, text=text)
    return send_sms.sync(client=mock.client(), body=body)


def test_the_client_sends_and_messages_lists_what_was_sent(aatrox_mock: AatroxMock) -> None:
    sent = _send(aatrox_mock, "Your code is 123456")
    assert isinstance(sent, Message)
    [stored] = aatrox_mock.messages(to=CUSTOMER)
    assert (stored.id, stored.text, stored.from_addr) == (sent.id, "Your code is 123456", SHOP)
    assert aatrox_mock.messages(from_=CUSTOMER) == []


def test_messages_reads_every_page_of_the_listing(aatrox_mock: AatroxMock) -> None:
    # The control listing answers at most 1000 a page: 1001 messages take two pages.
    recipients = [f"+6140{n:07d}" for n in range(1000)]
    bulk = httpx.post(
        aatrox_mock.base_url + "/api/v2/sms/send/bulk",
        json={"from": SHOP, "to": recipients, "text": "Sale today"},
        headers={"Authorization": f"Bearer {aatrox_mock.token}"},
        timeout=30,
    )
    assert bulk.status_code == 200, bulk.text
    last = _send(aatrox_mock, "The last one")
    assert isinstance(last, Message)
    stored = aatrox_mock.messages()
    assert [m.to_addr for m in stored] == [*recipients, CUSTOMER]
    assert stored[-1].id == last.id


def test_each_test_starts_with_no_messages(aatrox_mock: AatroxMock) -> None:
    # Runs after the test above (file order): its message is gone.
    assert aatrox_mock.messages() == []


def test_the_clock_is_manual_and_advance_moves_it(aatrox_mock: AatroxMock) -> None:
    sent = _send(aatrox_mock, "hello")
    assert isinstance(sent, Message)
    time.sleep(0.05)
    [still] = aatrox_mock.messages()
    assert still.status == "queued"  # a real clock would not wait for the test
    now = aatrox_mock.advance(5)
    assert now - sent.created_at == timedelta(seconds=5)
    [later] = aatrox_mock.messages()
    assert later.status == "delivered"


def test_inbound_reaches_the_app_through_receive(aatrox_mock: AatroxMock) -> None:
    injected = aatrox_mock.inbound(from_=CUSTOMER, to=SHOP, text="YES")
    assert (injected.status, injected.text) == ("received", "YES")
    page = list_received_messages.sync(client=aatrox_mock.client(), to=SHOP)
    assert not isinstance(page, Problem)
    assert page is not None
    assert [m.id for m in page.messages] == [injected.id]


def test_faults_answer_500_inside_the_block_only(aatrox_mock: AatroxMock) -> None:
    with aatrox_mock.faults(error_rate=1.0):
        failed = _send(aatrox_mock, "hello")
        assert isinstance(failed, Problem)
        assert failed.status == 500
    assert isinstance(_send(aatrox_mock, "hello"), Message)
    assert len(aatrox_mock.messages()) == 1


def test_another_token_is_refused_where_its_account_owns_nothing(
    aatrox_mock: AatroxMock,
) -> None:
    refused = send_sms.sync(
        client=aatrox_mock.client(token="acme-token"),
        body=SendRequest(from_="+61491570999", to=CUSTOMER, text="hi"),
    )
    assert isinstance(refused, Problem)
    assert refused.status == 403


def test_wait_for_message_finds_one_sent_later(aatrox_mock: AatroxMock) -> None:

    later = threading.Timer(0.2, _send, (aatrox_mock, "Your code is 999000"))
    later.start()
    found = aatrox_mock.wait_for_message(to=CUSTOMER, text_contains="999000", timeout=5)
    later.join()
    assert found.text == "Your code is 999000"


def test_wait_for_message_times_out_listing_what_was_stored(aatrox_mock: AatroxMock) -> None:
    _send(aatrox_mock, "Your code is 111111")
    with pytest.raises(AssertionError) as raised:
        aatrox_mock.wait_for_message(to=CUSTOMER, text_contains="222222", timeout=0.2)
    message = str(raised.value)
    assert "text containing '222222'" in message
    assert "the mock holds 1:" in message
    assert "'Your code is 111111'" in message


def test_a_refused_control_call_says_why(aatrox_mock: AatroxMock) -> None:
    with pytest.raises(AatroxMockError, match=r"POST /_mock/inbound: 400 .*from") as raised:
        aatrox_mock.inbound(from_="0491570157", to=SHOP, text="hi")
    # Each field error, with what is wrong with it, not only the field's name.
    assert "\n  from: '0491570157' does not match" in str(raised.value)
    assert raised.value.status == 400


def test_faults_fail_next_fails_the_first_send_and_lets_the_retry_through(
    aatrox_mock: AatroxMock,
) -> None:
    with aatrox_mock.faults(fail_next=1, operations=["sendSms"]):
        first = _send(aatrox_mock, "Your code is 1")
        page = list_received_messages.sync(client=aatrox_mock.client(), to=SHOP)
        retry = _send(aatrox_mock, "Your code is 1")
    assert isinstance(first, Problem)
    assert first.status == 500
    assert not isinstance(page, Problem)
    assert isinstance(retry, Message)
    assert [m.id for m in aatrox_mock.messages()] == [retry.id]


def test_faults_called_without_a_block_hold_until_turned_off(aatrox_mock: AatroxMock) -> None:
    # Written as the issue and a user write it: a call, not a `with` block.
    faults = aatrox_mock.faults(error_rate=1.0, operations=["sendSms"])
    failed = _send(aatrox_mock, "one")
    assert isinstance(failed, Problem)
    assert failed.status == 500
    assert isinstance(_send(aatrox_mock, "two"), Problem)  # still on: not a `fail_next`
    faults.off()
    assert isinstance(_send(aatrox_mock, "three"), Message)


def test_faults_left_on_by_a_test_are_off_in_the_next_one(aatrox_mock: AatroxMock) -> None:
    aatrox_mock.faults(error_rate=1.0)  # the next test's reset turns it off
    assert isinstance(_send(aatrox_mock, "failing"), Problem)


def test_the_test_after_one_that_left_faults_on_sends(aatrox_mock: AatroxMock) -> None:
    assert isinstance(_send(aatrox_mock, "after"), Message)


def test_requests_lists_this_tests_calls_oldest_first_with_the_refusals(
    aatrox_mock: AatroxMock,
) -> None:
    _send(aatrox_mock, "one")
    refused = send_sms.sync(
        client=aatrox_mock.client(token="acme-token"),
        body=SendRequest(from_="+61491570999", to=CUSTOMER, text="two"),
    )
    assert isinstance(refused, Problem)
    list_received_messages.sync(client=aatrox_mock.client(), to=SHOP)

    calls = aatrox_mock.requests()
    assert [(c.method, c.path, c.operation_id, c.status, c.account) for c in calls] == [
        ("POST", "/api/v2/sms/send", "sendSms", 200, "dev"),
        ("POST", "/api/v2/sms/send", "sendSms", 403, "acme"),
        ("GET", "/api/v2/sms/receive", "listReceivedMessages", 200, "dev"),
    ]
    assert calls[0].time <= calls[1].time <= calls[2].time
    assert calls[0].problem is None
    assert calls[1].problem is not None
    assert calls[1].problem.title == "Forbidden"
    assert [c.status for c in aatrox_mock.requests(status=403)] == [403]
    assert [c.path for c in aatrox_mock.requests(path="receive")] == ["/api/v2/sms/receive"]


def test_requests_starts_empty_in_each_test(aatrox_mock: AatroxMock) -> None:
    # Runs after the test above (file order): its calls are gone.
    assert aatrox_mock.requests() == []


def test_requests_carries_the_field_errors_of_a_400(aatrox_mock: AatroxMock) -> None:
    refused = _send(aatrox_mock, "")
    assert isinstance(refused, Problem)
    [call] = aatrox_mock.requests(status=400)
    assert call.problem is not None
    assert [error.field for error in call.problem.errors] == ["text"]


def test_the_clients_timeout_is_set(aatrox_mock: AatroxMock) -> None:
    assert aatrox_mock.client().get_httpx_client().timeout == httpx.Timeout(10.0)


def test_without_the_generated_client_a_helper_says_how_to_install_it(
    aatrox_mock: AatroxMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "aatrox_sms_client", None)  # import now fails
    assert isinstance(aatrox_mock.advance(1), datetime)  # helpers without models still work
    with pytest.raises(ModuleNotFoundError, match=r"pip install \./generated"):
        aatrox_mock.messages()


def test_the_defaults_the_plugins_docstring_states(aatrox_mock: AatroxMock) -> None:
    # mock_server/pytest_plugin.py's "What a test can count on" (and the README's copy).
    normal, undelivered, failed = CUSTOMER, "+61491570006", "+61491570110"
    for to in (normal, undelivered, failed):
        assert isinstance(_send(aatrox_mock, "hi", to=to), Message)
    refused = _send(aatrox_mock, "hi", to="+61491570737")
    assert isinstance(refused, Problem)
    assert refused.status == 500

    def statuses() -> list[str]:
        return [str(m.status) for m in aatrox_mock.messages()]

    assert statuses() == ["queued", "queued", "queued"]
    aatrox_mock.advance(0.5)
    assert statuses() == ["sent", "sent", "failed"]
    aatrox_mock.advance(0.499)
    assert statuses() == ["sent", "sent", "failed"]
    aatrox_mock.advance(0.001)
    assert statuses() == ["delivered", "undelivered", "failed"]
    assert aatrox_mock.token == "dev-token"
