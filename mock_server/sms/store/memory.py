"""The default store: plain dicts and sorted lists in this process's memory.

Every query is answered from an index, never by a scan of all messages: by id from a dict;
an inbox from that recipient's list (or that recipient-and-sender's list) sorted by
(arrival_at, seq), with bisect; a history from the lists, in seq order, of the messages the
account sent and of those sent to each number it owns, merged; or from the global list for
accounts owning "*".
"""

from __future__ import annotations

import sys
import threading
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Collection, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from itertools import chain
from operator import attrgetter

from mock_server.sms.instants import to_us
from mock_server.sms.store.base import (
    DuplicateMessageIdError,
    InboxPosition,
    MessageFilter,
    NewMessage,
    Now,
    StoredMessage,
    Viewer,
    conversation_of,
)
from mock_server.sms.store.filters import FROM, SENDER, TO, Branch, branches, holds

#: Conversations: past this many stale entries (and more than live ones) the log is rebuilt.
_MIN_COMPACTION = 1024


def _inbox_key(message: StoredMessage) -> tuple[int, int]:
    # Inbox lists hold only messages that arrive, so arrival_at is never None here; `or 0`
    # only satisfies the type (and maps 0 to 0).
    return message.arrival_at or 0, message.seq


def _arrival(message: StoredMessage) -> int:
    return message.arrival_at or 0


_SEQ = attrgetter("seq")


def _seq(message: StoredMessage) -> int:
    return message.seq


def _created(message: StoredMessage) -> int:
    return message.created_at


def _insert(inbox: list[StoredMessage], message: StoredMessage) -> None:
    # Arrivals come nearly in order (creation + a fixed delay), so this is almost always append.
    if not inbox or _inbox_key(inbox[-1]) <= _inbox_key(message):
        inbox.append(message)
    else:
        insort(inbox, message, key=_inbox_key)


def _window(
    listed: list[StoredMessage],
    after_seq: int | None,
    limit: int,
    since: int | None,
    until: int | None,
) -> list[StoredMessage]:
    """Up to `limit` of a list in seq order: seq > `after_seq`, since <= created < until."""
    start = 0 if after_seq is None else bisect_right(listed, after_seq, key=_seq)
    # created_at never decreases with seq (see `add`), so the bounds are bisectable too.
    if since is not None:
        start = max(start, bisect_left(listed, since, key=_created))
    end = len(listed) if until is None else bisect_left(listed, until, key=_created)
    return listed[start : min(end, start + limit)]


def _merged(lists: Iterable[list[StoredMessage]], limit: int) -> list[StoredMessage]:
    """The first `limit` messages of lists each in seq order, in seq order, each once (a
    message someone sent to a number they own is in two lists). Sorting the short windows in C
    cost a quarter of a lazy heap merge."""
    ordered = sorted(chain.from_iterable(lists), key=_SEQ)
    return list({message.seq: message for message in ordered}.values())[:limit]


def _read(
    listed: list[StoredMessage],
    branch: Branch,
    limit: int,
    after_seq: int | None,
    before_seq: int | None,
    newest_first: bool,
) -> list[StoredMessage]:
    """Up to `limit` of a list in seq order that `branch` keeps, in the bounds, from the end
    `newest_first` says."""
    start = 0 if after_seq is None else bisect_right(listed, after_seq, key=_seq)
    end = len(listed) if before_seq is None else bisect_left(listed, before_seq, key=_seq)
    order = range(end - 1, start - 1, -1) if newest_first else range(start, end)
    found: list[StoredMessage] = []
    for index in order:
        message = listed[index]
        if holds(branch, message):
            found.append(message)
            if len(found) == limit:
                break
    return found


