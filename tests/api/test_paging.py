"""Paging (`limit`, opaque `cursor`, `next_cursor`) of the inbox and the history, and the
history's own promises: entries {id, timestamp, direction}, `since` and `until`."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from aatrox_sms_client.api.messages import list_message_history, list_received_messages
from aatrox_sms_client.models import HistoryPage, MessagePage, Problem
from aatrox_sms_client.types import UNSET, Response, Unset
from tests.api.harness import ACME_1, ACME_2, DEV_A, DEV_B, Mock, expect, fields

# One page: (ids, next_cursor), given the cursor of the previous page.
Pager = Callable[[str | Unset], tuple[list[str], str | None]]


def _inbox_pager(mock: Mock, to: str, limit: int) -> Pager:
    def page(cursor: str | Unset) -> tuple[list[str], str | None]:
        response = list_received_messages.sync_detailed(
            client=mock.acme, to=to, limit=limit, cursor=cursor
        )
        answer = expect(response, MessagePage, 200)
        return [m.id for m in answer.messages], answer.next_cursor

    return page


def _history_pager(mock: Mock, limit: int) -> Pager:
    def page(cursor: str | Unset) -> tuple[list[str], str | None]:
        response = list_message_history.sync_detailed(client=mock.acme, limit=limit, cursor=cursor)
        answer = expect(response, HistoryPage, 200)
        return [e.id for e in answer.messages], answer.next_cursor

    return page


def _walk(
    page: Pager, between: Callable[[int], None] = lambda _: None
) -> tuple[list[str], list[int]]:
    """Every id over all pages, and the size of each page; `between(n)` runs after page n."""
    ids: list[str] = []
    sizes: list[int] = []
    cursor: str | Unset = UNSET
    for number in range(100):
        found, next_cursor = page(cursor)
        ids += found
        sizes.append(len(found))
        if next_cursor is None:
            return ids, sizes
        between(number)
        cursor = next_cursor
    raise AssertionError("more than 100 pages: the cursor does not advance")


def test_inbox_pages_return_each_message_once_in_order(any_store_mock: Mock) -> None:
    mock = any_store_mock
    expected = [mock.inbound(DEV_A, ACME_1, f"#{i}").id for i in range(7)]
    ids, sizes = _walk(_inbox_pager(mock, ACME_1, limit=3))
    assert ids == expected
    assert sizes == [3, 3, 1]


def test_a_page_that_ends_exactly_at_the_last_message_has_no_next_cursor(mock: Mock) -> None:
    expected = [mock.inbound(DEV_A, ACME_1, f"#{i}").id for i in range(4)]
    ids, sizes = _walk(_inbox_pager(mock, ACME_1, limit=2))
    assert (ids, sizes) == (expected, [2, 2])


def test_history_pages_return_each_message_once_in_order(any_store_mock: Mock) -> None:
    mock = any_store_mock
    expected = [mock.send(ACME_1, DEV_A, f"#{i}", client=mock.acme).id for i in range(5)]
    ids, sizes = _walk(_history_pager(mock, limit=2))
    assert ids == expected
    assert sizes == [2, 2, 1]


def test_inbox_messages_arriving_between_pages_are_neither_repeated_nor_skipped(
    any_store_mock: Mock,
) -> None:
    mock = any_store_mock
    expected = [mock.send(DEV_A, ACME_1, f"old #{i}").id for i in range(4)]
    mock.advance(1.0)  # all four delivered

    def arrive(page_number: int) -> None:
        if page_number >= 3:  # else the walk would never end: two new per page of two
            return
        # A delivery arrives 1 s after it is sent, an inbound message at once: both after
        # everything already listed, so neither may be skipped nor repeated.
        expected.append(mock.send(DEV_B, ACME_1, f"new #{page_number}").id)
        expected.append(mock.inbound(DEV_B, ACME_1, f"inbound #{page_number}").id)
        mock.advance(0.25)

    ids, _ = _walk(_inbox_pager(mock, ACME_1, limit=2), between=arrive)
    # The walk lists exactly what one page would list at the instant the walk ended.
    whole, _ = _walk(_inbox_pager(mock, ACME_1, limit=1000))
    assert ids == whole
    assert len(set(ids)) == len(ids)
    assert set(ids) < set(expected), "every message arrived during the walk: nothing at stake"
    mock.advance(1.0)  # the last deliveries arrive, after everything listed so far
    everything, _ = _walk(_inbox_pager(mock, ACME_1, limit=1000))
    assert everything[: len(ids)] == ids
    assert sorted(everything) == sorted(expected)


def test_history_messages_created_between_pages_are_neither_repeated_nor_skipped(
    any_store_mock: Mock,
) -> None:
    mock = any_store_mock
    expected = [mock.send(ACME_1, DEV_A, f"old #{i}", client=mock.acme).id for i in range(3)]

    def arrive(page_number: int) -> None:
        if page_number >= 3:  # else the walk would never end: two new per page of two
            return
        expected.append(mock.send(ACME_2, DEV_A, f"new #{page_number}", client=mock.acme).id)
        expected.append(mock.inbound(DEV_A, ACME_1, f"in #{page_number}").id)

    ids, _ = _walk(_history_pager(mock, limit=2), between=arrive)
    assert ids == expected


def _first_cursor(mock: Mock) -> str:
    for i in range(3):
        mock.inbound(DEV_A, ACME_1, f"#{i}")
    response = list_received_messages.sync_detailed(client=mock.acme, to=ACME_1, limit=1)
    cursor = expect(response, MessagePage, 200).next_cursor
    assert isinstance(cursor, str)
    return cursor


def _tampered(cursor: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[4] ^= 0x01  # a digit of the position, not the MAC
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "make_cursor",
    [
        pytest.param(lambda c: _tampered(c), id="tampered"),
        pytest.param(lambda c: c[:-2], id="truncated"),
        pytest.param(lambda c: "djE6MTc0MjI4NTE2MDAwMDAwMC4y", id="forged-v1-position"),
        pytest.param(lambda c: "a" * 40, id="junk"),
        pytest.param(lambda c: "no+such/cursor=", id="not-base64url"),
    ],
)
def test_a_cursor_the_server_did_not_issue_is_a_400(
    any_store_mock: Mock, make_cursor: Callable[[str], str]
) -> None:
    mock = any_store_mock
    cursor = make_cursor(_first_cursor(mock))
    response = list_received_messages.sync_detailed(client=mock.acme, to=ACME_1, cursor=cursor)
    assert fields(expect(response, Problem, 400)) == ["cursor"]


def test_a_cursor_of_another_listing_is_a_400(mock: Mock) -> None:
    cursor = _first_cursor(mock)
    mock.inbound(DEV_A, ACME_2)
    others: list[Response[Any]] = [
        list_received_messages.sync_detailed(client=mock.acme, to=ACME_2, cursor=cursor),
        list_received_messages.sync_detailed(
            client=mock.acme, to=ACME_1, from_=DEV_A, cursor=cursor
        ),
        list_received_messages.sync_detailed(client=mock.dev, to=ACME_1, cursor=cursor),
        list_message_history.sync_detailed(client=mock.acme, cursor=cursor),
    ]
    for response in others:
        assert fields(expect(response, Problem, 400)) == ["cursor"]
    # ... while in its own listing it is fine.
    response = list_received_messages.sync_detailed(client=mock.acme, to=ACME_1, cursor=cursor)
    assert len(expect(response, MessagePage, 200).messages) == 2


@pytest.mark.parametrize("limit", [0, -1, 1001])
def test_a_limit_outside_1_to_1000_is_a_400(mock: Mock, limit: int) -> None:
    inbox = list_received_messages.sync_detailed(client=mock.acme, to=ACME_1, limit=limit)
    assert fields(expect(inbox, Problem, 400)) == ["limit"]
    history = list_message_history.sync_detailed(client=mock.acme, limit=limit)
    assert fields(expect(history, Problem, 400)) == ["limit"]


def test_limit_1000_is_a_whole_page(mock: Mock) -> None:
    inbox = list_received_messages.sync_detailed(client=mock.acme, to=ACME_1, limit=1000)
    assert expect(inbox, MessagePage, 200).messages == []


# -- history ----------------------------------------------------------------------------------


def test_history_entries_say_when_and_which_way_relative_to_the_reader(mock: Mock) -> None:
    by_acme = mock.send(ACME_1, DEV_A, "acme to dev", client=mock.acme)
    mock.advance(1)
    to_acme = mock.send(DEV_A, ACME_2, "dev to acme")
    mock.advance(1)
    inbound = mock.inbound(DEV_B, ACME_1, "from outside")
    mock.send(DEV_A, DEV_B, "dev to dev: not acme's")

    acme = expect(list_message_history.sync_detailed(client=mock.acme), HistoryPage, 200)
    assert [(e.id, e.timestamp, e.direction) for e in acme.messages] == [
        (by_acme.id, by_acme.created_at, "outbound"),
        (to_acme.id, to_acme.created_at, "inbound"),
        (inbound.id, inbound.created_at, "inbound"),
    ]
    assert acme.next_cursor is None
    dev = expect(list_message_history.sync_detailed(client=mock.dev), HistoryPage, 200)
    assert [e.direction for e in dev.messages] == ["inbound", "outbound", "inbound", "outbound"]


def test_history_since_is_inclusive_and_until_exclusive(any_store_mock: Mock) -> None:
    mock = any_store_mock
    created = []
    for i in range(4):
        created.append(mock.send(ACME_1, DEV_A, f"#{i}", client=mock.acme))
        mock.advance(1)
    start, end = created[1].created_at, created[3].created_at
    assert end - start == timedelta(seconds=2)

    def ids(since: datetime | Unset = UNSET, until: datetime | Unset = UNSET) -> list[str]:
        response = list_message_history.sync_detailed(client=mock.acme, since=since, until=until)
        return [e.id for e in expect(response, HistoryPage, 200).messages]

    assert ids(since=start, until=end) == [created[1].id, created[2].id]
    assert ids(since=start) == [m.id for m in created[1:]]
    assert ids(until=end) == [m.id for m in created[:3]]
    assert ids(since=start + timedelta(microseconds=1), until=end) == [created[2].id]
    assert ids(since=end, until=start) == []


def test_history_bounds_take_any_rfc_3339_spelling(mock: Mock) -> None:
    """Lower-case `t` and `z`, and an offset: RFC 3339 allows them, and they bound the history
    like the canonical form (leap seconds: tests/unit/test_instants.py)."""
    first = mock.send(ACME_1, DEV_A, "first", client=mock.acme)
    mock.advance(120)
    second = mock.send(ACME_1, DEV_A, "second", client=mock.acme)
    minute = first.created_at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    canonical = minute.strftime("%Y-%m-%dT%H:%M:%SZ")
    in_sydney = (minute + timedelta(hours=11)).strftime("%Y-%m-%dT%H:%M:%S+11:00")

    def ids(since: str) -> list[str]:
        answer = mock.acme.get_httpx_client().get("/api/v2/sms/history", params={"since": since})
        assert answer.status_code == 200, answer.text
        return [entry["id"] for entry in answer.json()["messages"]]

    assert ids(canonical) == [second.id]
    assert ids(canonical.replace("T", "t").replace("Z", "z")) == [second.id]
    assert ids(in_sydney) == [second.id]


def test_history_pages_within_bounds(mock: Mock) -> None:
    created = []
    for i in range(6):
        created.append(mock.send(ACME_1, DEV_A, f"#{i}", client=mock.acme))
        mock.advance(1)
    since, until = created[1].created_at, created[5].created_at

    def page(cursor: str | Unset) -> tuple[list[str], str | None]:
        response = list_message_history.sync_detailed(
            client=mock.acme, limit=3, cursor=cursor, since=since, until=until
        )
        answer = expect(response, HistoryPage, 200)
        return [e.id for e in answer.messages], answer.next_cursor

    ids, sizes = _walk(page)
    assert ids == [m.id for m in created[1:5]]
    assert sizes == [3, 1]
