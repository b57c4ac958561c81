"""The control API's use cases: what tests and demos do to the mock from outside the product.

Inject an inbound message, list every stored message (paged: `mock_server.sms.inbox_listings`),
move the manual clock, forget everything.
They act on the same store, clock, config and limits as the public API's `SmsService`, which is
why they are built from it; they are no part of the product's API. Faults (a 500 or a delay on
public calls) are an HTTP matter: `mock_server.http.pipeline.faults`.
"""

from __future__ import annotations

from datetime import datetime

from mock_server.sms.accounts import Account
from mock_server.sms.checks import check_number, check_text, raise_if
from mock_server.sms.errors import FieldError, NotFound, ValidationFailed
from mock_server.sms.inbox_listings import InboxListings
from mock_server.sms.instants import to_us
from mock_server.sms.lifecycle import Outcome
from mock_server.sms.registry import AccountRegistry
from mock_server.sms.segments import segment
from mock_server.sms.service import SmsService
from mock_server.sms.store.base import NewMessage, StoredMessage, Viewer
from mock_server.sms.views import MessageView, Timeline, timeline, view


class ControlService:
    """`registry` holds the live accounts and tokens; by default one over `sms`'s store,
    starting from its config's accounts (the app shares its own with the token check)."""

    def __init__(self, sms: SmsService, registry: AccountRegistry | None = None) -> None:
        self._sms = sms
        self.registry = registry or AccountRegistry(sms.config.accounts, sms.store)
        self.listings = InboxListings(sms, lambda name: self.registry.current().by_name(name))

    def inject_inbound(self, from_addr: str, to_addr: str, text: str) -> MessageView:
        """A message from outside arrives at `to_addr` now (status `received`)."""
        errors: list[FieldError] = []
        check_number(errors, "from", from_addr)
        check_number(errors, "to", to_addr)
        check_text(errors, self._sms.limits, text, text)
        raise_if(errors)
        shape = segment(text)
        [message_id] = self._sms.ids.take(1)
        new = NewMessage(
            id=message_id,
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
        [message] = self._sms.store.add([new], self._sms.clock.now)
        return view(message, message.created_at, self._sms.config.lifecycle, None)

    def all_messages(
        self, from_addr: str | None = None, to_addr: str | None = None
    ) -> list[MessageView]:
        """Every stored message of every account, oldest first, for test assertions."""
        now_us, lifecycle = to_us(self._sms.clock.now()), self._sms.config.lifecycle
        return [view(m, now_us, lifecycle, None) for m in self._sms.store.all(from_addr, to_addr)]

    def timelines(self, from_addr: str | None = None, to_addr: str | None = None) -> list[Timeline]:
        """`all_messages`, each with its status history and segments (the inbox page's view)."""
        now_us, config = to_us(self._sms.clock.now()), self._sms.config
        return [
            timeline(m, now_us, config.lifecycle, self._sms.disclaimers())
            for m in self._sms.store.all(from_addr, to_addr)
        ]

    def next_status_change(self) -> datetime | None:
        """When the next message reaches a new status on a real clock. None with a manual clock
        (it moves only through `advance_clock`) or when every status is final."""
        if self._sms.config.clock != "real":
            return None
        now_us, config = to_us(self._sms.clock.now()), self._sms.config
        pending = [
            timeline(m, now_us, config.lifecycle, self._sms.disclaimers()).next_change
            for m in self._not_final(now_us)
        ]
        return min((change for change in pending if change is not None), default=None)

    #: At most this many of the newest messages are looked at for their next status change.
    _PENDING_MAX = 10_000

    def _not_final(self, now_us: int) -> list[StoredMessage]:
        """The messages young enough to change status yet (every status is final once
        `delivered_after` has passed), not every message: a store holds millions."""
        delivered_after_us = int(self._sms.config.lifecycle.delivered_after_s * 1_000_000)
        since = now_us - delivered_after_us - 1
        return self._sms.store.history(None, None, self._PENDING_MAX, since=since)

    def now(self) -> datetime:
        return self._sms.clock.now()

    def reset(self) -> None:
        """Forget every message, put the clock back to its start (the real time unless
        `clock_start` is set), a seeded id sequence back to its first id, and the accounts and
        tokens back to the configured ones."""
        self._sms.store.reset()
        self._sms.clock.reset()
        self._sms.ids.reset()
        self.listings.next_epoch()
        self.registry.reset()

    def reset_account(self, name: str) -> int:
        """Forget only the messages the account `name` sent or that were sent to a number it
        owns now; the account, its tokens, the clock and the ids stay. NotFound if no such
        account. An account owning every number (`*`) sees every message: all are forgotten."""
        account = self._account(name)
        self.listings.next_epoch()  # open inbox pages read everything again
        if account.all_numbers:
            count = self._sms.store.count()
            self._sms.store.reset()
            return count
        return self._sms.store.forget(Viewer(account.name, account.numbers))

    def accounts(self) -> list[Account]:
        """The accounts in force now (their tokens are never listed)."""
        return list(self.registry.current())

    def _account(self, name: str) -> Account:
        account = self.registry.current().by_name(name)
        if account is None:
            raise NotFound(f"No account is named {name!r}.")
        return account

    def advance_clock(self, seconds: float) -> datetime:
        """Move a manual clock; a real one raises ClockNotAdjustableError (409)."""
        try:
            return self._sms.clock.advance(seconds)
        except ValueError as exc:
            raise ValidationFailed([FieldError("seconds", str(exc))]) from exc