class MemoryStore:
    """A `MessageStore` in memory; safe to share between threads (one re-entrant lock)."""

    #: Its calls take microseconds and never wait on I/O: served inline, on the event loop.
    blocks = False
    kind = "memory"

    def __init__(self) -> None:
        # Re-entrant: `add` and `inbox` call the clock under the lock, and a manual clock reads
        # its instant from this very store.
        self._lock = threading.RLock()
        self._state: dict[str, str] = {}
        self._next_seq = 1
        self._all: list[StoredMessage] = []
        self._by_id: dict[str, StoredMessage] = {}
        self._inboxes: dict[str, list[StoredMessage]] = {}
        self._inboxes_from: dict[str, dict[str, list[StoredMessage]]] = {}
        # History indexes, each in seq order: by sending account, and by recipient.
        self._sent_by: dict[str, list[StoredMessage]] = {}
        self._sent_to: dict[str, list[StoredMessage]] = {}
        # Listing indexes, each in seq order: by sending number, and by (from, to).
        self._sent_from: dict[str, list[StoredMessage]] = {}
        self._pairs: dict[tuple[str, str], list[StoredMessage]] = {}
        # Conversations: each one's newest message, and a log in seq order of messages that
        # were a conversation's newest when stored; an entry is stale once its conversation has
        # a newer one (skipped when read; the log is rebuilt when stale entries dominate).
        self._newest: dict[tuple[str, str], StoredMessage] = {}
        self._conversation_log: list[StoredMessage] = []

    # -- control state ----------------------------------------------------------------------

    def reading_together(self, keys: Collection[str]) -> AbstractContextManager[None]:
        return nullcontext()  # its reads are local: each as it is asked (StateStore)

    def get_state(self, key: str) -> str | None:
        with self._lock:
            return self._state.get(key)

    def set_state(self, key: str, value: str) -> None:
        with self._lock:
            self._state[key] = value

    def delete_state(self, key: str) -> None:
        with self._lock:
            self._state.pop(key, None)

    def update_state(self, key: str, update: Callable[[str | None], str]) -> str:
        with self._lock:
            value = update(self._state.get(key))
            self._state[key] = value
            return value

    # -- messages ---------------------------------------------------------------------------

    def add(self, messages: Sequence[NewMessage], now: Now) -> list[StoredMessage]:
        with self._lock:
            ids = [message.id for message in messages]
            if len(set(ids)) != len(ids) or any(id_ in self._by_id for id_ in ids):
                raise DuplicateMessageIdError("a message id is already stored")
            created = to_us(now())
            if self._all:
                created = max(created, self._all[-1].created_at)
            return [self._store(new, created) for new in messages]

    def _store(self, new: NewMessage, created: int) -> StoredMessage:
        # Interned numbers and account names: a million messages between a few numbers hold a
        # few strings, not millions of copies.
        intern = sys.intern
        sender = None if new.sender_account is None else intern(new.sender_account)
        arrival = None if new.arrival_delay_us is None else created + new.arrival_delay_us
        message = StoredMessage(
            seq=self._next_seq,
            id=new.id,
            sender_account=sender,
            from_addr=intern(new.from_addr),
            to_addr=intern(new.to_addr),
            text=new.text,
            encoding=new.encoding,
            segment_count=new.segment_count,
            created_at=created,
            arrival_at=arrival,
            outcome=new.outcome,
            inbound=new.inbound,
        )
        self._next_seq += 1
        self._all.append(message)
        self._by_id[message.id] = message
        if arrival is not None:
            _insert(self._inboxes.setdefault(message.to_addr, []), message)
            by_sender = self._inboxes_from.setdefault(message.to_addr, {})
            _insert(by_sender.setdefault(message.from_addr, []), message)
        if sender is not None:
            self._sent_by.setdefault(sender, []).append(message)
        self._sent_to.setdefault(message.to_addr, []).append(message)
        self._sent_from.setdefault(message.from_addr, []).append(message)
        self._pairs.setdefault((message.from_addr, message.to_addr), []).append(message)
        self._newest[conversation_of(message)] = message
        self._conversation_log.append(message)
        if len(self._conversation_log) > 2 * len(self._newest) + _MIN_COMPACTION:
            newest = self._newest
            self._conversation_log = [
                m for m in self._conversation_log if newest[conversation_of(m)] is m
            ]
        return message

    def get(self, id: str) -> StoredMessage | None:
        with self._lock:
            return self._by_id.get(id)

    def inbox(
        self,
        to_addr: str,
        now: Now,
        after: InboxPosition | None,
        limit: int,
        from_addr: str | None = None,
    ) -> list[StoredMessage]:
        with self._lock:
            now_us = to_us(now())
            if from_addr is None:
                inbox = self._inboxes.get(to_addr, [])
            else:
                inbox = self._inboxes_from.get(to_addr, {}).get(from_addr, [])
            start = 0 if after is None else bisect_right(inbox, after, key=_inbox_key)
            end = bisect_right(inbox, now_us, key=_arrival)
            return inbox[start : min(end, start + limit)]

    def history(
        self,
        viewer: Viewer | None,
        after_seq: int | None,
        limit: int,
        since: int | None = None,
        until: int | None = None,
    ) -> list[StoredMessage]:
        with self._lock:
            if viewer is None:
                indexes = [self._all]
            else:
                sent_to = self._sent_to
                indexes = [self._sent_by.get(viewer.account, [])]
                indexes += [sent_to[number] for number in viewer.numbers if number in sent_to]
            pages = [_window(listed, after_seq, limit, since, until) for listed in indexes]
            return pages[0] if len(pages) == 1 else _merged(pages, limit)

    def _index(self, branch: Branch) -> list[StoredMessage]:
        """The list in seq order that holds every message `branch` may keep, the shortest known."""
        from_addr, to_addr, sender = branch.get(FROM), branch.get(TO), branch.get(SENDER)
        if isinstance(from_addr, str) and isinstance(to_addr, str):
            return self._pairs.get((from_addr, to_addr), [])
        if isinstance(from_addr, str):
            return self._sent_from.get(from_addr, [])
        if isinstance(to_addr, str):
            return self._sent_to.get(to_addr, [])
        if isinstance(sender, str):
            return self._sent_by.get(sender, [])
        return self._all

    def select(
        self,
        which: MessageFilter,
        limit: int,
        after_seq: int | None = None,
        before_seq: int | None = None,
        newest_first: bool = False,
    ) -> list[StoredMessage]:
        with self._lock:
            pages = [
                _read(self._index(b), b, limit, after_seq, before_seq, newest_first)
                for b in branches(which)
            ]
        if len(pages) == 1:
            return pages[0]
        ordered = sorted(chain.from_iterable(pages), key=_SEQ, reverse=newest_first)
        return list({message.seq: message for message in ordered}.values())[:limit]

    def conversations(
        self,
        limit: int,
        before_seq: int | None = None,
        after_seq: int | None = None,
        numbers: frozenset[str] | None = None,
    ) -> list[StoredMessage]:
        found: list[StoredMessage] = []
        with self._lock:
            log, newest = self._conversation_log, self._newest
            start = 0 if after_seq is None else bisect_right(log, after_seq, key=_seq)
            end = len(log) if before_seq is None else bisect_left(log, before_seq, key=_seq)
            for index in range(end - 1, start - 1, -1):
                message = log[index]
                if newest[conversation_of(message)] is not message:
                    continue
                if numbers is not None and not (
                    message.from_addr in numbers or message.to_addr in numbers
                ):
                    continue
                found.append(message)
                if len(found) == limit:
                    break
        return found

    def all(self, from_addr: str | None = None, to_addr: str | None = None) -> list[StoredMessage]:
        with self._lock:
            return [
                message
                for message in self._all
                if (from_addr is None or message.from_addr == from_addr)
                and (to_addr is None or message.to_addr == to_addr)
            ]

    def count(self) -> int:
        with self._lock:
            return len(self._all)

    def reset(self) -> None:
        with self._lock:
            self._all = []
            self._by_id = {}
            self._inboxes = {}
            self._inboxes_from = {}
            self._sent_by = {}
            self._sent_to = {}
            self._sent_from = {}
            self._pairs = {}
            self._newest = {}
            self._conversation_log = []

    def forget(self, viewer: Viewer) -> int:
        def kept(message: StoredMessage) -> bool:
            return (
                message.sender_account != viewer.account and message.to_addr not in viewer.numbers
            )

        def filtered(index: dict[str, list[StoredMessage]]) -> dict[str, list[StoredMessage]]:
            # Filtering keeps each list's order; emptied lists go, like a fresh store's.
            lists = {key: [m for m in listed if kept(m)] for key, listed in index.items()}
            return {key: listed for key, listed in lists.items() if listed}

        with self._lock:
            before = len(self._all)
            self._all = [message for message in self._all if kept(message)]
            self._by_id = {message.id: message for message in self._all}
            self._inboxes = filtered(self._inboxes)
            self._inboxes_from = {
                to: by_sender
                for to, senders in self._inboxes_from.items()
                if (by_sender := filtered(senders))
            }
            self._sent_by = filtered(self._sent_by)
            self._sent_to = filtered(self._sent_to)
            # The listings' indexes too, or select() and conversations() would still show
            # what was forgotten.
            self._sent_from = filtered(self._sent_from)
            pairs = {pair: [m for m in listed if kept(m)] for pair, listed in self._pairs.items()}
            self._pairs = {pair: listed for pair, listed in pairs.items() if listed}
            newest: dict[tuple[str, str], StoredMessage] = {}
            for message in self._all:  # seq order: the last one of a conversation stays
                newest[conversation_of(message)] = message
            self._newest = newest
            self._conversation_log = [m for m in self._all if newest[conversation_of(m)] is m]
            return before - len(self._all)

    def close(self) -> None:
        """Nothing to release."""
