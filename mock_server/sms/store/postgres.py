"""The shared store (`--db postgresql://USER:PASSWORD@HOST:PORT/DBNAME`): a PostgreSQL database
that any number of mock processes, on any hosts, use at once, with the semantics of `SqliteStore`.

Durability: a send is answered only after its COMMIT has returned, with the server's default
`synchronous_commit`, so a send answered 200 is in the server's WAL on disk.

Order and exact paging (see `MessageStore`): writers and inbox readers take one transaction-level
advisory lock (`pg_advisory_xact_lock`), as SQLite's writers take its write lock, and read the
clock while holding it. So messages commit in seq order, every reader sees a prefix of the seq
order, and a message not yet committed when an inbox is read sorts after everything it returned.

Schema: versioned migrations (`_MIGRATIONS`), applied at start by one process under a session
advisory lock while the others wait for it; the version is a row of `aatrox_schema`. Tables are
prefixed `aatrox_`, so the database may hold other things.

Change feed (`ChangeFeed`): each transaction that changes messages or the shared state also
sends a NOTIFY on `aatrox_changes` (delivered at its commit, with no extra round trip), and
`listen` relays them from a connection of its own, so the inbox page open on one host is cued
by a send another host answered.

Failures: every wait is bounded by `timeout_s` (`--store-timeout`: the pool's wait for a
connection, and the server's `statement_timeout` and `lock_timeout`); a failing call raises
`StoreUnavailableError`, rolled back, with a message that never holds the password.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

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
from mock_server.sms.store.rows import COLUMNS, END
from mock_server.sms.store.rows import message as _row_message

#: What `--db` starts with to mean PostgreSQL rather than a SQLite file (cli.POSTGRES_SCHEMES).
URL_SCHEMES = ("postgresql://", "postgres://")

#: Each pair of numbers that messages were sent between (ordered as Python orders strings, by
#: code point, which is the "C" collation's order of UTF-8) and the newest seq between them.
_PAIRS_NEWEST = """SELECT least(from_addr COLLATE "C", to_addr COLLATE "C"),
        greatest(from_addr COLLATE "C", to_addr COLLATE "C"), max(seq)
    FROM aatrox_messages GROUP BY 1, 2"""

#: A message stored in one statement: its creation instant is the clock's (read holding the
#: lock) unless the newest message's is later, so `created_at` never goes back in seq order; its
#: conversation points at it. Answers the seq and both instants.
_INSERT = f"""WITH created AS (
        SELECT greatest(%(now)s::bigint, coalesce(
            (SELECT created_at FROM aatrox_messages ORDER BY seq DESC LIMIT 1), 0)) AS at
    ), stored AS (
        INSERT INTO aatrox_messages ({COLUMNS.removeprefix("seq, ")})
        SELECT %(id)s, %(account)s, %(from)s, %(to)s, %(text)s, %(encoding)s, %(segments)s,
            at, at + %(delay)s::bigint, %(outcome)s, %(inbound)s FROM created
        RETURNING seq, created_at, arrival_at
    ), conversation AS (
        INSERT INTO aatrox_conversations (a, b, newest_seq) SELECT %(a)s, %(b)s, seq FROM stored
        ON CONFLICT (a, b) DO UPDATE SET newest_seq = excluded.newest_seq
    )
    SELECT seq, created_at, arrival_at FROM stored"""


def _insert_args(new: NewMessage, now_us: int) -> dict[str, object]:
    a, b = conversation_of(new)
    return {
        "now": now_us,
        "id": new.id,
        "account": new.sender_account,
        "from": new.from_addr,
        "to": new.to_addr,
        "text": new.text.encode(),
        "encoding": new.encoding,
        "segments": new.segment_count,
        "delay": new.arrival_delay_us,
        "outcome": new.outcome.value,
        "inbound": new.inbound,
        "a": a,
        "b": b,
    }


def _stored(new: NewMessage, seq: int, created: int, arrival: int | None) -> StoredMessage:
    return _row_message(
        (seq, new.id, new.sender_account, new.from_addr, new.to_addr, new.text, new.encoding,
         new.segment_count, created, arrival, new.outcome.value, new.inbound)
    )  # fmt: skip


#: Each migration, in order: version N is `_MIGRATIONS[N - 1]`. Append, never edit.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE aatrox_messages (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- never reused, also on reset
            id TEXT NOT NULL UNIQUE,
            sender_account TEXT,
            from_addr TEXT NOT NULL,
            to_addr TEXT NOT NULL,
            text BYTEA NOT NULL,  -- UTF-8: a text may hold NUL, which a TEXT column refuses
            encoding TEXT NOT NULL,
            segment_count INTEGER NOT NULL,
            created_at BIGINT NOT NULL,
            arrival_at BIGINT,
            outcome TEXT NOT NULL,
            inbound BOOLEAN NOT NULL
        )""",
        "CREATE INDEX aatrox_messages_inbox ON aatrox_messages (to_addr, arrival_at, seq)",
        """CREATE INDEX aatrox_messages_inbox_from
            ON aatrox_messages (to_addr, from_addr, arrival_at, seq)""",
        "CREATE INDEX aatrox_messages_created ON aatrox_messages (created_at, seq)",
        "CREATE INDEX aatrox_messages_sent_by ON aatrox_messages (sender_account, seq)",
        "CREATE INDEX aatrox_messages_sent_to ON aatrox_messages (to_addr, seq)",
        "CREATE TABLE aatrox_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    (
        # The request journal, shared by every host (JSON entries, oldest first by id).
        """CREATE TABLE aatrox_journal (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            entry TEXT NOT NULL
        )""",
    ),
    (
        # The inbox page's listings (`select`, `conversations`): SqliteStore's schema version 3.
        "CREATE INDEX aatrox_messages_sent_from ON aatrox_messages (from_addr, seq)",
        "CREATE INDEX aatrox_messages_pair ON aatrox_messages (from_addr, to_addr, seq)",
        # Each conversation (`conversation_of`: the lower number first) and its newest seq.
        """CREATE TABLE aatrox_conversations (
            a TEXT NOT NULL,
            b TEXT NOT NULL,
            newest_seq BIGINT NOT NULL,
            PRIMARY KEY (a, b)
        )""",
        "CREATE INDEX aatrox_conversations_newest ON aatrox_conversations (newest_seq)",
        # Messages stored by version 2 and earlier.
        f"INSERT INTO aatrox_conversations (a, b, newest_seq) {_PAIRS_NEWEST}",
    ),
)
SCHEMA_VERSION = len(_MIGRATIONS)

