"""The listings the inbox page reads, on every store: `select` (filtered, paged by seq, either
way) and `conversations` (each conversation's newest message, newest first)."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from mock_server.sms.store import MessageStore, SqliteStore, Viewer
from mock_server.sms.store.base import MessageFilter
from tests.unit.test_store import A, B, C, add, ids, new

D = "+61491570159"


@pytest.fixture
def stored(store: MessageStore) -> list[str]:
    """Six messages: acme A->B, A->C, inbound B->A, other C->D, acme A->B, inbound D->C."""
    return ids(
        add(
            store,
            new(B, A),
            new(C, A),
            new(A, B, sender=None),
            new(D, C, sender="other"),
            new(B, A, text="again"),
            new(C, D, sender=None),
        )
    )


def test_select_without_a_filter_lists_everything_in_seq_order_and_pages(
    store: MessageStore, stored: list[str]
) -> None:
    first = store.select(MessageFilter(), limit=4)
    assert ids(first) == stored[:4]
    rest = store.select(MessageFilter(), limit=4, after_seq=first[-1].seq)
    assert ids(rest) == stored[4:]


def test_select_newest_first_pages_backwards_from_a_seq(
    store: MessageStore, stored: list[str]
) -> None:
    newest = store.select(MessageFilter(), limit=2, newest_first=True)
    assert ids(newest) == [stored[5], stored[4]]
    older = store.select(MessageFilter(), limit=10, before_seq=newest[-1].seq, newest_first=True)
    assert ids(older) == stored[3::-1]


@pytest.mark.parametrize(
    ("which", "expected"),
    [
        (MessageFilter(from_addr=A), [0, 1, 4]),
        (MessageFilter(to_addr=C), [1, 5]),
        (MessageFilter(from_addr=A, to_addr=B), [0, 4]),
        (MessageFilter(number=C), [1, 3, 5]),
        (MessageFilter(number=A, peer=B), [0, 2, 4]),
        (MessageFilter(number=B, peer=A), [0, 2, 4]),
        (MessageFilter(number=A, peer=D), []),
        (MessageFilter(viewer=Viewer("acme", frozenset({A}))), [0, 1, 2, 4]),
        (MessageFilter(viewer=Viewer("other", frozenset({C}))), [1, 3, 5]),
        (MessageFilter(number=C, viewer=Viewer("other", frozenset())), [3]),
        (MessageFilter(from_addr=B, to_addr=A, number=C), []),
    ],
)
def test_select_keeps_what_every_filter_asks(
    store: MessageStore, stored: list[str], which: MessageFilter, expected: list[int]
) -> None:
    assert ids(store.select(which, limit=10)) == [stored[i] for i in expected]
    newest = store.select(which, limit=2, newest_first=True)
    assert ids(newest) == [stored[i] for i in expected[::-1][:2]]


def test_select_lists_a_message_to_its_own_number_once(store: MessageStore) -> None:
    [message] = add(store, new(A, A))
    assert ids(store.select(MessageFilter(number=A), limit=5)) == [message.id]
    viewer = Viewer("acme", frozenset({A}))
    assert ids(store.select(MessageFilter(viewer=viewer), limit=5)) == [message.id]


def test_conversations_are_newest_first_each_once_with_its_newest_message(
    store: MessageStore, stored: list[str]
) -> None:
    # Conversations: A-B (newest: message 4), A-C (1), C-D (5).
    assert ids(store.conversations(limit=10)) == [stored[5], stored[4], stored[1]]
    first = store.conversations(limit=2)
    assert ids(store.conversations(limit=2, before_seq=first[-1].seq)) == [stored[1]]


def test_conversations_changed_after_a_seq_and_of_some_numbers(
    store: MessageStore, stored: list[str]
) -> None:
    seen = store.conversations(limit=10)[0].seq
    assert store.conversations(limit=10, after_seq=seen) == []
    [reply] = add(store, new(C, A, text="later"))
    assert ids(store.conversations(limit=10, after_seq=seen)) == [reply.id]
    assert ids(store.conversations(limit=10, numbers=frozenset({B}))) == [stored[4]]
    assert ids(store.conversations(limit=10, numbers=frozenset({D, B}))) == [stored[5], stored[4]]


def test_conversations_stay_exact_past_many_messages_of_one_conversation(
    store: MessageStore,
) -> None:
    """The memory store's log compacts its stale entries; no store loses a conversation."""
    [other] = add(store, new(C, D))
    for _ in range(5):
        add(store, *(new(B, A) for _ in range(600)))
    newest = store.conversations(limit=10)
    assert [m.to_addr for m in newest] == [B, C]
    assert newest[1].id == other.id


def test_reset_forgets_the_conversations(store: MessageStore, stored: list[str]) -> None:
    store.reset()
    assert store.conversations(limit=10) == []
    assert store.select(MessageFilter(number=A), limit=10) == []


def test_a_version_2_file_gains_its_conversations(tmp_path: Path) -> None:
    path = tmp_path / "sms.db"
    store = SqliteStore(path)
    _, _, newest = add(store, new(B, A), new(C, A), new(A, B, sender=None))
    store.close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("DROP TABLE conversations")
        conn.execute("PRAGMA user_version = 2")
        conn.commit()
    reopened = SqliteStore(path)
    try:
        assert [m.to_addr for m in reopened.conversations(limit=10)] == [A, C]
        assert reopened.conversations(limit=10)[0].id == newest.id
    finally:
        reopened.close()
