"""Tokens and accounts changed at run time through the control API (issue 20): issued and
revoked tokens, accounts made and removed, the scoped reset. Over each store kind, and the
public calls through both the fast path (the typed clients' plain calls) and connexion."""

from __future__ import annotations

from aatrox_sms_client.api.messages import list_message_history
from aatrox_sms_client.models import HistoryPage, Problem
from mock_server.app import spec_limits
from tests.api.harness import (
    ACME_1,
    ACME_2,
    ACME_TOKEN,
    DEV_A,
    DEV_B,
    PROBLEM_JSON,
    Mock,
    bearer,
    expect,
    typed_client,
)

NEW_NUMBER = "+61491570160"


def _history_status(mock: Mock, token: str) -> int:
    status: int = mock.anonymous(bearer(token)).get("/api/v2/sms/history").status_code
    return status


def _issue(mock: Mock, account: str) -> str:
    answer = mock.http.post("/_mock/tokens", json={"account": account})
    assert answer.status_code == 201, answer.text
    token: str = answer.json()["token"]
    return token


def test_an_issued_token_works_at_once_beside_the_old_one(any_store_mock: Mock) -> None:
    token = _issue(any_store_mock, "acme")
    assert token != ACME_TOKEN
    assert _history_status(any_store_mock, token) == 200
    assert _history_status(any_store_mock, ACME_TOKEN) == 200
    # It is acme's: it may send from acme's number, and the message is acme's.
    sent = any_store_mock.send(
        ACME_1, DEV_A, client=typed_client(any_store_mock.anonymous(bearer(token)), token)
    )
    assert any_store_mock.stored()[0]["account"] == "acme"
    assert sent.from_addr == ACME_1


def test_a_revoked_token_is_a_401_on_every_public_path_at_once(any_store_mock: Mock) -> None:
    mock = any_store_mock
    assert _history_status(mock, ACME_TOKEN) == 200
    answer = mock.http.post("/_mock/tokens/revoke", json={"token": ACME_TOKEN})
    assert answer.status_code == 204, answer.text
    client = mock.anonymous(bearer(ACME_TOKEN))
    body = {"from": ACME_1, "to": DEV_A, "text": "hi"}
    answers = [
        client.get("/api/v2/sms/history"),
        client.post("/api/v2/sms/send", json=body),
        client.post("/api/v2/sms/send", json=body, headers={"X-Extra": "x"}),
        client.get("/api/v2/sms/receive", params={"to": ACME_1}),
    ]
    assert [a.status_code for a in answers] == [401] * len(answers)
    assert mock.stored() == []
    problem = expect(list_message_history.sync_detailed(client=mock.acme), Problem, 401)
    assert problem.status == 401
    assert _history_status(mock, "dev-token") == 200  # other accounts are untouched


def test_revoking_the_last_token_is_allowed_and_a_new_one_restores_access(mock: Mock) -> None:
    assert mock.http.post("/_mock/tokens/revoke", json={"token": ACME_TOKEN}).status_code == 204
    token = _issue(mock, "acme")
    assert _history_status(mock, token) == 200
    assert _history_status(mock, ACME_TOKEN) == 401


def test_revoking_an_unknown_or_revoked_token_is_a_404_problem(mock: Mock) -> None:
    for token in ("no-such-token", ACME_TOKEN):
        if token == ACME_TOKEN:
            assert mock.http.post("/_mock/tokens/revoke", json={"token": token}).status_code == 204
        answer = mock.http.post("/_mock/tokens/revoke", json={"token": token})
        assert answer.status_code == 404
        assert answer.headers["content-type"] == PROBLEM_JSON
        assert token not in answer.text  # a token is never echoed


def test_issuing_for_an_unknown_account_is_a_404_naming_it(mock: Mock) -> None:
    answer = mock.http.post("/_mock/tokens", json={"account": "nobody"})
    assert answer.status_code == 404
    assert "nobody" in answer.json()["detail"]


