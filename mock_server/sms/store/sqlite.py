"""The durable store (`--db PATH`): one SQLite file, shareable by several worker processes.

Durability: WAL journal with `synchronous=NORMAL`. A send is answered only after its COMMIT has
returned, and in WAL mode COMMIT means the transaction's frames were written to the -wal file:
from then on they live in the operating system's page cache, which a dying process does not
take with it. What is promised:

- the process is killed (`kill -9`, a crash of Python, the OOM killer): nothing that was
  answered 200 is lost: the next open reads it from the WAL;
- the operating system crashes or the power fails: the last transactions (those not yet
  fsynced, which happens at each WAL checkpoint) may be lost, and the file stays consistent.
  For a local mock that is fine, and it is what lets a send skip an fsync: with
  `synchronous=FULL` every COMMIT fsynced the WAL, which made a send about three times
  slower (measured at the domain level on ext4).

Failures: a wait for the write lock is bounded (`timeout_s`, `--store-timeout`), then the call
fails with `StoreUnavailableError`, as does any other error of SQLite's. Before each COMMIT the
file at `path` must still be the one the connection opened (same device and inode): a file
deleted or replaced while the mock runs would otherwise take every later send with it, each
answered 200 into a file nobody will open again. Such a write fails and is rolled back.

Concurrency: one connection per thread (and per process: a forked child opens its own); writers
and inbox readers take SQLite's write lock with BEGIN IMMEDIATE, which is what keeps paging
exact across processes (see `MessageStore`). Indexes: `id` (unique), `(to_addr, arrival_at,
seq)` and `(to_addr, from_addr, arrival_at, seq)` for inboxes, `created_at` for history
bounds, and `(sender_account, seq)` and `(to_addr, seq)` for histories: an account's history
merges what it sent with what was sent to each number it owns under the config in force, so
nothing about who may see a message is stored (schema version 1 stored it; opening such a file
drops that table). Version 3 adds `(from_addr, seq)` and `(from_addr, to_addr, seq)` for the
control API's filtered listings, and a `conversations` table (each pair of numbers and its
newest seq, indexed by that seq) kept by `add` for the inbox page; opening a version 1 or 2 file
fills it from the messages.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import ParamSpec, TypeVar
from urllib.parse import quote

from mock_server.sms.instants import to_us
from mock_server.sms.store.base import (
    DEFAULT_TIMEOUT_S,
    DuplicateMessageIdError,
    InboxPosition,
    MessageFilter,
    NewMessage,
    Now,
    StoredMessage,
    StoreUnavailableError,
    Viewer,
    conversation_of,
)
from mock_server.sms.store.filters import TO_IN, branches
from mock_server.sms.store.rows import COLUMNS as _COLUMNS
from mock_server.sms.store.rows import END as _END
from mock_server.sms.store.rows import message as _message

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _failing_as_store(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """SQLite's errors (a lock not taken in time, a missing table, a broken file) as
    `StoreUnavailableError`; an IntegrityError is the caller's to judge (a duplicate id)."""

    @functools.wraps(method)
    def call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as exc:
            raise StoreUnavailableError(f"The SQLite store failed: {exc}.") from exc

    return call