# Advisory lock keys (any bigint; these spell "aatrox" and a purpose, to stay clear of others').
_MIGRATION_LOCK = 0x6161_7472_6F78_0001
_MESSAGES_LOCK = 0x6161_7472_6F78_0002
_STATE_LOCK = 0x6161_7472_6F78_0003
#: The NOTIFY channel of the change feed, and the topic it carries (events.MESSAGES).
_CHANNEL = "aatrox_changes"
_TOPIC = "messages"
_JOURNAL_TOPIC = "requests"  # events.REQUESTS
#: How often the feed's thread looks whether the store was closed, and waits to reconnect.
_LISTEN_POLL_S = 1.0
#: How long a process waits for another's migrations at start.
_MIGRATION_WAIT_S = 120
#: Past this many owned numbers a history reads them with one `= ANY` instead of one ordered,
#: limited read each.
_MAX_MERGED_NUMBERS = 400
_POOL_SIZE = 10

_P = ParamSpec("_P")
_R = TypeVar("_R")


def is_url(db: str) -> bool:
    return db.startswith(URL_SCHEMES)


def display(url: str) -> str:
    """The database a URL names, for a banner or a log: user, host, port and name, never the
    password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(an unreadable URL)"
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{parts.get('host', '')}{port}/{parts.get('dbname', '')}"


def message(row: tuple[Any, ...]) -> StoredMessage:
    """A row of `COLUMNS` as a message, its text decoded from the column's UTF-8 bytes."""
    return _row_message((*row[:5], bytes(row[5]).decode(), *row[6:]))


