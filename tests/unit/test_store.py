"""One suite for every store: MemoryStore, SqliteStore and PostgresStore must answer alike."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from mock_server.sms.instants import from_us, to_us
from mock_server.sms.lifecycle import Outcome
from mock_server.sms.store import (
    DuplicateMessageIdError,
    MessageStore,
    NewMessage,
    SqliteStore,
    StoredMessage,
    StoreUnavailableError,
    Viewer,
)
from mock_server.sms.store import postgres as postgres_store
from mock_server.sms.store.base import MessageFilter
from mock_server.sms.store.postgres import PostgresStore
from tests.support import postgres

T0 = datetime(2026, 3, 18, 8, 6, tzinfo=UTC)
ACME = Viewer("acme", frozenset())  # sees what it sent
SECOND = 1_000_000  # microseconds
A, B, C = "+61491570156", "+61491570157", "+61491570158"
ROOT = Path(__file__).resolve().parents[2]


def at(seconds: float) -> Callable[[], datetime]:
    """A clock function standing `seconds` after T0."""
    return lambda: T0 + timedelta(seconds=seconds)


def new(
    to_addr: str = B,
    from_addr: str = A,
    *,
    delay_s: float | None = 1.0,
    sender: str | None = "acme",
    text: str = "hello",
    id_: str | None = None,
) -> NewMessage:
    return NewMessage(
        id=id_ or f"msg_{secrets.token_hex(12)}",
        sender_account=sender,
        from_addr=from_addr,
        to_addr=to_addr,
        text=text,
        encoding="gsm7",
        segment_count=1,
        outcome=Outcome.DELIVERED if delay_s is not None else Outcome.UNDELIVERED,
        inbound=sender is None,
        arrival_delay_us=None if delay_s is None else int(delay_s * SECOND),
    )


def add(store: MessageStore, *messages: NewMessage, now: float = 0.0) -> list[StoredMessage]:
    return store.add(messages, at(now))


def ids(messages: list[StoredMessage]) -> list[str]:
    return [message.id for message in messages]


def test_add_stamps_creation_and_increasing_seqs(store: MessageStore) -> None:
    first, second = add(store, new(), new(C, delay_s=None, text="é"), now=5)
    assert second.seq > first.seq
    assert first.created_at == second.created_at == to_us(T0) + 5 * SECOND
    assert first.arrival_at == first.created_at + SECOND
    assert second.arrival_at is None
    assert store.get(second.id) == second
    assert store.get(first.id) == first
    assert store.get("msg_000000000000000000000000") is None
    assert store.count() == 2


def test_add_is_all_or_nothing(store: MessageStore) -> None:
    kept = add(store, new())[0]
    with pytest.raises(DuplicateMessageIdError):
        add(store, new(C), new(C, id_=kept.id))
    with pytest.raises(DuplicateMessageIdError):
        add(store, new(C, id_="msg_1"), new(C, id_="msg_1"))
    assert store.count() == 1
    assert store.all() == [kept]
    assert store.inbox(C, at(100), None, 10) == []


def test_creation_never_goes_back_even_if_the_clock_does(store: MessageStore) -> None:
    later = add(store, new(), now=10)[0]
    earlier_clock = add(store, new(), now=3)[0]
    assert earlier_clock.created_at == later.created_at
    assert earlier_clock.seq > later.seq


def test_inbox_holds_only_what_arrived_by_now(store: MessageStore) -> None:
    outbound = add(store, new(B, delay_s=1.0), now=0)[0]
    add(store, new(B, delay_s=None), now=0)  # undelivered: never arrives
    add(store, new(C, delay_s=0), now=0)  # someone else's inbox
    assert store.inbox(B, at(0.999999), None, 10) == []
    assert store.inbox(B, at(1), None, 10) == [outbound]
    assert store.inbox(B, at(1000), None, 10) == [outbound]


def test_inbox_is_ordered_by_arrival_then_seq(store: MessageStore) -> None:
    slow = add(store, new(B, delay_s=1.0), now=0)[0]  # arrives at 1
    fast = add(store, new(B, delay_s=0, sender=None), now=0.5)[0]  # arrives at 0.5
    tie_a, tie_b = add(store, new(B, delay_s=0.5), new(B, delay_s=0.5), now=0.5)  # at 1, 1
    assert slow.seq < fast.seq
    assert ids(store.inbox(B, at(2), None, 10)) == ids([fast, slow, tie_a, tie_b])


def test_inbox_pages_strictly_after_the_position(store: MessageStore) -> None:
    messages = add(store, *(new(B, delay_s=0) for _ in range(5)), now=0)
    first = store.inbox(B, at(1), None, 2)
    assert first == messages[:2]
    last = first[-1]
    assert last.arrival_at is not None
    second = store.inbox(B, at(1), (last.arrival_at, last.seq), 2)
    assert second == messages[2:4]
    final = second[-1]
    assert final.arrival_at is not None
    assert store.inbox(B, at(1), (final.arrival_at, final.seq), 2) == messages[4:]


def test_inbox_filters_by_sender(store: MessageStore) -> None:
    from_a = add(store, new(B, A, delay_s=0), now=0)[0]
    add(store, new(B, C, delay_s=0), now=0)
    from_a_later = add(store, new(B, A, delay_s=0), now=1)[0]
    assert store.inbox(B, at(5), None, 10, from_addr=A) == [from_a, from_a_later]
    assert store.inbox(B, at(5), None, 1, from_addr=A) == [from_a]
    assert from_a.arrival_at is not None
    after = (from_a.arrival_at, from_a.seq)
    assert store.inbox(B, at(5), after, 10, from_addr=A) == [from_a_later]
    assert store.inbox(B, at(5), None, 10, from_addr="+61491570199") == []


def test_history_lists_what_the_account_sent_and_what_was_sent_to_its_numbers(
    store: MessageStore,
) -> None:
    sent = add(store, new(C, sender="acme"), now=0)[0]
    to_b = add(store, new(B, sender="other"), now=1)[0]
    unrelated = add(store, new(C, sender="other"), now=2)[0]
    inbound_to_b = add(store, new(B, sender=None), now=3)[0]
    owning_b = Viewer("acme", frozenset({B}))
    assert store.history(owning_b, None, 10) == [sent, to_b, inbound_to_b]
    assert store.history(Viewer("other", frozenset()), None, 10) == [to_b, unrelated]
    assert store.history(Viewer("nobody", frozenset({"+61491570199"})), None, 10) == []
    assert store.history(None, None, 10) == [sent, to_b, unrelated, inbound_to_b]  # owning "*"


def test_history_lists_a_message_in_two_indexes_once(store: MessageStore) -> None:
    to_own_number = add(store, new(B, sender="acme"), now=0)[0]
    assert store.history(Viewer("acme", frozenset({B})), None, 10) == [to_own_number]


def test_history_merges_indexes_in_seq_order_and_pages_after_a_seq(store: MessageStore) -> None:
    stored = add(store, new(B, sender="x"), new(C, sender="acme"), new(A, sender="y"), new(B))
    viewer = Viewer("acme", frozenset({A, B}))
    assert store.history(viewer, None, 10) == stored
    assert store.history(viewer, None, 2) == stored[:2]
    assert store.history(viewer, stored[1].seq, 10) == stored[2:]
    assert store.history(None, stored[0].seq, 2) == stored[1:3]


def test_history_bounds_are_since_inclusive_until_exclusive(store: MessageStore) -> None:
    stored = [add(store, new(), now=s)[0] for s in (0, 1, 2, 3)]
    one, three = to_us(T0) + SECOND, to_us(T0) + 3 * SECOND
    for viewer in (ACME, Viewer("someone", frozenset({B})), None):
        assert store.history(viewer, None, 10, since=one) == stored[1:]
        assert store.history(viewer, None, 10, until=three) == stored[:3]
        assert store.history(viewer, None, 10, since=one, until=three) == stored[1:3]
        assert store.history(viewer, stored[1].seq, 10, since=one, until=three) == stored[2:3]
        assert store.history(viewer, None, 10, since=three + 1) == []
        assert store.history(viewer, None, 10, since=three, until=one) == []


def test_all_lists_everything_with_optional_filters(store: MessageStore) -> None:
    ab, ac, cb = add(store, new(B, A), new(C, A), new(B, C))
    assert store.all() == [ab, ac, cb]
    assert store.all(from_addr=A) == [ab, ac]
    assert store.all(to_addr=B) == [ab, cb]
    assert store.all(from_addr=A, to_addr=B) == [ab]


def test_reset_forgets_messages_keeps_state_and_never_reuses_seqs(store: MessageStore) -> None:
    before = add(store, new(), new())
    store.set_state("faults", "{}")
    store.reset()
    assert store.count() == 0
    assert store.all() == []
    assert store.get(before[0].id) is None
    assert store.history(None, None, 10) == []
    assert store.history(Viewer("acme", frozenset({B})), None, 10) == []
    assert store.inbox(B, at(100), None, 10) == []
    assert store.get_state("faults") == "{}"
    after = add(store, new())[0]
    assert after.seq > before[-1].seq


def test_state_get_set_delete_update(store: MessageStore) -> None:
    assert store.get_state("k") is None
    store.set_state("k", "1")
    assert store.get_state("k") == "1"
    assert store.update_state("k", lambda old: str(int(old or "0") + 1)) == "2"
    assert store.update_state("new", lambda old: old or "first") == "first"
    assert store.update_state("new", lambda old: old or "second") == "first"
    store.delete_state("k")
    store.delete_state("absent")
    assert store.get_state("k") is None


def test_text_survives_storage_byte_for_byte(store: MessageStore) -> None:
    text = "emoji 😀, NUL \x00, extension €{}, newline\nand ç"
    stored = add(store, new(text=text))[0]
    assert stored.text == text
    fetched = store.get(stored.id)
    assert fetched is not None
    assert fetched.text == text


def test_sqlite_store_keeps_messages_and_state_across_reopening(tmp_path: Path) -> None:
    path = tmp_path / "sms.db"
    store = SqliteStore(path)
    stored = store.add([new(), new(C, sender="other")], at(0))
    store.set_state("clock.manual_us", "123")
    store.close()
    reopened = SqliteStore(path)
    try:
        assert reopened.all() == stored
        assert reopened.get_state("clock.manual_us") == "123"
        assert reopened.history(Viewer("other", frozenset()), None, 10) == stored[1:]
        assert reopened.inbox(B, at(5), None, 10) == stored[:1]
        assert reopened.add([new()], at(0))[0].seq > stored[-1].seq
    finally:
        reopened.close()


def test_a_version_1_file_opens_without_its_stored_visibility(tmp_path: Path) -> None:
    """Version 1 stored who could see each message; version 2 derives it from the config."""
    path = tmp_path / "sms.db"
    store = SqliteStore(path)
    stored = add(store, new())
    store.close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE visibility (account TEXT, seq INTEGER)")
        conn.execute("PRAGMA user_version = 1")
        conn.commit()
    reopened = SqliteStore(path)
    reopened.close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    assert "visibility" not in tables
    reopened = SqliteStore(path)
    try:
        assert reopened.all() == stored
    finally:
        reopened.close()


_KILLED_WRITER = """
import os, signal, sys
from datetime import datetime, UTC
from mock_server.sms.lifecycle import Outcome
from mock_server.sms.store import NewMessage, SqliteStore
store = SqliteStore(sys.argv[1])
message = NewMessage("msg_" + "a" * 24, "acme", "+61491570156", "+61491570157", "kept", "gsm7",
                     1, Outcome.DELIVERED, False, 0)