SCHEMA_VERSION = 3

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: never reused, also after reset
        id TEXT NOT NULL UNIQUE,
        sender_account TEXT,
        from_addr TEXT NOT NULL,
        to_addr TEXT NOT NULL,
        text TEXT NOT NULL,
        encoding TEXT NOT NULL,
        segment_count INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        arrival_at INTEGER,
        outcome TEXT NOT NULL,
        inbound INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS messages_inbox ON messages (to_addr, arrival_at, seq)",
    """CREATE INDEX IF NOT EXISTS messages_inbox_from
        ON messages (to_addr, from_addr, arrival_at, seq)""",
    "CREATE INDEX IF NOT EXISTS messages_created ON messages (created_at)",
    "CREATE INDEX IF NOT EXISTS messages_sent_by ON messages (sender_account, seq)",
    "CREATE INDEX IF NOT EXISTS messages_sent_to ON messages (to_addr, seq)",
    # Version 1 stored who could see each message, fixed at write time.
    "DROP TABLE IF EXISTS visibility",
    # Version 3: the listings' indexes, and each conversation's newest seq (see `conversations`).
    "CREATE INDEX IF NOT EXISTS messages_sent_from ON messages (from_addr, seq)",
    "CREATE INDEX IF NOT EXISTS messages_pair ON messages (from_addr, to_addr, seq)",
    """CREATE TABLE IF NOT EXISTS conversations (
        a TEXT NOT NULL,  -- the lower of the two numbers
        b TEXT NOT NULL,
        newest_seq INTEGER NOT NULL,
        PRIMARY KEY (a, b)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS conversations_newest ON conversations (newest_seq)",
    """CREATE TABLE IF NOT EXISTS state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID""",
)

# SQLite's default cap on the terms of one compound SELECT is 500: past this many owned numbers
# a history reads them with one `IN` instead of one ordered, limited read each.
_MAX_MERGED_NUMBERS = 400


def _seq_range(
    after_seq: int | None, since: int | None, until: int | None
) -> tuple[str, list[object], str, list[object]]:
    """For seq > after_seq and since <= created < until: a WITH clause and its arguments, and a
    condition on `seq` and the arguments of each of its uses. Without since and until, no WITH
    clause and the condition is `seq > ?`.

    created_at never decreases with seq (see `add`), so since/until become a seq range: the first
    seq created at or after an instant is the head of the created_at index, so O(log n). In one
    statement with the read, so one consistent snapshot.
    """
    if since is None and until is None:
        return "", [], "seq > ?", [after_seq or 0]
    first = (
        "coalesce((SELECT seq FROM messages WHERE created_at >= ?"
        " ORDER BY created_at, seq LIMIT 1), ?)"
    )
    low, args = "?", list[object]([after_seq or 0])
    if since is not None:
        low = f"max(?, {first} - 1)"
        args += [since, _END]
    high: str = "?"
    if until is None:
        args.append(_END)
    else:
        high = first
        args += [until, _END]
    bounds = f"WITH bounds (low, high) AS (SELECT {low}, {high}) "
    return bounds, args, "seq > (SELECT low FROM bounds) AND seq < (SELECT high FROM bounds)", []


def _file_gone() -> StoreUnavailableError:
    return StoreUnavailableError(
        "The SQLite database file was deleted or replaced while the mock ran: nothing was"
        " stored. Restart the mock to use the file now at that path."
    )


class SqliteStore:
    """A `MessageStore` in an SQLite file; safe to share between threads and processes."""

    #: A call may wait for the write lock: the HTTP layer runs it off the event loop.
    blocks = True
    kind = "SQLite"

    def __init__(self, path: str | Path, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._path = str(path)
        self._timeout = timeout_s
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._opened_lock = threading.Lock()
        # This process's writers queue here, not in SQLite: SQLite's busy handler polls with
        # sleeps of up to 100 ms, so store threads contending for its write lock waited far
        # longer than the lock was held. Other processes still meet at SQLite's own lock.
        self._writer = threading.Lock()
        #: (device, inode) of the file this store opened, once it has: every thread's
        #: connection must be to that file (see `_conn` and `_write`).
        self._identity: tuple[int, int] | None = None
        with self._write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, 1, 2, SCHEMA_VERSION):
                raise RuntimeError(f"{self._path}: unknown schema version {version}")
            for statement in _SCHEMA:
                conn.execute(statement)
            if version in (1, 2):  # messages stored before the conversations table existed
                conn.execute(
                    "INSERT OR REPLACE INTO conversations (a, b, newest_seq)"
                    " SELECT min(from_addr, to_addr), max(from_addr, to_addr), max(seq)"
                    " FROM messages GROUP BY 1, 2"
                )
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- connections and transactions -------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            conn = self._connect()
            conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL, not FULL: a committed transaction survives a process kill either way; FULL
            # only adds an fsync per commit against OS crashes (see the module docstring).
            conn.execute("PRAGMA synchronous = NORMAL")
            local.conn, local.pid = conn, os.getpid()
            with self._opened_lock:
                self._opened.append(conn)
        conn_: sqlite3.Connection = local.conn
        return conn_

    def _connect(self) -> sqlite3.Connection:
        """A new connection, to the file this store opened first. The first one may create the
        file; later ones (another thread's, a forked worker's) open it only if it is still that
        file: one made after the file was deleted would otherwise create an empty file, or open
        its replacement, and write there."""
        if self._identity is None:
            conn = self._open(self._path, uri=False)
            self._identity = self._file_identity()
            return conn
        try:
            conn = self._open(f"file:{quote(str(Path(self._path).absolute()))}?mode=rw", uri=True)
        except sqlite3.OperationalError as exc:
            if Path(self._path).exists():  # not gone: it cannot be opened (permissions, fds)
                raise StoreUnavailableError(
                    f"The SQLite database file cannot be opened: {exc}; nothing was stored."
                ) from None
            raise _file_gone() from None
        if self._file_identity() != self._identity:
            conn.close()
            raise _file_gone()
        return conn

    def _open(self, database: str, *, uri: bool) -> sqlite3.Connection:
        # isolation_level=None: no implicit transactions; we say BEGIN and COMMIT ourselves.
        # check_same_thread=False only so that close() may close every thread's connection.
        return sqlite3.connect(
            database, timeout=self._timeout, isolation_level=None, check_same_thread=False, uri=uri
        )

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE), or the one this thread already has open."""
        conn = self._conn()
        if conn.in_transaction:  # nested: a manual clock read from inside add() or inbox()
            yield conn
            return
        if not self._writer.acquire(timeout=self._timeout):
            raise StoreUnavailableError(
                f"The SQLite store ({self._path}) stayed busy for {self._timeout:g} s"
                " (--store-timeout): this process's writes queue for its file, which another"
                " process may hold locked. Nothing was stored."
            )
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                if self._file_identity() != self._identity:
                    raise _file_gone()
                conn.execute("COMMIT")
            except BaseException:
                conn.rollback()  # a no-op when the failed statement already ended it
                raise
        finally:
            self._writer.release()

    def _file_identity(self) -> tuple[int, int] | None:
        """(device, inode) of the file at the store's path; None if there is none."""
        try:
            status = Path(self._path).stat()
        except FileNotFoundError:
            return None
        return status.st_dev, status.st_ino

    # -- control state ----------------------------------------------------------------------

    def reading_together(self, keys: Collection[str]) -> AbstractContextManager[None]:
        return nullcontext()  # its reads are local: each as it is asked (StateStore)

    @_failing_as_store
    def get_state(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @_failing_as_store
    def set_state(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))

    @_failing_as_store
    def delete_state(self, key: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM state WHERE key = ?", (key,))

    @_failing_as_store
    def update_state(self, key: str, update: Callable[[str | None], str]) -> str:
        with self._write() as conn:
            value = update(self.get_state(key))
            conn.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))
            return value

    # -- messages ---------------------------------------------------------------------------

    @_failing_as_store
    def add(self, messages: Sequence[NewMessage], now: Now) -> list[StoredMessage]:
        stored: list[StoredMessage] = []
        try:
            with self._write() as conn:
                created = to_us(now())
                last = conn.execute(
                    "SELECT created_at FROM messages ORDER BY seq DESC LIMIT 1"
                ).fetchone()
                if last is not None:
                    created = max(created, last[0])
                stored.extend(self._insert(conn, new, created) for new in messages)
        except sqlite3.IntegrityError as exc:
            raise DuplicateMessageIdError("a message id is already stored") from exc
        return stored

    @staticmethod
    def _insert(conn: sqlite3.Connection, new: NewMessage, created: int) -> StoredMessage:
        arrival = None if new.arrival_delay_us is None else created + new.arrival_delay_us
        values = (
            new.id,
            new.sender_account,
            new.from_addr,
            new.to_addr,
            new.text,
            new.encoding,
            new.segment_count,
            created,
            arrival,
            new.outcome.value,
            int(new.inbound),
        )
        cursor = conn.execute(
            f"INSERT INTO messages ({_COLUMNS.removeprefix('seq, ')})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )
        seq = cursor.lastrowid
        assert seq is not None
        message = _message((seq, *values))
        conn.execute(
            "INSERT INTO conversations (a, b, newest_seq) VALUES (?, ?, ?)"
            " ON CONFLICT (a, b) DO UPDATE SET newest_seq = excluded.newest_seq",
            (*conversation_of(message), seq),
        )
        return message

    @_failing_as_store
    def get(self, id: str) -> StoredMessage | None:
        row = (
            self._conn().execute(f"SELECT {_COLUMNS} FROM messages WHERE id = ?", (id,)).fetchone()
        )
        return None if row is None else _message(row)

    @_failing_as_store
    def inbox(
        self,
        to_addr: str,
        now: Now,
        after: InboxPosition | None,
        limit: int,
        from_addr: str | None = None,
    ) -> list[StoredMessage]:
        where = ["to_addr = ?", "arrival_at <= ?"]
        after_args: tuple[int, ...] = ()
        if from_addr is not None:
            where.insert(1, "from_addr = ?")
        if after is not None:
            where.append("(arrival_at, seq) > (?, ?)")
            after_args = after
        sql = (
            f"SELECT {_COLUMNS} FROM messages WHERE {' AND '.join(where)}"
            " ORDER BY arrival_at, seq LIMIT ?"
        )
        # The write lock, so that no send is half-way between reading the clock and committing
        # while we read ours (see MessageStore).
        with self._write() as conn:
            now_us = to_us(now())
            senders = () if from_addr is None else (from_addr,)
            rows = conn.execute(sql, (to_addr, *senders, now_us, *after_args, limit)).fetchall()
        return [_message(row) for row in rows]

    @_failing_as_store
    def history(
        self,
        viewer: Viewer | None,
        after_seq: int | None,
        limit: int,
        since: int | None = None,
        until: int | None = None,
    ) -> list[StoredMessage]:
        bounds, args, in_range, range_args = _seq_range(after_seq, since, until)
        if viewer is None:
            args += range_args
            sql = f"{bounds}SELECT {_COLUMNS} FROM messages WHERE {in_range} ORDER BY seq LIMIT ?"
        else:
            # One ordered, limited read per index (what the account sent, what was sent to each
            # number it owns), merged by `seq IN`, which also lists each message once.
            numbers = sorted(viewer.numbers)
            reads: list[tuple[str, list[object]]] = [("sender_account = ?", [viewer.account])]
            if len(numbers) > _MAX_MERGED_NUMBERS:
                reads.append((f"to_addr IN ({', '.join('?' * len(numbers))})", [*numbers]))
            else:
                reads += [("to_addr = ?", [number]) for number in numbers]
            selects = []
            for where, keys in reads:
                selects.append(
                    f"SELECT seq FROM (SELECT seq FROM messages WHERE {where} AND {in_range}"
                    " ORDER BY seq LIMIT ?)"
                )
                args += [*keys, *range_args, limit]
            sql = (
                f"{bounds}SELECT {_COLUMNS} FROM messages"
                f" WHERE seq IN ({' UNION ALL '.join(selects)}) ORDER BY seq LIMIT ?"
            )
        rows = self._conn().execute(sql, (*args, limit)).fetchall()
        return [_message(row) for row in rows]

    @_failing_as_store
    def select(
        self,
        which: MessageFilter,
        limit: int,
        after_seq: int | None = None,
        before_seq: int | None = None,
        newest_first: bool = False,
    ) -> list[StoredMessage]:
        order = "DESC" if newest_first else ""
        bounds = "seq > ? AND seq < ?"
        bound_args: list[object] = [after_seq or 0, _END if before_seq is None else before_seq]
        selects: list[str] = []
        args: list[object] = []
        for branch in branches(which, _MAX_MERGED_NUMBERS):
            where = [bounds]
            branch_args = [*bound_args]
            for column, value in branch.items():
                if column == TO_IN:
                    where.append(f"to_addr IN ({', '.join('?' * len(value))})")
                    branch_args += sorted(value)
                else:
                    where.append(f"{column} = ?")
                    branch_args.append(value)
            selects.append(
                f"SELECT seq FROM (SELECT seq FROM messages WHERE {' AND '.join(where)}"
                f" ORDER BY seq {order} LIMIT ?)"
            )
            args += [*branch_args, limit]
        if not selects:
            return []
        sql = (
            f"SELECT {_COLUMNS} FROM messages WHERE seq IN ({' UNION ALL '.join(selects)})"
            f" ORDER BY seq {order} LIMIT ?"
        )
        rows = self._conn().execute(sql, (*args, limit)).fetchall()
        return [_message(row) for row in rows]

    @_failing_as_store
    def conversations(
        self,
        limit: int,
        before_seq: int | None = None,
        after_seq: int | None = None,
        numbers: frozenset[str] | None = None,
    ) -> list[StoredMessage]:
        where = ["c.newest_seq > ?", "c.newest_seq < ?"]
        args: list[object] = [after_seq or 0, _END if before_seq is None else before_seq]
        if numbers is not None:
            marks = ", ".join("?" * len(numbers))
            where.append(f"(c.a IN ({marks}) OR c.b IN ({marks}))")
            args += [*sorted(numbers), *sorted(numbers)]
        prefixed = ", ".join(f"m.{column}" for column in _COLUMNS.split(", "))
        sql = (
            f"SELECT {prefixed} FROM conversations AS c JOIN messages AS m ON m.seq = c.newest_seq"
            f" WHERE {' AND '.join(where)} ORDER BY c.newest_seq DESC LIMIT ?"
        )
        rows = self._conn().execute(sql, (*args, limit)).fetchall()
        return [_message(row) for row in rows]

    @_failing_as_store
    def all(self, from_addr: str | None = None, to_addr: str | None = None) -> list[StoredMessage]:
        where = ["1"]
        args: list[str] = []
        if from_addr is not None:
            where.append("from_addr = ?")
            args.append(from_addr)
        if to_addr is not None:
            where.append("to_addr = ?")
            args.append(to_addr)
        sql = f"SELECT {_COLUMNS} FROM messages WHERE {' AND '.join(where)} ORDER BY seq"
        return [_message(row) for row in self._conn().execute(sql, args).fetchall()]

    @_failing_as_store
    def count(self) -> int:
        count: int = self._conn().execute("SELECT count(*) FROM messages").fetchone()[0]
        return count

    @_failing_as_store
    def reset(self) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM messages")
            conn.execute("DELETE FROM conversations")

    @_failing_as_store
    def forget(self, viewer: Viewer) -> int:
        numbers = sorted(viewer.numbers)
        # Both halves are index reads (messages_sent_by, messages_sent_to).
        which = f"sender_account = ? OR to_addr IN ({', '.join('?' * len(numbers))})"
        with self._write() as conn:
            # The conversations touched (BINARY min/max: Python's order, as conversation_of).
            pairs = conn.execute(
                "SELECT DISTINCT min(from_addr, to_addr), max(from_addr, to_addr)"
                f" FROM messages WHERE {which}",
                (viewer.account, *numbers),
            ).fetchall()
            gone = conn.execute(
                f"DELETE FROM messages WHERE {which}", (viewer.account, *numbers)
            ).rowcount
            # Each points at its newest message left (two reads of messages_pair), or goes.
            # (0 for none: SQLite's max of several is NULL if one is.)
            newest_of = (
                "coalesce((SELECT max(seq) FROM messages WHERE from_addr = ? AND to_addr = ?), 0)"
            )
            for a, b in pairs:
                conn.execute("DELETE FROM conversations WHERE a = ? AND b = ?", (a, b))
                conn.execute(
                    "INSERT INTO conversations (a, b, newest_seq) SELECT ?, ?, newest FROM"
                    f" (SELECT max({newest_of}, {newest_of}) AS newest) WHERE newest > 0",
                    (a, b, a, b, b, a),
                )
            return gone

    def close(self) -> None:
        """Close every thread's connection; the store reopens lazily if used again."""
        with self._opened_lock:
            opened, self._opened = self._opened, []
        self._local = threading.local()
        for conn in opened:
            conn.close()
