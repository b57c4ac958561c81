"""The request journal kept in a store that several hosts share (PostgreSQL), so that
`GET /_mock/requests` and the inbox page list the calls every host answered, newest first,
trimmed to `--journal-size`.

Recording must not slow or stall a call: entries go to a queue, and a thread writes them to the
store in batches. A read first waits for this process's queue to drain (bounded by the store's
own time limit), so a call is listed by the time its answer has been read.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import orjson

from mock_server.inbox.journal import Entry, RequestJournal
from mock_server.sms.store import StoreUnavailableError

#: Most entries one write takes.
_BATCH = 200


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
    ) -> None:
        super().__init__(size, operation_of)
        self._store = store
        self._pending: queue.Queue[Entry] = queue.Queue()
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()

    def record(self, entry: Entry) -> None:
        if not self.size:
            return
        self._start_writer()
        self._pending.put(entry)

    def clear(self) -> None:
        self._pending.join()
        self._store.journal_clear()

    def entries(self, status: int | None = None, path: str | None = None) -> list[Entry]:
        self._pending.join()
        listed: list[Entry] = [orjson.loads(raw) for raw in self._store.journal_entries(self.size)]
        return [
            entry
            for entry in listed
            if (status is None or entry["status"] == status)
            and (path is None or path in entry["path"])
        ]

    def _start_writer(self) -> None:
        # Started on first use, in the process that serves (not in a parent that forks workers).
        with self._writer_lock:
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write, name="aatrox-journal", daemon=True
                )
                self._writer.start()

    def _write(self) -> None:
        while True:
            batch = [self._pending.get()]
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
                for _ in batch:
                    self._pending.task_done()
