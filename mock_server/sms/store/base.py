"""What every message store keeps and answers; `MemoryStore` and `SqliteStore` implement it.

Instants are integers: microseconds since the Unix epoch (see `mock_server.sms.instants`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from mock_server.sms.lifecycle import Outcome
from mock_server.sms.segments import Encoding
from mock_server.sms.state import StateStore

#: How long a call may wait for the store (a lock, the database server) before it fails with
#: `StoreUnavailableError`: `--store-timeout`.
DEFAULT_TIMEOUT_S = 5.0

#: A position in an inbox: (arrival_at, seq) of the last message of a page.
InboxPosition = tuple[int, int]


class DuplicateMessageIdError(ValueError):
    """An id that is already stored (ids are random; this means a bug, not bad luck)."""


class StoreUnavailableError(RuntimeError):
    """The store could not answer within its time limit, or failed (locked, gone, replaced,
    unreachable). Raised instead of the driver's own errors, with a message that names the store
    and never a password; what was being written is not stored (the transaction rolled back).
    The HTTP layer answers it with a 500 problem, without a traceback."""


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A message to store. The store stamps its creation instant and sequence number."""

    id: str
    sender_account: str | None
    from_addr: str
    to_addr: str
    text: str
    encoding: Encoding
    segment_count: int
    outcome: Outcome
    inbound: bool
    #: Microseconds after creation at which it reaches `to_addr`'s inbox; None: never.
    arrival_delay_us: int | None


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A stored message. Slots and int instants keep a million of them well under 1 GB."""

    seq: int
    id: str
    sender_account: str | None
    from_addr: str
    to_addr: str
    text: str
    encoding: Encoding
    segment_count: int
    #: Microseconds since the epoch; never earlier than any message with a lower seq.
    created_at: int
    #: When it reaches `to_addr`'s inbox (microseconds since the epoch); None: never.
    arrival_at: int | None
    outcome: Outcome
    inbound: bool


Now = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Viewer:
    """Whose history to list: the messages `account` sent, and every message sent to one of
    `numbers` (the numbers it owns under the config in force, not when the message was stored)."""

    account: str
    numbers: frozenset[str]


class MessageStore(StateStore, Protocol):
    """Messages, their indexes, and the shared control state.

    `add` and `inbox` take the clock as a function and read it while holding the store's write
    lock. That is what makes paging exact while messages arrive, also across threads and worker
    processes: a message not yet committed when an inbox is read gets a creation instant (hence
    an arrival) at or after the reader's now and a higher seq, so it sorts after every message
    the reader returned and can never fall behind a cursor already handed out.

    `blocks` says whether a call may wait (on a lock, a disk, a network): the HTTP layer runs
    such a store's calls off the event loop, and calls one that never waits (memory) inline.
    """

    blocks: bool

    def add(self, messages: Sequence[NewMessage], now: Now) -> list[StoredMessage]:
        """Store all of `messages` or none of them, in order, with increasing `seq`.

        They share one creation instant: `now()`, raised if need be to the newest stored
        message's, so that creation order and seq order agree even if the wall clock steps
        back. Who may see them is not stored: it follows the config in force at each read.
        """
        ...

    def get(self, id: str) -> StoredMessage | None: ...

    def inbox(
        self,
        to_addr: str,
        now: Now,
        after: InboxPosition | None,
        limit: int,
        from_addr: str | None = None,
    ) -> list[StoredMessage]:
        """Up to `limit` messages that reached `to_addr` by `now()`, ordered by
        (arrival_at, seq), strictly after `after`; only those from `from_addr` if given."""
        ...

    def history(
        self,
        viewer: Viewer | None,
        after_seq: int | None,
        limit: int,
        since: int | None = None,
        until: int | None = None,
    ) -> list[StoredMessage]:
        """Up to `limit` messages of `viewer` in seq order, with seq > `after_seq` and
        `since <= created_at < until`, each once. `viewer=None` means every message (an account
        owning `"*"`), read from the global order. Answered from indexes (by sender account and
        by recipient, in seq order) merged, never by a scan of other accounts' messages."""
        ...

    def all(self, from_addr: str | None = None, to_addr: str | None = None) -> list[StoredMessage]:
        """Every stored message in seq order, optionally only from / to one number."""
        ...

    def count(self) -> int: ...

    def reset(self) -> None:
        """Forget every message (the control state stays; seqs are never reused)."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class ChangeFeed(Protocol):
    """A store that several processes share and that tells each of them when another changed
    something (PostgreSQL's LISTEN/NOTIFY): the inbox page's cues then cover every host."""

    def listen(self, cue: Callable[[str], None]) -> None:
        """From now until `close`, call `cue(topic)` (on a thread of the store's) after each
        change any process commits: messages stored or forgotten, the shared state set."""
        ...
