"""The public API's use cases (send, details, inbox, history), with no HTTP in sight.

Every use case checks everything before it stores anything: a request is either stored whole
or answered with an error and leaves no trace (bulk sends included). The order of the checks
is: fields (ValidationFailed, 400), then ownership (NotOwned, 403), then cursors (400) or the
configured server error (500).

Who sees a message is one rule, read from the config in force at every read (`may_see`): the
account that sent it, and every account owning its `to` number now. Nothing about ownership is
stored with a message, so a config that gives a number a new owner applies to old messages too.
The control API's use cases are `mock_server.sms.control.ControlService`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from mock_server.sms.accounts import Account
from mock_server.sms.checks import check_limit, check_number, check_text, raise_if
from mock_server.sms.clock import Clock
from mock_server.sms.config import Config, check_fits
from mock_server.sms.disclaimers import Disclaimers
from mock_server.sms.errors import (
    FieldError,
    InvalidCursor,
    NotFound,
    NotOwned,
    SimulatedServerError,
    ValidationFailed,
)
from mock_server.sms.ids import MessageIds, RandomIds
from mock_server.sms.instants import to_us
from mock_server.sms.lifecycle import Outcome, arrival_delay
from mock_server.sms.limits import Limits
from mock_server.sms.paging import Cursors, listing
from mock_server.sms.segments import segment
from mock_server.sms.store.base import MessageStore, NewMessage, StoredMessage, Viewer
from mock_server.sms.views import MessageView, Page, view

__all__ = [
    "FieldError",
    "InvalidCursor",
    "MessageView",
    "NotFound",
    "NotOwned",
    "Page",
    "SimulatedServerError",
    "SmsService",
    "ValidationFailed",
    "may_see",
]

_SECRET_KEY = "paging.secret"
_MICROSECOND = timedelta(microseconds=1)


def may_see(account: Account, message: StoredMessage) -> bool:
    """The visibility rule: the sender's account, and whoever owns the `to` number now."""
    return message.sender_account == account.name or account.owns(message.to_addr)


def history_viewer(account: Account) -> Viewer | None:
    """What the store lists for `account`'s history; None (everything) for an account owning
    "*", which reads the global order instead of merging indexes."""
    return None if account.all_numbers else Viewer(account.name, account.numbers)


