"""Token rotation and accounts at run time through the fixture alone (issue 20): what a user's
suite writes to test an app that survives a revoked token, or a team's own account."""

from __future__ import annotations

import httpx
import pytest

from aatrox_sms_client.api.sending import send_sms
from aatrox_sms_client.models import Message, SendRequest
from mock_server.pytest_plugin import AatroxMock, AatroxMockError
from mock_server.server import MockControl

SHOP, CUSTOMER, TEAM_B = "+61491570156", "+61491570157", "+61491570160"
#: The token the rotation test made, for the test after it to check the reset took it back.
_rotated: list[str] = []


def _history_status(mock: AatroxMock, token: str) -> int:
    answer = httpx.get(
        mock.base_url + "/api/v2/sms/history",
        headers={"Authorization": f"Bearer {token}"},
        verify=mock.verify,
    )
    return answer.status_code


def test_rotate_token_revokes_the_old_token_and_makes_token_the_new_one(
    aatrox_mock: AatroxMock,
) -> None:
    old = aatrox_mock.token
    new = aatrox_mock.rotate_token()
    _rotated.append(new)
    assert new != old
    assert aatrox_mock.token == new
    assert _history_status(aatrox_mock, old) == 401
    assert _history_status(aatrox_mock, new) == 200
    # The helpers' client follows the rotation: it sends with the new token.
    sent = send_sms.sync(
        client=aatrox_mock.client(), body=SendRequest(from_=SHOP, to=CUSTOMER, text="hi")
    )
    assert isinstance(sent, Message)


def test_the_next_tests_reset_brings_the_configured_token_back(aatrox_mock: AatroxMock) -> None:
    assert aatrox_mock.token == "dev-token"
    assert _history_status(aatrox_mock, "dev-token") == 200
    for issued in _rotated:  # (the test above ran in this process: its token is undone)
        assert _history_status(aatrox_mock, issued) == 401


def test_reset_undoes_a_rotation_within_a_test(aatrox_mock: AatroxMock) -> None:
    new = aatrox_mock.rotate_token()
    aatrox_mock.reset()  # what the fixture does before each test
    assert aatrox_mock.token == "dev-token"
    assert (_history_status(aatrox_mock, "dev-token"), _history_status(aatrox_mock, new)) == (
        200,
        401,
    )
    # A rotation after the reset revokes the configured token again, not the undone one.
    again = aatrox_mock.rotate_token()
    assert (_history_status(aatrox_mock, "dev-token"), _history_status(aatrox_mock, again)) == (
        401,
        200,
    )


def test_rotate_token_of_another_account_leaves_token_alone(aatrox_mock: AatroxMock) -> None:
    new = aatrox_mock.rotate_token("acme")
    assert aatrox_mock.token == "dev-token"
    assert _history_status(aatrox_mock, "acme-token") == 401
    assert _history_status(aatrox_mock, new) == 200
    newer = aatrox_mock.rotate_token("acme")  # the one it gave out is the old one now
    assert (_history_status(aatrox_mock, new), _history_status(aatrox_mock, newer)) == (401, 200)


def test_issue_token_and_revoke_token(aatrox_mock: AatroxMock) -> None:
    issued = aatrox_mock.issue_token("acme")
    assert _history_status(aatrox_mock, issued) == 200
    assert _history_status(aatrox_mock, "acme-token") == 200  # the others stay valid
    aatrox_mock.revoke_token(issued)
    assert _history_status(aatrox_mock, issued) == 401
    with pytest.raises(AatroxMockError) as revoked_twice:
        aatrox_mock.revoke_token(issued)
    assert revoked_twice.value.status == 404
    with pytest.raises(AatroxMockError) as no_account:
        aatrox_mock.issue_token("nobody")
    assert no_account.value.status == 404


def test_add_account_answers_its_first_token_until_the_reset(aatrox_mock: AatroxMock) -> None:
    token = aatrox_mock.add_account("team-b", [TEAM_B], disclaimer="Team B. Reply STOP.")
    body = SendRequest(from_=TEAM_B, to=CUSTOMER, text="hi")
    sent = send_sms.sync(client=aatrox_mock.client(token=token), body=body)
    assert isinstance(sent, Message)
    assert sent.from_addr == TEAM_B
    disclaimed = httpx.post(
        aatrox_mock.base_url + "/api/v2/sms/send/disclaimer",
        json={"from": TEAM_B, "to": CUSTOMER, "text": "hi"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert disclaimed.json()["text"] == "hi\nTeam B. Reply STOP."
    with pytest.raises(AatroxMockError, match="team-b") as taken:
        aatrox_mock.add_account("team-b", ["+61491570161"])
    assert taken.value.status == 409
    # The helpers know its token: rotating it revokes the one add_account gave.
    rotated = aatrox_mock.rotate_token("team-b")
    assert (_history_status(aatrox_mock, token), _history_status(aatrox_mock, rotated)) == (
        401,
        200,
    )
    aatrox_mock.reset()
    assert _history_status(aatrox_mock, rotated) == 401
    aatrox_mock.add_account("team-b", [TEAM_B])  # the name is free again


def test_rotate_token_without_a_known_account_says_what_to_do() -> None:
    # Helpers given a token but not its account (as over any httpx client): no call is made.
    transport = httpx.MockTransport(lambda request: httpx.Response(500))
    control = MockControl(httpx.Client(transport=transport, base_url="http://mock"), "", "t")
    with pytest.raises(AatroxMockError, match=r"rotate_token\(account\)"):
        control.rotate_token()
    with pytest.raises(AatroxMockError, match="no token of account 'acme'"):
        control.rotate_token("acme")
