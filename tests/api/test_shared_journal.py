"""The journal several hosts share (`mock_server.inbox.shared_journal`), on a store that counts
its writes: under load, many calls go to the database in one write; a read sees every call this
process answered before it, gathering or not."""

from __future__ import annotations

import threading
import time

from mock_server.inbox.shared_journal import SharedJournal


class CountingStore:
    """A JournalStore in memory that counts `journal_append`s, each taking a moment, as a round
    trip to a database does."""

    def __init__(self) -> None:
        self.entries: list[str] = []
        self.writes = 0
        self._lock = threading.Lock()

    def journal_append(self, entries: list[str], size: int) -> None:
        time.sleep(0.001)
        with self._lock:
            self.writes += 1
            self.entries = (self.entries + entries)[-size:]

    def journal_entries(self, size: int) -> list[str]:
        with self._lock:
            return list(reversed(self.entries[-size:]))

    def journal_clear(self) -> None:
        with self._lock:
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
