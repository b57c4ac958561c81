"""`GET /_mock/messages` paged and filtered, and `GET /_mock/conversations`: what the inbox page
reads, a screen at a time, on every store."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.harness import ACME_1, ACME_2, DEV_A, DEV_B, PROBLEM_JSON, Mock


@pytest.fixture
def chat(any_store_mock: Mock) -> tuple[Mock, list[str]]:
    """Sent by dev ACME_1->DEV_A, by acme ACME_1->DEV_B, inbound DEV_A->ACME_1, by dev
    DEV_A->DEV_B."""
    mock = any_store_mock
    ids = [
        mock.send(ACME_1, DEV_A).id,
        mock.send(ACME_1, DEV_B, client=mock.acme).id,
        mock.inbound(DEV_A, ACME_1, "Yes").id,
        mock.send(DEV_A, DEV_B).id,
    ]
    return mock, ids


def listed(mock: Mock, path: str = "/_mock/messages", **params: Any) -> dict[str, Any]:
    answer = mock.http.get(path, params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def message_ids(body: dict[str, Any]) -> list[str]:
    return [m["id"] for m in body["messages"]]


def test_messages_page_with_limit_and_cursor_in_either_order(chat: tuple[Mock, list[str]]) -> None:
    mock, ids = chat
    first = listed(mock, limit=3)
    assert message_ids(first) == ids[:3]
    rest = listed(mock, limit=3, cursor=first["next_cursor"])
    assert (message_ids(rest), rest["next_cursor"]) == (ids[3:], None)

    newest = listed(mock, limit=2, order="newest")
    assert message_ids(newest) == [ids[3], ids[2]]
    older = listed(mock, limit=2, order="newest", cursor=newest["next_cursor"])
    assert message_ids(older) == [ids[1], ids[0]]
    assert older["next_cursor"] is None


def test_without_a_limit_a_small_store_comes_whole(chat: tuple[Mock, list[str]]) -> None:
    mock, ids = chat
    body = listed(mock)
    assert (message_ids(body), body["next_cursor"]) == (ids, None)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"number": DEV_B}, [1, 3]),
        ({"number": ACME_1, "peer": DEV_A}, [0, 2]),
        ({"number": DEV_A, "peer": ACME_1}, [0, 2]),
        ({"from": ACME_1, "to": DEV_B}, [1]),
        ({"account": "acme"}, [1, 2]),  # what it sent, and what came to its numbers
        ({"account": "dev"}, [0, 1, 2, 3]),  # it owns "*"
        ({"account": "acme", "number": DEV_B}, [1]),
    ],
)
def test_messages_filter_by_number_pair_and_account(
    chat: tuple[Mock, list[str]], params: dict[str, str], expected: list[int]
) -> None:
    mock, ids = chat
    assert message_ids(listed(mock, **params)) == [ids[i] for i in expected]


def test_a_cursor_belongs_to_its_filter(chat: tuple[Mock, list[str]]) -> None:
    mock, _ = chat
    cursor = listed(mock, limit=1, number=DEV_B)["next_cursor"]
    answer = mock.http.get("/_mock/messages", params={"number": DEV_A, "cursor": cursor})
    assert answer.status_code == 400
    assert answer.headers["content-type"] == PROBLEM_JSON


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"peer": DEV_A}, "peer"),
        ({"account": "nobody"}, "account"),
        ({"number": "0491"}, "number"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"order": "sideways"}, "order"),
    ],
)
def test_bad_listing_queries_are_a_400_naming_the_field(
    mock: Mock, params: dict[str, str], field: str
) -> None:
    answer = mock.http.get("/_mock/messages", params=params)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert field in answer.text


def test_conversations_newest_first_with_phone_app_and_newest_message(
    chat: tuple[Mock, list[str]],
) -> None:
    mock, ids = chat
    body = listed(mock, "/_mock/conversations")
    shown = [(c["numbers"], c["phone"], c["app"], c["newest"]["id"]) for c in body["conversations"]]
    assert shown == [
        ([DEV_A, DEV_B], DEV_B, DEV_A, ids[3]),
        ([ACME_1, DEV_A], DEV_A, ACME_1, ids[2]),  # the newest is the phone's reply
        ([ACME_1, DEV_B], DEV_B, ACME_1, ids[1]),
    ]
    assert body["next_cursor"] is None
    first = listed(mock, "/_mock/conversations", limit=2)
    second = listed(mock, "/_mock/conversations", limit=2, cursor=first["next_cursor"])
    assert [c["newest"]["id"] for c in second["conversations"]] == [ids[1]]


def test_conversations_changed_after_list_only_what_changed(chat: tuple[Mock, list[str]]) -> None:
    mock, _ = chat
    seen = listed(mock, "/_mock/conversations")["conversations"][0]["newest_seq"]
    assert listed(mock, "/_mock/conversations", changed_after=seen)["conversations"] == []
    reply = mock.inbound(DEV_B, ACME_1, "Later")
    changed = listed(mock, "/_mock/conversations", changed_after=seen)["conversations"]
    assert [(c["newest"]["id"], c["phone"]) for c in changed] == [(reply.id, DEV_B)]


def test_conversations_of_an_account_and_a_new_epoch_after_a_reset(
    chat: tuple[Mock, list[str]],
) -> None:
    mock, _ = chat
    mine = listed(mock, "/_mock/conversations", account="acme")["conversations"]
    assert [c["numbers"] for c in mine] == [[ACME_1, DEV_A], [ACME_1, DEV_B]]
    mock.send(ACME_2, DEV_A)
    epoch = listed(mock, "/_mock/conversations")["epoch"]
    mock.reset()
    after = listed(mock, "/_mock/conversations")
    assert (after["conversations"], after["epoch"] != epoch) == ([], True)


def test_a_conversation_with_an_unknown_account_is_a_400(mock: Mock) -> None:
    answer = mock.http.get("/_mock/conversations", params={"account": "nobody"})
    assert answer.status_code == 400
    assert "nobody" in answer.json()["errors"][0]["message"]