store.add([message], lambda: datetime.now(UTC))
print("committed", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sqlite_store_keeps_a_committed_message_when_the_process_is_killed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "sms.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert result.stdout == "committed\n"
    store = SqliteStore(path)
    try:
        kept = store.get("msg_" + "a" * 24)
        assert kept is not None
        assert kept.text == "kept"
    finally:
        store.close()


def test_sqlite_stores_on_one_file_see_each_others_writes(tmp_path: Path) -> None:
    """What several worker processes do: separate connections to one file."""
    one, two = SqliteStore(tmp_path / "sms.db"), SqliteStore(tmp_path / "sms.db")
    try:
        stored = one.add([new(B, delay_s=0)], at(0))[0]
        assert two.get(stored.id) == stored
        assert two.inbox(B, at(0), None, 10) == [stored]
        two.set_state("faults", "x")
        assert one.get_state("faults") == "x"
    finally:
        one.close()
        two.close()


def test_instants_round_trip_through_microseconds() -> None:
    instant = datetime(2026, 3, 18, 8, 6, 0, 123456, tzinfo=UTC)
    assert from_us(to_us(instant)) == instant
    assert to_us(instant.replace(tzinfo=None)) == to_us(instant)  # naive is UTC


def test_sqlite_store_uses_a_write_ahead_log(tmp_path: Path) -> None:
    """WAL lets readers in other processes go on while a send commits."""

    store = SqliteStore(tmp_path / "sms.db")
    store.close()
    with contextlib.closing(sqlite3.connect(tmp_path / "sms.db")) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_postgres_stores_starting_at_once_migrate_the_schema_once(
    postgres_cluster: postgres.Cluster,
) -> None:
    """Several hosts start together: one applies the migrations, the others wait for it."""
    url = postgres_cluster.new_database()
    with ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(lambda _: PostgresStore(url), range(4)))
    try:
        stored = add(stores[0], new())
        assert [store.get(stored[0].id) for store in stores[1:]] == [stored[0]] * 3
    finally:
        for store in stores:
            store.close()
    with psycopg.connect(url) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM aatrox_schema ORDER BY 1")]
    assert versions == list(range(1, postgres_store.SCHEMA_VERSION + 1))


