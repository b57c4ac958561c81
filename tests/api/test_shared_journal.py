"""The journal several hosts share (`mock_server.inbox.shared_journal`), on a store that counts
its writes: under load, many calls go to the database in one write; a read sees every call this
process answered before it, gathering or not, and waits no longer than its limit; an orderly
shutdown writes what is queued."""

from __future__ import annotations

import threading
import time

import orjson
from starlette.testclient import TestClient

from mock_server.app import create_app
from mock_server.inbox.shared_journal import SharedJournal
from mock_server.sms.store import MemoryStore


class CountingStore:
    """A JournalStore in memory that counts `journal_append`s, each taking a moment, as a round
    trip to a database does."""

    def __init__(self) -> None:
        self.entries: list[str] = []
        self.writes = 0
        self._journal_lock = threading.Lock()

    def journal_append(self, entries: list[str], size: int) -> None:
        time.sleep(0.001)
        with self._journal_lock:
            self.writes += 1
            self.entries = (self.entries + entries)[-size:]

    def journal_entries(self, size: int) -> list[str]:
        with self._journal_lock:
            return list(reversed(self.entries[-size:]))

    def journal_clear(self) -> None:
        with self._journal_lock:
            self.entries = []


def test_a_burst_of_calls_is_written_in_a_few_writes_and_read_back_whole() -> None:
    store = CountingStore()
    journal = SharedJournal(store, size=500)
    calls = 200
    for index in range(calls):  # a call every millisecond or so, as under load
        journal.record_call("GET", f"/api/v2/sms/msg_{index}", 200, "dev", None)
        time.sleep(0.001)
    listed = journal.entries()
    assert [entry["path"] for entry in listed] == [
        f"/api/v2/sms/msg_{index}" for index in reversed(range(calls))
    ]
    # One write for the first call, then at most one per gathering window (50 ms): a few, where
    # writing as the calls come would take one write for each call or two.
    assert store.writes < calls / 4, store.writes


def test_a_read_waits_for_this_process_calls_only_as_long_as_their_write() -> None:
    store = CountingStore()
    journal = SharedJournal(store, size=3)
    for index in range(5):
        journal.record_call("POST", "/api/v2/sms/send", 200 + index, "dev", None)
    assert [entry["status"] for entry in journal.entries()] == [204, 203, 202]
    journal.clear()
    assert journal.entries() == []


class SlowFirstWriteStore(CountingStore):
    """Its first write takes `first_s`, so the calls after it queue behind it."""

    def __init__(self, first_s: float) -> None:
        super().__init__()
        self._first_s = first_s

    def journal_append(self, entries: list[str], size: int) -> None:
        if not self.writes:
            time.sleep(self._first_s)
        super().journal_append(entries, size)


class JournalingMemoryStore(MemoryStore, SlowFirstWriteStore):
    """The memory store with a journal of its own: the app keeps a `SharedJournal` in it, as it
    does in PostgreSQL."""

    def __init__(self) -> None:
        MemoryStore.__init__(self)
        SlowFirstWriteStore.__init__(self, first_s=0.3)


def test_an_orderly_shutdown_writes_the_calls_still_queued() -> None:
    store = JournalingMemoryStore()
    with TestClient(create_app(store=store)) as http:  # the app's lifespan runs
        for index in range(3):
            http.get(f"/api/v2/sms/msg_{index}", headers={"Authorization": "Bearer dev-token"})
    # Out of the block, the server has shut down: the two calls queued behind the first write
    # are written, not left to a thread the process would end with.
    assert [orjson.loads(raw)["path"] for raw in store.journal_entries(10)] == [
        f"/api/v2/sms/msg_{index}" for index in (2, 1, 0)
    ]


class StuckStore(CountingStore):
    """A store whose journal writes never end (a database that stopped answering)."""

    def journal_append(self, entries: list[str], size: int) -> None:
        threading.Event().wait()


def test_a_read_waits_for_the_writer_no_longer_than_its_limit() -> None:
    journal = SharedJournal(StuckStore(), size=10, wait_s=0.1)
    journal.record_call("GET", "/api/v2/sms/history", 200, "dev", None)
    listed: list[object] = []
    reader = threading.Thread(target=lambda: listed.append(journal.entries()), daemon=True)
    reader.start()
    reader.join(10)  # far past the limit: a reader still waiting is stuck
    assert listed == [[]], "the read waited past its limit for a store that does not answer"
