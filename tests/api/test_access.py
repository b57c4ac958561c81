"""Who may do what: bearer tokens (401), owned numbers (403), visible messages (404), and tokens
that never reach a log."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import pytest

from aatrox_sms_client import AuthenticatedClient
from aatrox_sms_client.api.messages import get_message, list_message_history, list_received_messages
from aatrox_sms_client.api.sending import send_bulk_sms, send_sms, send_sms_with_disclaimer
from aatrox_sms_client.models import (
    BulkSendRequest,
    BulkSendResponse,
    HistoryPage,
    Message,
    MessagePage,
    Problem,
    SendRequest,
)
from aatrox_sms_client.types import Response
from tests.api.harness import (
    ACME_1,
    ACME_2,
    ACME_TOKEN,
    DEV_A,
    DEV_B,
    DEV_TOKEN,
    NOT_ACMES,
    PROBLEM_JSON,
    Mock,
    bearer,
    expect,
    typed_client,
)

SOME_ID = "msg_0123456789abcdef01234567"
Call = Callable[[AuthenticatedClient], Response[Any]]

# Every operation of the public API, called through the generated client.
OPERATIONS: dict[str, Call] = {
    "sendSms": lambda c: send_sms.sync_detailed(
        client=c, body=SendRequest(from_=ACME_1, to=DEV_A, text="Hi")
    ),
    "sendSmsWithDisclaimer": lambda c: send_sms_with_disclaimer.sync_detailed(
        client=c, body=SendRequest(from_=ACME_1, to=DEV_A, text="Hi")
    ),
    "sendBulkSms": lambda c: send_bulk_sms.sync_detailed(
        client=c, body=BulkSendRequest(from_=ACME_1, to=[DEV_A], text="Hi")
    ),
    "getMessage": lambda c: get_message.sync_detailed(SOME_ID, client=c),
    "listReceivedMessages": lambda c: list_received_messages.sync_detailed(client=c, to=ACME_1),
    "listMessageHistory": lambda c: list_message_history.sync_detailed(client=c),
}
SUCCESS = {
    "sendSms": Message,
    "sendSmsWithDisclaimer": Message,
    "sendBulkSms": BulkSendResponse,
    "getMessage": Problem,  # SOME_ID is unknown: 404 once authenticated
    "listReceivedMessages": MessagePage,
    "listMessageHistory": HistoryPage,
}


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="missing"),
        pytest.param("Basic ZGV2OmRldi10b2tlbg==", id="basic-scheme"),
        pytest.param("Bearer", id="bearer-without-token"),
        pytest.param("Bearer ", id="bearer-empty-token"),
        pytest.param("dev-token", id="token-without-scheme"),
        pytest.param("Bearer not-a-token", id="unknown-token"),
        pytest.param("Bearer dev-token2", id="token-prefix-match"),
    ],
)
def test_every_operation_refuses_a_bad_authorization_with_401(
    mock: Mock, operation: str, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    with mock.anonymous(headers) as http:
        response = OPERATIONS[operation](typed_client(http))
    problem = expect(response, Problem, 401)
    assert problem.status == 401
    assert response.headers["content-type"] == PROBLEM_JSON
    assert mock.stored() == []


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_accepts_a_good_token(mock: Mock, operation: str) -> None:
    response = OPERATIONS[operation](mock.dev)
    assert response.status_code != 401
    assert isinstance(response.parsed, SUCCESS[operation])


# -- ownership --------------------------------------------------------------------------------


def test_sending_from_a_number_not_owned_is_403(mock: Mock) -> None:
    body = SendRequest(from_=NOT_ACMES, to=ACME_2, text="Hi")
    for operation in (send_sms, send_sms_with_disclaimer):
        expect(operation.sync_detailed(client=mock.acme, body=body), Problem, 403)
    bulk = BulkSendRequest(from_=NOT_ACMES, to=[ACME_2], text="Hi")
    expect(send_bulk_sms.sync_detailed(client=mock.acme, body=bulk), Problem, 403)
    assert mock.stored() == []
    # The same from an owned number is fine.
    mock.send(ACME_1, NOT_ACMES, client=mock.acme)


def test_reading_the_inbox_of_a_number_not_owned_is_403(mock: Mock) -> None:
    mock.inbound(DEV_B, NOT_ACMES)
    response = list_received_messages.sync_detailed(client=mock.acme, to=NOT_ACMES)
    expect(response, Problem, 403)
    response = list_received_messages.sync_detailed(client=mock.acme, to=ACME_2)
    assert expect(response, MessagePage, 200).messages == []


def _without_id(body: bytes, message_id: str) -> str:
    return body.decode().replace(message_id, "<id>")


def test_another_accounts_message_is_404_exactly_like_an_unknown_id(any_store_mock: Mock) -> None:
    mock = any_store_mock
    theirs = mock.send(DEV_A, DEV_B, "Private")
    hidden = get_message.sync_detailed(theirs.id, client=mock.acme)
    unknown = get_message.sync_detailed(SOME_ID, client=mock.acme)

    expect(hidden, Problem, 404)
    expect(unknown, Problem, 404)
    assert _without_id(hidden.content, theirs.id) == _without_id(unknown.content, SOME_ID)
    assert hidden.headers["content-type"] == unknown.headers["content-type"] == PROBLEM_JSON
    # ... and it is not in acme's history either.
    history = expect(list_message_history.sync_detailed(client=mock.acme), HistoryPage, 200)
    assert history.messages == []


def test_a_message_to_an_owned_number_is_visible_by_id_and_in_history(
    any_store_mock: Mock,
) -> None:
    mock = any_store_mock
    to_acme = mock.send(DEV_A, ACME_2, "For acme")
    by_acme = mock.send(ACME_1, DEV_B, "From acme", client=mock.acme)

    seen = expect(get_message.sync_detailed(to_acme.id, client=mock.acme), Message, 200)
    assert (seen.id, seen.text, seen.to_addr) == (to_acme.id, "For acme", ACME_2)
    expect(get_message.sync_detailed(by_acme.id, client=mock.acme), Message, 200)

    history = expect(list_message_history.sync_detailed(client=mock.acme), HistoryPage, 200)
    assert [(e.id, e.direction) for e in history.messages] == [
        (to_acme.id, "inbound"),
        (by_acme.id, "outbound"),
    ]


# -- tokens in logs ---------------------------------------------------------------------------


def test_tokens_are_never_logged(mock: Mock, caplog: pytest.LogCaptureFixture) -> None:
    secret = "never-log-me-0123456789"
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)

    mock.send(ACME_1, DEV_A)
    mock.send(ACME_1, DEV_B, client=mock.acme)
    for operation in OPERATIONS.values():
        operation(mock.dev)
        operation(mock.acme)
    for token in (secret, DEV_TOKEN + "x"):
        with mock.anonymous(bearer(token)) as http:
            expect(OPERATIONS["sendSms"](typed_client(http)), Problem, 401)
    with mock.anonymous({"Authorization": f"Basic {secret}"}) as http:
        expect(OPERATIONS["listMessageHistory"](typed_client(http)), Problem, 401)

    assert caplog.records, "nothing was logged at all: the test would prove nothing"
    leaks = re.compile("|".join([DEV_TOKEN, ACME_TOKEN, secret]))
    for record in caplog.records:
        text = f"{record.getMessage()} {record.exc_text or ''} {vars(record)!r}"
        assert not leaks.search(text), f"{record.name} logged a token: {record.getMessage()}"
