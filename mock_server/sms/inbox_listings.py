"""The control API's listings, paged so that the inbox page scales: every stored message (filtered
by number and account, either order) and the conversations, newest first.

A conversation is a pair of numbers, whichever way its messages went (`conversation_of`). Who
the phone is and which number is the app's follows its newest message: the sender of an inbound
message and the recipient of an outbound one are the phone.

Each listing reads one page from the store's indexes, never every message. "What changed since"
is `changed_after`: the conversations whose newest message has a higher seq than the newest the
reader saw. Seqs are shown here (unlike the public API, whose cursors hide them): the control API
already lists every account's messages. A reset forgets messages but never reuses seqs, so a
reader learns of it from `epoch`, which every reset changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mock_server.sms.accounts import Account
from mock_server.sms.checks import check_number, raise_if
from mock_server.sms.errors import FieldError
from mock_server.sms.instants import to_us
from mock_server.sms.paging import InvalidCursor, listing
from mock_server.sms.service import SmsService, history_viewer
from mock_server.sms.store.base import MessageFilter, StoredMessage, Viewer, conversation_of
from mock_server.sms.views import Timeline, timeline

#: The largest page of `GET /_mock/messages` (its default too, so that callers written before it
#: was paged get everything from a small store in one answer).
MESSAGES_PAGE_MAX = 1000
#: The largest page of `GET /_mock/conversations`.
CONVERSATIONS_PAGE_MAX = 200
#: The store's state key of the reset epoch.
EPOCH_KEY = "inbox.epoch"


@dataclass(frozen=True)
class MessagesPage:
    items: tuple[Timeline, ...]
    next_cursor: str | None


@dataclass(frozen=True)
class Conversation:
    numbers: tuple[str, str]
    phone: str
    app: str
    newest_seq: int
    newest: Timeline


@dataclass(frozen=True)
class ConversationsPage:
    items: tuple[Conversation, ...]
    next_cursor: str | None
    epoch: int


def _check_limit(errors: list[FieldError], limit: int, largest: int) -> None:
    if not 1 <= limit <= largest:
        errors.append(FieldError("limit", f"must be from 1 to {largest}, not {limit}"))


class InboxListings:
    """`account_named` finds an account in force now (configured or made at run time)."""

    def __init__(self, sms: SmsService, account_named: Callable[[str], Account | None]) -> None:
        self._sms = sms
        self._account_named = account_named

    def _account_scope(self, errors: list[FieldError], name: str | None) -> Viewer | bool | None:
        """The viewer of account `name` (None: it owns every number); False: no account asked."""
        if name is None:
            return False
        account = self._account_named(name)
        if account is None:
            errors.append(FieldError("account", f"there is no account named {name!r}"))
            return False
        return history_viewer(account)

    def _timelines(self, rows: list[StoredMessage]) -> tuple[Timeline, ...]:
        now_us, config = to_us(self._sms.clock.now()), self._sms.config
        disclaimers = self._sms.disclaimers()
        return tuple(timeline(m, now_us, config.lifecycle, disclaimers) for m in rows)

    def _after(self, cursor: str | None, query: str) -> int | None:
        if cursor is None:
            return None
        position = self._sms.cursors.decode(cursor, query)
        if len(position) != 1:
            raise InvalidCursor
        return position[0]

    def messages(
        self,
        *,
        limit: int = MESSAGES_PAGE_MAX,
        cursor: str | None = None,
        from_addr: str | None = None,
        to_addr: str | None = None,
        number: str | None = None,
        peer: str | None = None,
        account: str | None = None,
        newest_first: bool = False,
    ) -> MessagesPage:
        """One page of the messages every given filter keeps, by seq (oldest first unless
        `newest_first`). `number`: from or to it; `peer` (with `number`): only those between
        the two; `account`: what that account may see (it sent it, or it went to its numbers)."""
        errors: list[FieldError] = []
        _check_limit(errors, limit, MESSAGES_PAGE_MAX)
        for field, value in (("from", from_addr), ("to", to_addr), ("number", number)):
            if value is not None:
                check_number(errors, field, value)
        if peer is not None:
            check_number(errors, "peer", peer)
            if number is None:
                errors.append(FieldError("peer", "needs `number`: the other end of the pair"))
        scope = self._account_scope(errors, account)
        raise_if(errors)
        which = MessageFilter(
            from_addr, to_addr, number, peer, None if isinstance(scope, bool) else scope
        )
        order = "newest" if newest_first else "oldest"
        query = listing("control-messages", from_addr, to_addr, number, peer, account, order)
        seq = self._after(cursor, query)
        after, before = (None, seq) if newest_first else (seq, None)
        rows = self._sms.store.select(which, limit + 1, after, before, newest_first)
        page, more = rows[:limit], len(rows) > limit
        next_cursor = self._sms.cursors.encode((page[-1].seq,), query) if more else None
        return MessagesPage(self._timelines(page), next_cursor)

    def conversations(
        self,
        *,
        limit: int = 50,
        cursor: str | None = None,
        changed_after: int | None = None,
        account: str | None = None,
    ) -> ConversationsPage:
        """One page of conversations, newest first, each with its newest message; only those
        with a message after seq `changed_after` if given, only those with one of `account`'s
        numbers at either end if given."""
        errors: list[FieldError] = []
        _check_limit(errors, limit, CONVERSATIONS_PAGE_MAX)
        if changed_after is not None and changed_after < 0:
            errors.append(FieldError("changed_after", f"must be 0 or more, not {changed_after}"))
        scope = self._account_scope(errors, account)
        raise_if(errors)
        numbers = scope.numbers if isinstance(scope, Viewer) else None
        epoch = self.epoch()
        query = listing("control-conversations", changed_after, account, epoch)
        before = self._after(cursor, query)
        rows = self._sms.store.conversations(limit + 1, before, changed_after, numbers)
        page, more = rows[:limit], len(rows) > limit
        next_cursor = self._sms.cursors.encode((page[-1].seq,), query) if more else None
        items = tuple(
            _conversation(message, line)
            for message, line in zip(page, self._timelines(page), strict=True)
        )
        return ConversationsPage(items, next_cursor, epoch)

    def epoch(self) -> int:
        return int(self._sms.store.get_state(EPOCH_KEY) or 0)

    def next_epoch(self) -> None:
        """A reset happened: readers must read everything again."""
        self._sms.store.update_state(EPOCH_KEY, lambda old: str(int(old or 0) + 1))


def _conversation(message: StoredMessage, line: Timeline) -> Conversation:
    phone, app = (
        (message.from_addr, message.to_addr)
        if message.inbound
        else (message.to_addr, message.from_addr)
    )
    return Conversation(conversation_of(message), phone, app, message.seq, line)