def back_to_version(url: str, version: int) -> None:
    """Undo the migrations after `version`, as if an older mock had made the database."""
    undo = {
        3: [  # the listings' indexes and the conversations
            "DROP TABLE aatrox_conversations",
            "DROP INDEX aatrox_messages_sent_from",
            "DROP INDEX aatrox_messages_pair",
        ],
        2: ["DROP TABLE aatrox_journal"],
    }
    with psycopg.connect(url) as conn:
        for number in range(postgres_store.SCHEMA_VERSION, version, -1):
            for statement in undo[number]:
                conn.execute(statement)
        conn.execute("DELETE FROM aatrox_schema WHERE version > %s", (version,))


def test_a_postgres_database_at_an_older_version_is_migrated_keeping_its_messages(
    postgres_cluster: postgres.Cluster,
) -> None:
    url = postgres_cluster.new_database()
    store = PostgresStore(url)
    stored = add(store, new())
    store.close()
    back_to_version(url, 1)
    reopened = PostgresStore(url)
    try:
        assert reopened.all() == stored
        reopened.journal_append(['{"status": 200}'], 10)
        assert reopened.journal_entries(10) == ['{"status": 200}']
    finally:
        reopened.close()


def test_a_version_2_postgres_database_gains_its_listings_and_conversations(
    postgres_cluster: postgres.Cluster,
) -> None:
    """A database an earlier mock filled: its messages are listed and grouped after the upgrade,
    and new messages join the conversations found in the old ones."""
    url = postgres_cluster.new_database()
    store = PostgresStore(url)
    first = add(store, new(from_addr=A, to_addr=B, text="A to B"), now=0)
    reply = add(store, new(from_addr=B, to_addr=A, text="B to A"), now=1)
    other = add(store, new(from_addr=A, to_addr=C, text="A to C"), now=2)
    store.close()
    back_to_version(url, 2)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('aatrox_conversations')").fetchone() == (None,)
    reopened = PostgresStore(url)
    try:
        assert ids(reopened.conversations(10)) == ids([*other, *reply])
        assert ids(reopened.select(MessageFilter(number=A, peer=B), 10)) == ids([*first, *reply])
        later = add(reopened, new(from_addr=A, to_addr=B, text="again"), now=3)
        assert ids(reopened.conversations(10)) == ids([*later, *other])
        assert reopened.forget(Viewer("nobody", frozenset({B}))) == 2  # "B to A" stays
        assert ids(reopened.conversations(10)) == ids([*other, *reply])
    finally:
        reopened.close()
    with psycopg.connect(url) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM aatrox_schema ORDER BY 1")]
    assert versions == list(range(1, postgres_store.SCHEMA_VERSION + 1))


