"""The request journal kept in a store that several hosts share (PostgreSQL), so that
`GET /_mock/requests` and the inbox page list the calls every host answered, newest first,
trimmed to `--journal-size`.

Recording must not slow or stall a call: entries go to a queue, and a thread writes them to the
store in batches. A call after a quiet moment is written at once; under load the thread writes
at most once every `_GATHER_S`, so that one write carries many calls rather than one or two
(each write is a round trip to the database, as dear as the call it records). A read hurries
the thread and waits until every call this process recorded before the read is written, at
most `wait_s` (the store's time limit: then it lists what the store has), so a call is listed
by the time its answer has been read on the host that answered it; on the other hosts, within
`_GATHER_S` of that (docs/team.md). An orderly shutdown writes what is queued (`flush`, from
the app's lifespan); a host that is killed loses at most its last `_GATHER_S` of calls.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import orjson

from mock_server.inbox.journal import Entry, RequestJournal
from mock_server.sms.store import StoreUnavailableError
from mock_server.sms.store.base import DEFAULT_TIMEOUT_S

#: Most entries one write takes.
_BATCH = 200
#: Under load, the least time between two writes, when nobody is reading.
_GATHER_S = 0.05


@runtime_checkable
class JournalStore(Protocol):
    """A store that keeps the journal (PostgresStore)."""

    def journal_append(self, entries: list[str], size: int) -> None: ...

    def journal_entries(self, size: int) -> list[str]: ...

    def journal_clear(self) -> None: ...


class SharedJournal(RequestJournal):
    """A `RequestJournal` whose entries live in `store` (JSON, instants as RFC 3339 UTC)."""

    def __init__(
        self,
        store: JournalStore,
        size: int,
        operation_of: Callable[[str, str], str | None] | None = None,
        wait_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        super().__init__(size, operation_of)
        self._store = store
        self._wait_s = wait_s
        self._pending: queue.SimpleQueue[Entry] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()
        # Entries recorded and entries the writer is done with (written, or dropped by a
        # failing store), so that a read waits for what came before it and not for later calls.
        # The writer skips its gathering while any read waits (`_waiting`).
        self._progress = threading.Condition()
        self._recorded = 0
        self._done = 0
        self._waiting = 0

    def record(self, entry: Entry) -> None:
        if not self.size:
            return
        self._start_writer()
        with self._progress:
            self._recorded += 1
            self._pending.put(entry)

    def clear(self) -> None:
        self.flush()
        self._store.journal_clear()

    def entries(self, status: int | None = None, path: str | None = None) -> list[Entry]:
        self.flush()
        listed: list[Entry] = [orjson.loads(raw) for raw in self._store.journal_entries(self.size)]
        return [
            entry
            for entry in listed
            if (status is None or entry["status"] == status)
            and (path is None or path in entry["path"])
        ]

    def flush(self) -> None:
        """Wait until every entry recorded so far is written, at most `wait_s`."""
        with self._progress:
            recorded = self._recorded
            if self._done >= recorded:
                return
            self._waiting += 1
            self._progress.notify_all()  # a writer gathering stops
            try:
                self._progress.wait_for(lambda: self._done >= recorded, self._wait_s)
            finally:
                self._waiting -= 1

    def _start_writer(self) -> None:
        # Started on first use, in the process that serves (not in a parent that forks workers).
        with self._writer_lock:
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write, name="aatrox-journal", daemon=True
                )
                self._writer.start()

    def _write(self) -> None:
        last_write = float("-inf")
        while True:
            batch = [self._pending.get()]
            since = time.monotonic() - last_write
            if since < _GATHER_S:
                with self._progress:
                    self._progress.wait_for(lambda: self._waiting > 0, _GATHER_S - since)
            while len(batch) < _BATCH:
                try:
                    batch.append(self._pending.get_nowait())
                except queue.Empty:
                    break
            try:
                encoded = [orjson.dumps(e, option=orjson.OPT_UTC_Z).decode() for e in batch]
                self._store.journal_append(encoded, self.size)
            except StoreUnavailableError:
                pass  # the journal is a convenience: a failing store drops these entries
            finally:
                last_write = time.monotonic()
                with self._progress:
                    self._done += len(batch)
                    self._progress.notify_all()