def _failing_as_store(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """psycopg's and the pool's errors as `StoreUnavailableError`, the password cut out; a
    unique violation is the caller's to judge (a duplicate id)."""

    @functools.wraps(method)
    def call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except psycopg.errors.UniqueViolation:
            raise
        except psycopg.Error as exc:
            store = args[0]
            assert isinstance(store, PostgresStore)
            raise StoreUnavailableError(store.failure(exc)) from None

    return call


class PostgresStore:
    """A `MessageStore` in a PostgreSQL database; shared by threads, processes and hosts."""

    #: Every call is a round trip to a server: the HTTP layer runs it off the event loop.
    blocks = True
    kind = "PostgreSQL"

    def __init__(self, url: str, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        try:
            self._password = str(conninfo_to_dict(url).get("password") or "")
        except psycopg.ProgrammingError:
            raise StoreUnavailableError("The PostgreSQL URL given as --db is not valid.") from None
        self._display = display(url)
        self._url = url
        self._timeout = timeout_s
        self._closed = threading.Event()
        self._local = threading.local()
        wait_ms = max(1, int(timeout_s * 1000))
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=_POOL_SIZE,
            timeout=timeout_s,
            open=False,
            kwargs={
                "autocommit": True,  # transactions are explicit (`_transaction`)
                "connect_timeout": max(2, round(timeout_s)),
                "options": f"-c statement_timeout={wait_ms} -c lock_timeout={wait_ms}",
                "application_name": "aatrox-sms-mock",
            },
            name="aatrox-sms-mock",
        )
        try:
            self._pool.open(wait=True, timeout=max(timeout_s, 2.0))
            self._migrate()
        except psycopg.Error as exc:
            self._pool.close()
            raise StoreUnavailableError(self.failure(exc)) from None
        except BaseException:  # a schema too new: no pool left open behind the error
            self._pool.close()
            raise

    def failure(self, exc: BaseException) -> str:
        """What a failed call says: the database (no password) and the driver's reason."""
        reason = str(exc).strip() or type(exc).__name__
        if self._password:
            reason = reason.replace(self._password, "***")
        return f"The PostgreSQL store ({self._display}) failed: {reason}"

    def _migrate(self) -> None:
        """Bring the schema to SCHEMA_VERSION, one process at a time (the others wait)."""
        with self._pool.connection() as conn:
            conn.execute(f"SET lock_timeout = {_MIGRATION_WAIT_S * 1000}")
            conn.execute(f"SET statement_timeout = {_MIGRATION_WAIT_S * 1000}")
            conn.execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
            try:
                conn.execute("CREATE TABLE IF NOT EXISTS aatrox_schema (version INTEGER NOT NULL)")
                row = conn.execute("SELECT max(version) FROM aatrox_schema").fetchone()
                version = 0 if row is None or row[0] is None else int(row[0])
                if version > SCHEMA_VERSION:
                    raise StoreUnavailableError(
                        f"The PostgreSQL store ({self._display}) has schema version {version},"
                        f" newer than this mock's {SCHEMA_VERSION}: upgrade the mock."
                    )
                for number in range(version + 1, SCHEMA_VERSION + 1):
                    with conn.transaction():
                        for statement in _MIGRATIONS[number - 1]:
                            conn.execute(statement)
                        conn.execute("INSERT INTO aatrox_schema (version) VALUES (%s)", (number,))
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))
                conn.execute("RESET lock_timeout")
                conn.execute("RESET statement_timeout")

    # -- connections and transactions -------------------------------------------------------

    @contextmanager
    def _transaction(self, lock: int, *, writes: bool = True) -> Iterator[psycopg.Connection[Any]]:
        """A transaction holding the advisory lock `lock`, or the one this thread already has
        open (a manual clock read from inside add() or inbox()), then taking `lock` too. One
        that `writes` cues the change feed when it commits."""
        current: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if current is not None:
            current.execute("SELECT pg_advisory_xact_lock(%s)", (lock,))
            yield current
            return
        with self._pool.connection() as conn, conn.transaction():
            self._local.conn = conn
            try:
                if writes:  # a NOTIFY is sent at COMMIT, only if it commits: the feed's cue
                    conn.execute(
                        "SELECT pg_advisory_xact_lock(%s), pg_notify(%s, %s)",
                        (lock, _CHANNEL, _TOPIC),
                    )
                else:
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock,))
                yield conn
            finally:
                self._local.conn = None

    @contextmanager
    def _reading(self) -> Iterator[psycopg.Connection[Any]]:
        """The thread's open transaction, or a connection for one statement (autocommit)."""
        current: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        with self._pool.connection() as conn:
            yield conn

    # -- control state ----------------------------------------------------------------------

    @contextmanager
    def reading_together(self, keys: Collection[str]) -> Iterator[None]:
        """One statement reads `keys`; this thread's `get_state` of them answers from it until
        the block ends, unless it writes one (then that key is read anew)."""
        wanted = sorted(keys)
        rows = self._read_states(wanted)
        outer = getattr(self._local, "states", None)
        states: dict[str, str | None] = dict.fromkeys(wanted)
        self._local.states = states | dict(rows)
        try:
            yield
        finally:
            self._local.states = outer

    @_failing_as_store
    def _read_states(self, keys: list[str]) -> list[tuple[str, str]]:
        with self._reading() as conn:
            found = conn.execute(
                "SELECT key, value FROM aatrox_state WHERE key = ANY(%s)", (keys,)
            ).fetchall()
        return [(str(key), str(value)) for key, value in found]

    def _forget_read(self, key: str) -> None:
        states: dict[str, str | None] | None = getattr(self._local, "states", None)
        if states is not None:
            states.pop(key, None)

    @_failing_as_store
    def get_state(self, key: str) -> str | None:
        states: dict[str, str | None] | None = getattr(self._local, "states", None)
        if states is not None and key in states:
            return states[key]
        with self._reading() as conn:
            row = conn.execute("SELECT value FROM aatrox_state WHERE key = %s", (key,)).fetchone()
        return None if row is None else str(row[0])

    @_failing_as_store
    def set_state(self, key: str, value: str) -> None:
        self._forget_read(key)
        with self._transaction(_STATE_LOCK) as conn:
            self._put(conn, key, value)

    @_failing_as_store
    def delete_state(self, key: str) -> None:
        self._forget_read(key)
        with self._transaction(_STATE_LOCK) as conn:
            conn.execute("DELETE FROM aatrox_state WHERE key = %s", (key,))

    @_failing_as_store
    def update_state(self, key: str, update: Callable[[str | None], str]) -> str:
        self._forget_read(key)
        with self._transaction(_STATE_LOCK) as conn:
            value = update(self.get_state(key))
            self._put(conn, key, value)
            return value

    @staticmethod
    def _put(conn: psycopg.Connection[Any], key: str, value: str) -> None:
        conn.execute(
            "INSERT INTO aatrox_state (key, value) VALUES (%s, %s)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- messages ---------------------------------------------------------------------------

    @_failing_as_store
    def add(self, messages: Sequence[NewMessage], now: Now) -> list[StoredMessage]:
        try:
            with self._transaction(_MESSAGES_LOCK) as conn:
                created = to_us(now())  # read holding the lock (see the module's docstring)
                args = [_insert_args(new, created) for new in messages]
                with conn.cursor() as cursor:
                    rows: list[tuple[int, int, int | None]] = []
                    if len(args) == 1:  # most sends: a pipeline would cost more than it saves
                        rows.extend(cursor.execute(_INSERT, args[0]).fetchall())
                    else:
                        # One statement a message, sent together (psycopg pipelines
                        # executemany): the round trips made holding the lock are what limits
                        # the sends a second.
                        cursor.executemany(_INSERT, args, returning=True)
                        while True:
                            rows.extend(cursor.fetchall())
                            if not cursor.nextset():
                                break
                return [_stored(new, *row) for new, row in zip(messages, rows, strict=True)]
        except psycopg.errors.UniqueViolation as exc:
            raise DuplicateMessageIdError("a message id is already stored") from exc

    @_failing_as_store
    def get(self, id: str) -> StoredMessage | None:
        with self._reading() as conn:
            row = conn.execute(
                f"SELECT {COLUMNS} FROM aatrox_messages WHERE id = %s", (id,)
            ).fetchone()
        return None if row is None else message(row)

    @_failing_as_store
    def inbox(
        self,
        to_addr: str,
        now: Now,
        after: InboxPosition | None,
        limit: int,
        from_addr: str | None = None,
    ) -> list[StoredMessage]:
        where = ["to_addr = %s", "arrival_at <= %s"]
        after_args: tuple[int, ...] = ()
        if from_addr is not None:
            where.insert(1, "from_addr = %s")
        if after is not None:
            where.append("(arrival_at, seq) > (%s, %s)")
            after_args = after
        sql = (
            f"SELECT {COLUMNS} FROM aatrox_messages WHERE {' AND '.join(where)}"
            " ORDER BY arrival_at, seq LIMIT %s"
        )
        # The writers' lock, so that no send is half-way between reading the clock and
        # committing while we read ours (see MessageStore).
        with self._transaction(_MESSAGES_LOCK, writes=False) as conn:
            now_us = to_us(now())
            senders = () if from_addr is None else (from_addr,)
            rows = conn.execute(sql, (to_addr, *senders, now_us, *after_args, limit)).fetchall()
        return [message(row) for row in rows]

    @_failing_as_store
    def history(
        self,
        viewer: Viewer | None,
        after_seq: int | None,
        limit: int,
        since: int | None = None,
        until: int | None = None,
    ) -> list[StoredMessage]:
        with self._snapshot(since is not None or until is not None) as conn:
            low, high = self._seq_bounds(conn, after_seq, since, until)
            sql, args = self._history_sql(viewer, low, high, limit)
            rows = conn.execute(sql, args).fetchall()
        return [message(row) for row in rows]

    @staticmethod
    def _history_sql(
        viewer: Viewer | None, low: int, high: int, limit: int
    ) -> tuple[str, list[object]]:
        in_range = "seq > %s AND seq < %s"
        if viewer is None:
            sql = f"SELECT {COLUMNS} FROM aatrox_messages WHERE {in_range} ORDER BY seq LIMIT %s"
            return sql, [low, high, limit]
        # One ordered, limited read per index (what the account sent, what was sent to each
        # number it owns), merged by `seq IN`, which also lists each message once.
        numbers = sorted(viewer.numbers)
        reads: list[tuple[str, object]] = [("sender_account = %s", viewer.account)]
        if len(numbers) > _MAX_MERGED_NUMBERS:
            reads.append(("to_addr = ANY(%s)", numbers))
        else:
            reads += [("to_addr = %s", number) for number in numbers]
        selects = []
        args: list[object] = []
        for index, (where, key) in enumerate(reads):
            selects.append(
                f"SELECT seq FROM (SELECT seq FROM aatrox_messages WHERE {where}"
                f" AND {in_range} ORDER BY seq LIMIT %s) AS read_{index}"
            )
            args += [key, low, high, limit]
        sql = (
            f"SELECT {COLUMNS} FROM aatrox_messages"
            f" WHERE seq IN ({' UNION ALL '.join(selects)}) ORDER BY seq LIMIT %s"
        )
        return sql, [*args, limit]

    @contextmanager
    def _snapshot(self, needed: bool) -> Iterator[psycopg.Connection[Any]]:
        """A connection whose statements all see one snapshot (a repeatable-read transaction)
        when `needed`, else one for a single statement."""
        if not needed:
            with self._reading() as conn:
                yield conn
            return
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield conn

    @staticmethod
    def _seq_bounds(
        conn: psycopg.Connection[Any], after_seq: int | None, since: int | None, until: int | None
    ) -> tuple[int, int]:
        """seq > low and seq < high for seq > after_seq and since <= created < until.

        created_at never decreases with seq (see `add`), so an instant is a seq: the first seq
        created at or after it, the head of the created_at index, so O(log n). Read in the
        page's snapshot, so a message committed meanwhile is in neither or both.
        """

        def first(instant: int) -> int:
            row = conn.execute(
                "SELECT seq FROM aatrox_messages WHERE created_at >= %s"
                " ORDER BY created_at, seq LIMIT 1",
                (instant,),
            ).fetchone()
            return END if row is None else int(row[0])

        low, high = after_seq or 0, END
        if since is not None:
            low = max(low, first(since) - 1)
        if until is not None:
            high = first(until)
        return low, high

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
        bound_args: list[object] = [after_seq or 0, END if before_seq is None else before_seq]
        selects: list[str] = []
        args: list[object] = []
        # One ordered, limited read per alternative, each on the index of its columns (see
        # filters), merged by `seq IN`, which also lists each message once.
        for index, branch in enumerate(branches(which, _MAX_MERGED_NUMBERS)):
            where = ["seq > %s AND seq < %s"]
            branch_args = [*bound_args]
            for column, value in branch.items():
                if column == TO_IN:
                    where.append("to_addr = ANY(%s)")
                    branch_args.append(sorted(value))
                else:
                    where.append(f"{column} = %s")
                    branch_args.append(value)
            selects.append(
                f"SELECT seq FROM (SELECT seq FROM aatrox_messages WHERE {' AND '.join(where)}"
                f" ORDER BY seq {order} LIMIT %s) AS read_{index}"
            )
            args += [*branch_args, limit]
        if not selects:  # filters that contradict each other
            return []
        sql = (
            f"SELECT {COLUMNS} FROM aatrox_messages WHERE seq IN ({' UNION ALL '.join(selects)})"
            f" ORDER BY seq {order} LIMIT %s"
        )
        with self._reading() as conn:
            rows = conn.execute(sql, (*args, limit)).fetchall()
        return [message(row) for row in rows]

    @_failing_as_store
    def conversations(
        self,
        limit: int,
        before_seq: int | None = None,
        after_seq: int | None = None,
        numbers: frozenset[str] | None = None,
    ) -> list[StoredMessage]:
        where = ["c.newest_seq > %s", "c.newest_seq < %s"]
        args: list[object] = [after_seq or 0, END if before_seq is None else before_seq]
        if numbers is not None:
            where.append("(c.a = ANY(%s) OR c.b = ANY(%s))")
            args += [sorted(numbers), sorted(numbers)]
        prefixed = ", ".join(f"m.{column}" for column in COLUMNS.split(", "))
        # Walks the newest_seq index backwards: `limit` rows (plus those `numbers` skips).
        sql = (
            f"SELECT {prefixed} FROM aatrox_conversations AS c"
            " JOIN aatrox_messages AS m ON m.seq = c.newest_seq"
            f" WHERE {' AND '.join(where)} ORDER BY c.newest_seq DESC LIMIT %s"
        )
        with self._reading() as conn:
            rows = conn.execute(sql, (*args, limit)).fetchall()
        return [message(row) for row in rows]

    @_failing_as_store
    def all(self, from_addr: str | None = None, to_addr: str | None = None) -> list[StoredMessage]:
        where = ["TRUE"]
        args: list[str] = []
        if from_addr is not None:
            where.append("from_addr = %s")
            args.append(from_addr)
        if to_addr is not None:
            where.append("to_addr = %s")
            args.append(to_addr)
        sql = f"SELECT {COLUMNS} FROM aatrox_messages WHERE {' AND '.join(where)} ORDER BY seq"
        with self._reading() as conn:
            return [message(row) for row in conn.execute(sql, args).fetchall()]

    @_failing_as_store
    def count(self) -> int:
        with self._reading() as conn:
            row = conn.execute("SELECT count(*) FROM aatrox_messages").fetchone()
        return 0 if row is None else int(row[0])

    @_failing_as_store
    def reset(self) -> None:
        with self._transaction(_MESSAGES_LOCK) as conn:
            # TRUNCATE keeps the identity going (CONTINUE IDENTITY): seqs are never reused.
            conn.execute("TRUNCATE aatrox_messages, aatrox_conversations")

    @_failing_as_store
    def forget(self, viewer: Viewer) -> int:
        # Both halves are index reads (aatrox_messages_sent_by, aatrox_messages_sent_to); the
        # answer is each conversation touched, with how many of its messages went.
        forget = (
            "WITH gone AS (DELETE FROM aatrox_messages"
            " WHERE sender_account = %s OR to_addr = ANY(%s) RETURNING from_addr, to_addr)"
            ' SELECT least(from_addr COLLATE "C", to_addr COLLATE "C"),'
            ' greatest(from_addr COLLATE "C", to_addr COLLATE "C"), count(*)'
            " FROM gone GROUP BY 1, 2"
        )
        with self._transaction(_MESSAGES_LOCK) as conn:
            rows = conn.execute(forget, (viewer.account, sorted(viewer.numbers))).fetchall()
            if rows:
                self._renew_conversations(conn, [(str(a), str(b)) for a, b, _ in rows])
        return sum(int(row[2]) for row in rows)

    @staticmethod
    def _renew_conversations(conn: psycopg.Connection[Any], pairs: list[tuple[str, str]]) -> None:
        """Point each of the conversations `pairs` at its newest message still stored (two
        reads of the pair index each), or drop it if none is left."""
        listed = "unnest(%s::text[], %s::text[]) AS p (a, b)"
        args = ([a for a, _ in pairs], [b for _, b in pairs])
        conn.execute(
            f"DELETE FROM aatrox_conversations AS c USING {listed} WHERE c.a = p.a AND c.b = p.b",
            args,
        )
        conn.execute(
            "INSERT INTO aatrox_conversations (a, b, newest_seq)"
            " SELECT a, b, newest FROM (SELECT p.a, p.b, greatest("
            "(SELECT max(seq) FROM aatrox_messages WHERE from_addr = p.a AND to_addr = p.b),"
            "(SELECT max(seq) FROM aatrox_messages WHERE from_addr = p.b AND to_addr = p.a)"
            f") AS newest FROM {listed}) AS renewed WHERE newest IS NOT NULL",
            args,
        )

    # -- the request journal (mock_server.inbox.shared_journal) ------------------------------

    @_failing_as_store
    def journal_append(self, entries: Sequence[str], size: int) -> None:
        """Append JSON `entries`, keep the newest `size`, and cue every host's journal pane: two
        statements, whatever the number of entries (the trim need not be atomic with the append:
        `journal_entries` reads the newest `size` anyway)."""
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO aatrox_journal (entry) SELECT unnest(%s::text[])", (list(entries),)
            )
            conn.execute(
                "WITH trimmed AS (DELETE FROM aatrox_journal"
                " WHERE id <= (SELECT max(id) FROM aatrox_journal) - %s RETURNING 1)"
                " SELECT pg_notify(%s, %s)",
                (size, _CHANNEL, _JOURNAL_TOPIC),
            )

    @_failing_as_store
    def journal_entries(self, size: int) -> list[str]:
        """The newest `size` JSON entries, newest first."""
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT entry FROM aatrox_journal ORDER BY id DESC LIMIT %s", (size,)
            ).fetchall()
        return [str(row[0]) for row in rows]

    @_failing_as_store
    def journal_clear(self) -> None:
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("DELETE FROM aatrox_journal")
            conn.execute("SELECT pg_notify(%s, %s)", (_CHANNEL, _JOURNAL_TOPIC))

    # -- change feed ------------------------------------------------------------------------

    def listen(self, cue: Callable[[str], None]) -> None:
        threading.Thread(
            target=self._relay, args=(cue,), name="aatrox-changes", daemon=True
        ).start()

    def _relay(self, cue: Callable[[str], None]) -> None:
        """LISTEN on a connection of its own, reconnecting after a failure, until `close`."""
        while not self._closed.is_set():
            try:
                with psycopg.connect(
                    self._url, autocommit=True, connect_timeout=max(2, round(self._timeout))
                ) as conn:
                    conn.execute(f"LISTEN {_CHANNEL}")
                    while not self._closed.is_set():
                        for notice in conn.notifies(timeout=_LISTEN_POLL_S):
                            cue(notice.payload)
            except psycopg.Error:
                # The database went away: the next connect retries; a page reloads on its own.
                self._closed.wait(_LISTEN_POLL_S)

    def close(self) -> None:
        self._closed.set()
        self._pool.close()