def test_a_postgres_database_newer_than_the_mock_is_refused(
    postgres_cluster: postgres.Cluster,
) -> None:
    url = postgres_cluster.new_database()
    PostgresStore(url).close()
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO aatrox_schema (version) VALUES (999)")
    with pytest.raises(StoreUnavailableError, match="schema version 999"):
        PostgresStore(url)


def test_sqlite_writers_of_one_process_wait_their_turn_for_at_most_the_store_timeout(
    tmp_path: Path,
) -> None:
    # This process's writers queue on the store's own lock (SQLite's busy handler polls with
    # long sleeps); the wait is bounded by the store's limit like SQLite's.
    store = SqliteStore(tmp_path / "busy.sqlite", timeout_s=0.2)
    writing, finish = threading.Event(), threading.Event()

    def slow_update(value: str | None) -> str:
        writing.set()
        finish.wait(10)
        return "held"

    holder = threading.Thread(target=store.update_state, args=("k", slow_update))
    holder.start()
    try:
        assert writing.wait(10)
        with pytest.raises(StoreUnavailableError, match="--store-timeout"):
            add(store, new(id_="msg_000000000000000000000001"))
    finally:
        finish.set()
        holder.join(10)
    assert store.get_state("k") == "held"
    assert ids(add(store, new(id_="msg_000000000000000000000001"))) == [
        "msg_000000000000000000000001"
    ]