def test_a_full_reset_restores_the_configured_tokens(any_store_mock: Mock) -> None:
    mock = any_store_mock
    token = _issue(mock, "acme")
    assert mock.http.post("/_mock/tokens/revoke", json={"token": ACME_TOKEN}).status_code == 204
    mock.http.post("/_mock/accounts", json={"name": "team-b", "numbers": [NEW_NUMBER]})
    assert mock.http.post("/_mock/reset").status_code == 204
    assert _history_status(mock, ACME_TOKEN) == 200
    assert _history_status(mock, token) == 401
    names = [a["name"] for a in mock.http.get("/_mock/accounts").json()["accounts"]]
    assert names == ["dev", "acme"]


def test_accounts_list_their_numbers_and_never_a_token(mock: Mock) -> None:
    answer = mock.http.get("/_mock/accounts")
    assert answer.status_code == 200
    assert answer.json() == {
        "accounts": [
            {"name": "dev", "numbers": ["*"]},
            {"name": "acme", "numbers": [ACME_1, ACME_2]},
        ]
    }
    assert "token" not in answer.text


def test_a_new_account_gets_a_token_that_owns_its_numbers_only(any_store_mock: Mock) -> None:
    mock = any_store_mock
    answer = mock.http.post("/_mock/accounts", json={"name": "team-b", "numbers": [NEW_NUMBER]})
    assert answer.status_code == 201, answer.text
    assert answer.json()["name"] == "team-b"
    token = answer.json()["token"]
    assert token not in mock.http.get("/_mock/accounts").text
    client = mock.anonymous(bearer(token))
    own = client.post("/api/v2/sms/send", json={"from": NEW_NUMBER, "to": DEV_A, "text": "hi"})
    assert own.status_code == 200, own.text
    other = client.post("/api/v2/sms/send", json={"from": ACME_1, "to": DEV_A, "text": "hi"})
    assert other.status_code == 403
    mock.inbound(DEV_B, NEW_NUMBER, "to team b")
    history = expect(
        list_message_history.sync_detailed(client=typed_client(client, token)), HistoryPage, 200
    )
    assert len(history.messages) == 2  # what it sent and what reached its number
    assert {m["account"] for m in mock.stored()} == {"team-b", None}


def test_a_name_that_exists_or_a_number_owned_elsewhere_is_a_409_naming_it(mock: Mock) -> None:
    taken = mock.http.post("/_mock/accounts", json={"name": "acme", "numbers": [NEW_NUMBER]})
    assert taken.status_code == 409
    assert "'acme'" in taken.json()["detail"]
    owned = mock.http.post("/_mock/accounts", json={"name": "team-b", "numbers": [ACME_2]})
    assert owned.status_code == 409
    assert ACME_2 in owned.json()["detail"]
    assert "'acme'" in owned.json()["detail"]
    # dev owns every number ("*"): that is no conflict.
    free = mock.http.post("/_mock/accounts", json={"name": "team-b", "numbers": [DEV_A]})
    assert free.status_code == 201
    names = [a["name"] for a in mock.http.get("/_mock/accounts").json()["accounts"]]
    assert names == ["dev", "acme", "team-b"]


def test_bad_account_bodies_are_400s_naming_the_field_and_store_nothing(mock: Mock) -> None:
    for body, field in [
        ({"name": "team-b", "numbers": ["0491570160"]}, "numbers[0]"),
        ({"name": "team b", "numbers": [NEW_NUMBER]}, "name"),
        ({"name": "team-b"}, "numbers"),
        ({"name": "team-b", "numbers": [NEW_NUMBER], "colour": "red"}, "colour"),
    ]:
        answer = mock.http.post("/_mock/accounts", json=body)
        assert answer.status_code == 400, body
        assert field in answer.text, (field, answer.text)
    assert len(mock.http.get("/_mock/accounts").json()["accounts"]) == 2


