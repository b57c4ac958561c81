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


@dataclass(frozen=True, slots=True)
class MessageFilter:
    """Which messages a listing keeps; every field given must hold (None: any).

    `number`: sent from or to it. `peer` (only with `number`): only those between `number` and
    `peer`, either way, which is one conversation. `viewer`: what that account may see (it sent
    it, or it was sent to one of its numbers), as in `MessageStore.history`.
    """

    from_addr: str | None = None
    to_addr: str | None = None
    number: str | None = None
    peer: str | None = None
    viewer: Viewer | None = None


def conversation_of(message: StoredMessage | NewMessage) -> tuple[str, str]:
    """The conversation a message belongs to: its two numbers, the lower first (so a reply is
    in the same conversation as what it answers)."""
    a, b = message.from_addr, message.to_addr
    return (a, b) if a <= b else (b, a)


class MessageStore(StateStore, Protocol):
    """Messages, their indexes, and the shared control state.

    `add` and `inbox` take the clock as a function and read it while holding the store's write
    lock. That is what makes paging exact while messages arrive, also across threads and worker
    processes: a message not yet committed when an inbox is read gets a creation instant (hence
    an arrival) at or after the reader's now and a higher seq, so it sorts after every message
    the reader returned and can never fall behind a cursor already handed out.

    `blocks` says whether a call may wait (on a lock, a disk, a network): the HTTP layer runs
    such a store's calls off the event loop, and calls one that never waits (memory) inline.
    `kind` is how answers name it ("the SQLite store ...").
    """

    blocks: bool
    kind: str

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

    def select(
        self,
        which: MessageFilter,
        limit: int,
        after_seq: int | None = None,
        before_seq: int | None = None,
        newest_first: bool = False,
    ) -> list[StoredMessage]:
        """Up to `limit` messages that `which` keeps, with `after_seq < seq < before_seq` (None:
        no bound), in seq order, or newest (highest seq) first if `newest_first`; each once.

        Answered from indexes in seq order (by sender and recipient, by sender, by recipient, by
        sending account, or the global order), one ordered and limited read per alternative
        (`number`: from it, to it; `viewer`: its account, each of its numbers) merged; the
        filters no index serves are checked on the rows read. Never a scan of every message
        for a page of a selective filter.
        """
        ...

    def conversations(
        self,
        limit: int,
        before_seq: int | None = None,
        after_seq: int | None = None,
        numbers: frozenset[str] | None = None,
    ) -> list[StoredMessage]:
        """The newest message of each conversation (`conversation_of`), newest first, up to
        `limit`: those whose newest message has `after_seq < seq < before_seq` (None: no
        bound). `before_seq` pages on (the seq of the last one of the previous page);
        `after_seq` asks what changed since a listing whose newest seq it was. `numbers`: only
        conversations with one of them at either end.

        Kept as an index updated by `add` (conversation -> its newest seq, ordered by that seq)
        and emptied by `reset`, so a page reads `limit` rows (plus, with `numbers`, those of
        other numbers it skips), never every message.
        """
        ...

    def all(self, from_addr: str | None = None, to_addr: str | None = None) -> list[StoredMessage]:
        """Every stored message in seq order, optionally only from / to one number."""
        ...

    def count(self) -> int: ...

    def reset(self) -> None:
        """Forget every message (the control state stays; seqs are never reused)."""
        ...

    def forget(self, viewer: Viewer) -> int:
        """Forget the messages `viewer.account` sent and those sent to one of `viewer.numbers`
        (the scoped `POST /_mock/reset {"account": ...}`), in one transaction; answer how many.
        Every other message, the control state and the seq counter stay as they are."""
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
