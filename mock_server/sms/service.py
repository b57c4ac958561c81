"""The use cases of the public and the control API, with no HTTP in sight.

Every use case checks everything before it stores anything: a request is either stored whole
or answered with an error and leaves no trace (bulk sends included). The order of the checks
is: fields (ValidationFailed, 400), then ownership (NotOwned, 403), then cursors (400) or the
configured server error (500).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from mock_server.sms.accounts import Account
from mock_server.sms.clock import Clock, ClockNotAdjustableError
from mock_server.sms.config import Config
from mock_server.sms.errors import (
    FieldError,
    InvalidCursor,
    NotFound,
    NotOwned,
    SimulatedServerError,
    ValidationFailed,
)
from mock_server.sms.instants import to_us
from mock_server.sms.lifecycle import Outcome, arrival_delay
from mock_server.sms.numbers import is_e164
from mock_server.sms.paging import Cursors, listing
from mock_server.sms.segments import MAX_TEXT_LENGTH, segment
from mock_server.sms.store.base import MessageStore, NewMessage, StoredMessage
from mock_server.sms.views import MessageView, Page, Timeline, timeline, view

__all__ = [
    "MAX_BULK_RECIPIENTS",
    "MAX_LIMIT",
    "ClockNotAdjustableError",
    "FieldError",
    "InvalidCursor",
    "MessageView",
    "NotFound",
    "NotOwned",
    "Page",
    "SimulatedServerError",
    "SmsService",
    "ValidationFailed",
]

MAX_BULK_RECIPIENTS = 1000
MAX_LIMIT = 1000
_SECRET_KEY = "paging.secret"
_MICROSECOND = timedelta(microseconds=1)


def new_message_id() -> str:
    """`msg_` and 24 lowercase hex digits (96 random bits), the spec's `MessageId`."""
    return f"msg_{secrets.token_hex(12)}"


def _check_number(errors: list[FieldError], field: str, value: str) -> None:
    if not is_e164(value):
        errors.append(FieldError(field, f"{value!r} is not an E.164 number (+ then 8-15 digits)"))


def _check_text(errors: list[FieldError], text: str, full: str) -> None:
    """`text` as sent; `full` as it will be stored (with the disclaimer, if any)."""
    if not text:
        errors.append(FieldError("text", "must not be empty"))
    elif len(full) > MAX_TEXT_LENGTH:
        with_disclaimer = " with its disclaimer" if full is not text else ""
        errors.append(
            FieldError(
                "text",
                f"is {len(full)} characters long{with_disclaimer}; at most {MAX_TEXT_LENGTH}",
            )
        )
    try:
        full.encode("utf-8")
    except UnicodeEncodeError:
        # JSON can carry "\ud83d" alone; it is not a character and could not be stored.
        errors.append(FieldError("text", "holds an unpaired UTF-16 surrogate"))