def test_removing_an_account_revokes_its_tokens_and_frees_its_numbers(any_store_mock: Mock) -> None:
    mock = any_store_mock
    issued = _issue(mock, "acme")
    assert mock.http.delete("/_mock/accounts/acme").status_code == 204
    assert _history_status(mock, ACME_TOKEN) == 401
    assert _history_status(mock, issued) == 401
    answer = mock.http.post("/_mock/accounts", json={"name": "team-b", "numbers": [ACME_1]})
    assert answer.status_code == 201
    assert mock.http.delete("/_mock/accounts/acme").status_code == 404


def test_a_scoped_reset_forgets_only_that_accounts_messages(any_store_mock: Mock) -> None:
    mock = any_store_mock
    mock.send(ACME_1, DEV_A, "from acme", client=mock.acme)
    mock.inbound(DEV_B, ACME_2, "to acme")
    mock.send(DEV_A, DEV_B, "dev to dev")
    answer = mock.http.post("/_mock/reset", json={"account": "acme"})
    assert answer.status_code == 204, answer.text
    assert [m["text"] for m in mock.stored()] == ["dev to dev"]
    assert _history_status(mock, ACME_TOKEN) == 200  # the account and its tokens stay
    assert mock.http.post("/_mock/reset", json={"account": "nobody"}).status_code == 404


def test_the_journal_names_the_account_of_an_issued_token_never_the_token(mock: Mock) -> None:
    token = _issue(mock, "acme")
    _history_status(mock, token)
    journal = mock.http.get("/_mock/requests").json()["requests"]
    assert journal[0]["account"] == "acme"
    assert token not in str(journal)


def test_faults_scoped_to_accounts_fail_only_their_calls(any_store_mock: Mock) -> None:
    mock = any_store_mock
    answer = mock.http.put("/_mock/faults", json={"error_rate": 1, "accounts": ["acme"]})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"error_rate": 1, "latency_ms": 0, "accounts": ["acme"]}
    assert _history_status(mock, ACME_TOKEN) == 500
    assert _history_status(mock, "dev-token") == 200
    token = _issue(mock, "acme")  # a token issued later belongs to acme too
    assert _history_status(mock, token) == 500
    assert mock.http.delete("/_mock/faults").status_code == 200
    assert _history_status(mock, ACME_TOKEN) == 200


def test_a_reset_body_that_is_not_an_account_is_a_400_and_forgets_nothing(mock: Mock) -> None:
    mock.send(ACME_1, DEV_A, "kept", client=mock.acme)
    for content in (b"null", b"{}", b'{"account": 5}', b"[]"):
        answer = mock.http.post(
            "/_mock/reset", content=content, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 400, (content, answer.text)
    assert [m["text"] for m in mock.stored()] == ["kept"]


def test_a_new_accounts_disclaimer_is_appended_to_its_numbers_messages(mock: Mock) -> None:
    made = mock.http.post(
        "/_mock/accounts",
        json={"name": "team-b", "numbers": [NEW_NUMBER], "disclaimer": "Team B. STOP to end."},
    )
    assert made.status_code == 201, made.text
    client = mock.anonymous(bearer(made.json()["token"]))
    body = {"from": NEW_NUMBER, "to": DEV_A, "text": "hi"}
    sent = client.post("/api/v2/sms/send/disclaimer", json=body)
    assert sent.status_code == 200, sent.text
    assert sent.json()["text"] == "hi\nTeam B. STOP to end."
    [listed] = mock.stored()
    assert listed["disclaimer_at"] == 3
    # Other senders keep the config's disclaimers; a full reset forgets team-b's.
    assert mock.http.post("/_mock/reset").status_code == 204
    dev = mock.http.post("/api/v2/sms/send/disclaimer", json=body)
    assert dev.json()["text"] == "hi\nReply STOP to opt out."


def test_a_disclaimer_that_leaves_no_room_for_text_is_a_400(mock: Mock) -> None:
    longest = spec_limits().disclaimer_length
    body = {"name": "team-b", "numbers": [NEW_NUMBER], "disclaimer": "x" * (longest + 1)}
    answer = mock.http.post("/_mock/accounts", json=body)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "disclaimer"
    assert len(mock.http.get("/_mock/accounts").json()["accounts"]) == 2