def test_state_read_together_answers_from_one_read_and_a_write_reads_anew(
    store: MessageStore,
) -> None:
    store.set_state("faults", "{}")
    with store.reading_together(["faults", "accounts.generation"]):
        assert store.get_state("faults") == "{}"
        assert store.get_state("accounts.generation") is None
        store.set_state("faults", '{"error_rate": 1}')  # a write of this thread: read anew
        assert store.get_state("faults") == '{"error_rate": 1}'
        assert store.update_state("accounts.generation", lambda old: "1") == "1"
        assert store.get_state("accounts.generation") == "1"
    assert store.get_state("faults") == '{"error_rate": 1}'


def test_postgres_reads_the_keys_together_once_for_the_block(
    postgres_cluster: postgres.Cluster,
) -> None:
    url = postgres_cluster.new_database()
    store, other_host = PostgresStore(url), PostgresStore(url)
    try:
        store.set_state("faults", "{}")
        with store.reading_together(["faults", "accounts.generation"]):
            other_host.set_state("faults", '{"error_rate": 1}')
            other_host.set_state("accounts.generation", "7")
            # Both as they were when the block began: one read, one snapshot.
            assert store.get_state("faults") == "{}"
            assert store.get_state("accounts.generation") is None
            other_host.set_state("clock", "1")
            assert store.get_state("clock") == "1"  # not among the keys: read when asked
        assert store.get_state("faults") == '{"error_rate": 1}'
        assert store.get_state("accounts.generation") == "7"
    finally:
        store.close()
        other_host.close()


@pytest.mark.parametrize("replaced", [False, True], ids=["deleted", "replaced"])
def test_a_thread_first_connecting_after_the_file_went_stores_nothing_anywhere(
    tmp_path: Path, replaced: bool
) -> None:
    path = tmp_path / "sms.db"
    store = SqliteStore(path)
    add(store, new())
    for stale in tmp_path.iterdir():
        stale.unlink()
    replacement = SqliteStore(path) if replaced else None
    failures: list[BaseException] = []

    def send_from_a_new_thread() -> None:
        try:
            add(store, new())
        except BaseException as exc:
            failures.append(exc)

    worker = threading.Thread(target=send_from_a_new_thread)
    worker.start()
    worker.join()
    [failure] = failures
    assert isinstance(failure, StoreUnavailableError)
    assert "deleted or replaced" in str(failure)
    if replacement is None:
        assert not path.exists()  # no empty file made in its place
    else:
        assert replacement.count() == 0
        replacement.close()
    store.close()
