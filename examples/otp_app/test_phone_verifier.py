"""The app's tests, as a user writes them: the fixture `aatrox_mock` (installed with the
toolkit, nothing to import but its type) and the generated client. Also run with `pytest -n 2`:
each worker gets a mock of its own."""

from __future__ import annotations

import re

import pytest
from phone_verifier import PhoneVerifier, SendError

from mock_server.pytest_plugin import AatroxMock

SENDER = "+61491570156"
PHONE = "+61491570157"


@pytest.fixture
def verifier(aatrox_mock: AatroxMock) -> PhoneVerifier:
    return PhoneVerifier(aatrox_mock.client(), SENDER)


def _code_sent_to(aatrox_mock: AatroxMock, phone: str) -> str:
    sms = aatrox_mock.wait_for_message(to=phone, text_contains="Your code is")
    found = re.search(r"\b(\d{6})\b", sms.text)
    assert found, sms.text
    return found.group(1)


def test_start_texts_a_six_digit_code(aatrox_mock: AatroxMock, verifier: PhoneVerifier) -> None:
    sent = verifier.start(PHONE)
    [stored] = aatrox_mock.messages(to=PHONE)
    assert stored.id == sent.id
    assert stored.from_addr == SENDER
    assert re.fullmatch(r"Your code is \d{6}\. Reply with it to confirm this number\.", stored.text)


def test_the_right_reply_confirms_the_number(
    aatrox_mock: AatroxMock, verifier: PhoneVerifier
) -> None:
    verifier.start(PHONE)
    aatrox_mock.inbound(from_=PHONE, to=SENDER, text=f" {_code_sent_to(aatrox_mock, PHONE)}\n")
    assert verifier.check_replies() == {PHONE}
    assert verifier.is_verified(PHONE)


def test_a_wrong_reply_confirms_nothing(aatrox_mock: AatroxMock, verifier: PhoneVerifier) -> None:
    verifier.start(PHONE)
    wrong = f"{(int(_code_sent_to(aatrox_mock, PHONE)) + 1) % 10**6:06d}"
    aatrox_mock.inbound(from_=PHONE, to=SENDER, text=wrong)
    assert verifier.check_replies() == set()
    assert not verifier.is_verified(PHONE)


def test_a_reply_from_another_number_confirms_nothing(
    aatrox_mock: AatroxMock, verifier: PhoneVerifier
) -> None:
    verifier.start(PHONE)
    aatrox_mock.inbound(from_="+61491570158", to=SENDER, text=_code_sent_to(aatrox_mock, PHONE))
    assert verifier.check_replies() == set()


def test_an_api_outage_is_reported_and_nothing_is_pending(
    aatrox_mock: AatroxMock, verifier: PhoneVerifier
) -> None:
    with aatrox_mock.faults(error_rate=1.0), pytest.raises(SendError):
        verifier.start(PHONE)
    assert aatrox_mock.messages() == []
    assert verifier.check_replies() == set()


def test_a_send_that_failed_once_succeeds_when_retried(
    aatrox_mock: AatroxMock, verifier: PhoneVerifier
) -> None:
    # Deterministic: exactly the next send fails (other calls are untouched), then none.
    with aatrox_mock.faults(fail_next=1, operations=["sendSms"]):
        with pytest.raises(SendError):
            verifier.start(PHONE)
        verifier.start(PHONE)  # the caller's retry
    sends = aatrox_mock.requests(path="/sms/send")
    assert [(call.operation_id, call.status) for call in sends] == [
        ("sendSms", 500),
        ("sendSms", 200),
    ]
    assert len(aatrox_mock.messages(to=PHONE)) == 1


def test_the_code_is_delivered_once_the_clock_moves(
    aatrox_mock: AatroxMock, verifier: PhoneVerifier
) -> None:
    sent = verifier.start(PHONE)
    assert sent.status == "queued"  # the plugin's clock is manual: nothing happens by itself
    aatrox_mock.advance(2)
    [stored] = aatrox_mock.messages(to=PHONE)
    assert stored.status == "delivered"