class SmsService:
    """`limits` are the contract's sizes, read from the spec by the HTTP layer. A config whose
    disclaimers leave no room for text under them is a ConfigError here. `ids` and
    `cursor_secret` make a seeded run repeatable (`mock_server.sms.ids`); by default ids are
    random and the secret is drawn once and kept in the store."""

    def __init__(
        self,
        config: Config,
        store: MessageStore,
        clock: Clock,
        *,
        limits: Limits,
        ids: MessageIds | None = None,
        cursor_secret: bytes | None = None,
        disclaimers: Callable[[], Disclaimers] | None = None,
    ) -> None:
        check_fits(config, limits)
        self.config = config
        #: The disclaimers in force: the config's, or those of the live accounts
        #: (`AccountRegistry.disclaimers`: an account made at run time may bring its own).
        self.disclaimers = disclaimers or (lambda: config.disclaimers)
        self.store = store
        self.clock = clock
        self.limits = limits
        self.ids = ids or RandomIds()
        if cursor_secret is None:
            # One secret for all workers sharing the store, kept across restarts with --db, so a
            # cursor stays valid whichever worker answers the next page.
            secret = store.update_state(_SECRET_KEY, lambda old: old or secrets.token_hex(32))
            cursor_secret = bytes.fromhex(secret)
        self._cursors = Cursors(cursor_secret, limits.cursor_length)

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def cursors(self) -> Cursors:
        """The cursors of every listing, the control API's too (one secret, one scheme)."""
        return self._cursors

    # -- sending ----------------------------------------------------------------------------

    def send(
        self, account: Account, from_addr: str, to_addr: str, text: str, *, disclaimer: bool = False
    ) -> MessageView:
        """Send one message; with `disclaimer`, the sender's disclaimer is appended first."""
        errors: list[FieldError] = []
        check_number(errors, "from", from_addr)
        check_number(errors, "to", to_addr)
        full = self.disclaimers().append(text, from_addr) if disclaimer and text else text
        check_text(errors, self.limits, text, full)
        raise_if(errors)
        self._require_owner(account, from_addr, "send from")
        self._refuse_server_errors([to_addr])
        [message] = self._send(account, from_addr, [to_addr], full)
        return message

    def send_bulk(
        self, account: Account, from_addr: str, to: Sequence[str], text: str
    ) -> list[MessageView]:
        """The same text to distinct recipients (1 to the contract's most), all or nothing, in
        the order of `to`."""
        most = self.limits.bulk_recipients
        errors: list[FieldError] = []
        check_number(errors, "from", from_addr)
        if not 1 <= len(to) <= most:
            errors.append(FieldError("to", f"must list 1 to {most} recipients, not {len(to)}"))
        first_index: dict[str, int] = {}
        # Per-recipient errors only for a list of allowed length: not 100,000 errors for one.
        for index, number in enumerate(to if len(to) <= most else ()):
            check_number(errors, f"to[{index}]", number)
            if number in first_index:
                errors.append(FieldError(f"to[{index}]", f"repeats to[{first_index[number]}]"))
            first_index.setdefault(number, index)
        check_text(errors, self.limits, text, text)
        raise_if(errors)
        self._require_owner(account, from_addr, "send from")
        self._refuse_server_errors(to)
        return self._send(account, from_addr, to, text)

    def _send(
        self, account: Account, from_addr: str, to: Sequence[str], text: str
    ) -> list[MessageView]:
        shape = segment(text)  # once: every recipient gets the same text
        lifecycle = self.config.lifecycle
        messages = []
        for to_addr, message_id in zip(to, self.ids.take(len(to)), strict=True):
            outcome = self.config.outcome_for(to_addr)
            delay = arrival_delay(lifecycle, outcome, inbound=False)
            messages.append(
                NewMessage(
                    id=message_id,
                    sender_account=account.name,
                    from_addr=from_addr,
                    to_addr=to_addr,
                    text=text,
                    encoding=shape.encoding,
                    segment_count=shape.segment_count,
                    outcome=outcome,
                    inbound=False,
                    arrival_delay_us=None if delay is None else delay // _MICROSECOND,
                )
            )
        stored = self.store.add(messages, self.clock.now)
        # The answer shows each message as it was when created: queued (unless sent_after is 0).
        return [self._view(message, message.created_at, account.name) for message in stored]

    def _refuse_server_errors(self, to: Sequence[str]) -> None:
        for index, to_addr in enumerate(to):
            if self.config.outcome_for(to_addr) is Outcome.SERVER_ERROR:
                where = f"to[{index}] " if len(to) > 1 else ""
                raise SimulatedServerError(
                    f"Simulated server error: the mock is configured to fail sends to {where}"
                    f"{to_addr}. Nothing was sent."
                )

    # -- reading ----------------------------------------------------------------------------

    def details(self, account: Account, id: str) -> MessageView:
        message = self.store.get(id)
        if message is None or not may_see(account, message):
            raise NotFound(f"No message {id} is visible to this account.")
        return self._view(message, to_us(self.clock.now()), account.name)

    def receive(
        self,
        account: Account,
        to_addr: str,
        from_addr: str | None,
        limit: int,
        cursor: str | None,
    ) -> Page:
        """The inbox of `to_addr`: messages that reached it, by arrival then seq."""
        errors: list[FieldError] = []
        check_number(errors, "to", to_addr)
        if from_addr is not None:
            check_number(errors, "from", from_addr)
        check_limit(errors, self.limits, limit)
        raise_if(errors)
        self._require_owner(account, to_addr, "read the messages of")
        query = listing("receive", account.name, to_addr, from_addr)
        after = None if cursor is None else self._decode(cursor, query, parts=2)
        position = None if after is None else (after[0], after[1])
        # One more than asked: whether there is a next page, without a second query.
        rows = self.store.inbox(to_addr, self.clock.now, position, limit + 1, from_addr)
        page, more = rows[:limit], len(rows) > limit
        last = page[-1] if more else None
        next_cursor = None
        if last is not None and last.arrival_at is not None:
            next_cursor = self._cursors.encode((last.arrival_at, last.seq), query)
        return self._page(page, account.name, next_cursor)

    def history(
        self,
        account: Account,
        limit: int,
        cursor: str | None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Page:
        """What the account may see, oldest first by creation; `since` <= created < `until`.

        A naive `since`/`until` is taken as UTC. `since` at or after `until` is an empty page.
        """
        errors: list[FieldError] = []
        check_limit(errors, self.limits, limit)
        raise_if(errors)
        since_us = None if since is None else to_us(since)
        until_us = None if until is None else to_us(until)
        query = listing("history", account.name, since_us, until_us)
        after = None if cursor is None else self._decode(cursor, query, parts=1)[0]
        rows = self.store.history(history_viewer(account), after, limit + 1, since_us, until_us)
        page, more = rows[:limit], len(rows) > limit
        next_cursor = self._cursors.encode((page[-1].seq,), query) if more else None
        return self._page(page, account.name, next_cursor)

    # -- helpers ----------------------------------------------------------------------------

    def _require_owner(self, account: Account, number: str, action: str) -> None:
        if not account.owns(number):
            raise NotOwned(
                f"The account {account.name!r} does not own {number}, so it may not {action} it."
            )

    def _decode(self, cursor: str, query: str, parts: int) -> tuple[int, ...]:
        position = self._cursors.decode(cursor, query)
        if len(position) != parts:
            raise InvalidCursor
        return position

    def _view(self, message: StoredMessage, now_us: int, viewer: str | None) -> MessageView:
        return view(message, now_us, self.config.lifecycle, viewer)

    def _page(self, rows: list[StoredMessage], viewer: str, next_cursor: str | None) -> Page:
        now_us, lifecycle = to_us(self.clock.now()), self.config.lifecycle
        return Page(tuple(view(m, now_us, lifecycle, viewer) for m in rows), next_cursor)