def _check_limit(errors: list[FieldError], limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        errors.append(FieldError("limit", f"must be from 1 to {MAX_LIMIT}, not {limit}"))


def _raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed(errors)


class SmsService:
    def __init__(self, config: Config, store: MessageStore, clock: Clock) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        # One secret for all workers sharing the store, kept across restarts with --db, so a
        # cursor stays valid whichever worker answers the next page.
        secret = store.update_state(_SECRET_KEY, lambda old: old or secrets.token_hex(32))
        self._cursors = Cursors(bytes.fromhex(secret))

    def now(self) -> datetime:
        return self.clock.now()

    # -- sending ----------------------------------------------------------------------------

    def send(
        self, account: Account, from_addr: str, to_addr: str, text: str, *, disclaimer: bool = False
    ) -> MessageView:
        """Send one message; with `disclaimer`, the sender's disclaimer is appended first."""
        errors: list[FieldError] = []
        _check_number(errors, "from", from_addr)
        _check_number(errors, "to", to_addr)
        full = self.config.disclaimers.append(text, from_addr) if disclaimer and text else text
        _check_text(errors, text, full)
        _raise_if(errors)
        self._require_owner(account, from_addr, "send from")
        self._refuse_server_errors([to_addr])
        [message] = self._send(account, from_addr, [to_addr], full)
        return message

    def send_bulk(
        self, account: Account, from_addr: str, to: Sequence[str], text: str
    ) -> list[MessageView]:
        """The same text to 1..1000 distinct recipients, all or nothing, in the order of `to`."""
        errors: list[FieldError] = []
        _check_number(errors, "from", from_addr)
        if not 1 <= len(to) <= MAX_BULK_RECIPIENTS:
            errors.append(
                FieldError("to", f"must list 1 to {MAX_BULK_RECIPIENTS} recipients, not {len(to)}")
            )
        first_index: dict[str, int] = {}
        # Per-recipient errors only for a list of allowed length: not 100,000 errors for one.
        for index, number in enumerate(to if len(to) <= MAX_BULK_RECIPIENTS else ()):
            _check_number(errors, f"to[{index}]", number)
            if number in first_index:
                errors.append(FieldError(f"to[{index}]", f"repeats to[{first_index[number]}]"))
            first_index.setdefault(number, index)
        _check_text(errors, text, text)
        _raise_if(errors)
        self._require_owner(account, from_addr, "send from")
        self._refuse_server_errors(to)
        return self._send(account, from_addr, to, text)

    def _send(
        self, account: Account, from_addr: str, to: Sequence[str], text: str
    ) -> list[MessageView]:
        shape = segment(text)  # once: every recipient gets the same text
        lifecycle = self.config.lifecycle
        messages, visible = [], []
        for to_addr in to:
            outcome = self.config.outcome_for(to_addr)
            delay = arrival_delay(lifecycle, outcome, inbound=False)
            messages.append(
                NewMessage(
                    id=new_message_id(),
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
            visible.append(self._indexed_visibility(account.name, to_addr))
        stored = self.store.add(messages, visible, self.clock.now)
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
        if message is None or not self._may_see(account, message):
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
        _check_number(errors, "to", to_addr)
        if from_addr is not None:
            _check_number(errors, "from", from_addr)
        _check_limit(errors, limit)
        _raise_if(errors)
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
        _check_limit(errors, limit)
        _raise_if(errors)
        since_us = None if since is None else to_us(since)
        until_us = None if until is None else to_us(until)
        query = listing("history", account.name, since_us, until_us)
        after = None if cursor is None else self._decode(cursor, query, parts=1)[0]
        # An account owning "*" sees everything: the global order, not a per-account index.
        indexed = None if account.all_numbers else account.name
        rows = self.store.history(indexed, after, limit + 1, since_us, until_us)
        page, more = rows[:limit], len(rows) > limit
        next_cursor = self._cursors.encode((page[-1].seq,), query) if more else None
        return self._page(page, account.name, next_cursor)

    # -- control API ------------------------------------------------------------------------

    def inject_inbound(self, from_addr: str, to_addr: str, text: str) -> MessageView:
        """A message from outside arrives at `to_addr` now (status `received`)."""
        errors: list[FieldError] = []
        _check_number(errors, "from", from_addr)
        _check_number(errors, "to", to_addr)
        _check_text(errors, text, text)
        _raise_if(errors)
        shape = segment(text)
        new = NewMessage(
            id=new_message_id(),
            sender_account=None,
            from_addr=from_addr,
            to_addr=to_addr,
            text=text,
            encoding=shape.encoding,
            segment_count=shape.segment_count,
            outcome=Outcome.DELIVERED,
            inbound=True,
            arrival_delay_us=0,
        )
        visible = self._indexed_visibility(None, to_addr)
        [message] = self.store.add([new], [visible], self.clock.now)
        return self._view(message, message.created_at, None)

    def all_messages(
        self, from_addr: str | None = None, to_addr: str | None = None
    ) -> list[MessageView]:
        """Every stored message of every account, oldest first, for test assertions."""
        now_us = to_us(self.clock.now())
        return [self._view(m, now_us, None) for m in self.store.all(from_addr, to_addr)]

    def timelines(self, from_addr: str | None = None, to_addr: str | None = None) -> list[Timeline]:
        """`all_messages`, each with its status history and segments (the inbox page's view)."""
        now_us, lifecycle = to_us(self.clock.now()), self.config.lifecycle
        disclaimers = self.config.disclaimers
        return [
            timeline(m, now_us, lifecycle, disclaimers) for m in self.store.all(from_addr, to_addr)
        ]

    def reset(self) -> None:
        """Forget every message and put the clock back to the real time."""
        self.store.reset()
        self.clock.reset()

    def advance_clock(self, seconds: float) -> datetime:
        """Move a manual clock (a real one raises ClockNotAdjustableError: NotImplementedError)."""
        try:
            return self.clock.advance(seconds)
        except ClockNotAdjustableError:
            raise
        except ValueError as exc:
            raise ValidationFailed([FieldError("seconds", str(exc))]) from exc

    # -- helpers ----------------------------------------------------------------------------

    def _require_owner(self, account: Account, number: str, action: str) -> None:
        if not account.owns(number):
            raise NotOwned(
                f"The account {account.name!r} does not own {number}, so it may not {action} it."
            )

    def _may_see(self, account: Account, message: StoredMessage) -> bool:
        return message.sender_account == account.name or account.owns(message.to_addr)

    def _indexed_visibility(self, sender_account: str | None, to_addr: str) -> tuple[str, ...]:
        """Who may see the message, less the accounts owning "*": they read the global order."""
        accounts = self.config.accounts
        return tuple(
            name
            for name in accounts.visible_to(sender_account, to_addr)
            if not ((found := accounts.by_name(name)) and found.all_numbers)
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
