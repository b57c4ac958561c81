"""An outbound message's life: queued, then sent, then delivered (or not), on a clock.

The status is a pure function of the creation instant, the clock's now, the configured delays and
the recipient's configured outcome, so it is computed whenever a message is read instead of being
updated by background work; every worker process agrees on it without talking to the others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property

_MICROSECOND = timedelta(microseconds=1)
_ZERO = timedelta(0)


class Outcome(StrEnum):
    """What the network does with a message to a given recipient (configured per number)."""

    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    SERVER_ERROR = "server_error"  # the send itself fails with a 500; nothing is stored


class Status(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    RECEIVED = "received"


# The members `status_after` uses, as module globals (see there).
_SERVER_ERROR, _FAILED_OUTCOME, _DELIVERED_OUTCOME = (
    Outcome.SERVER_ERROR,
    Outcome.FAILED,
    Outcome.DELIVERED,
)
_QUEUED, _SENT, _DELIVERED = Status.QUEUED, Status.SENT, Status.DELIVERED
_UNDELIVERED, _FAILED, _RECEIVED = Status.UNDELIVERED, Status.FAILED, Status.RECEIVED


@dataclass(frozen=True)
class Lifecycle:
    """Delays, in seconds after creation, of the `sent` and the final transition."""

    sent_after_s: float = 0.5
    delivered_after_s: float = 1.0

    def __post_init__(self) -> None:
        for name in ("sent_after_s", "delivered_after_s"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0, not {value!r}")
        if self.sent_after_s > self.delivered_after_s:
            raise ValueError("sent_after_s must not be greater than delivered_after_s")

    # As timedeltas (rounded to whole microseconds, like the store's instants), so that a
    # message's arrival and its `delivered` status happen at exactly the same instant. Cached
    # (the instance is frozen): every message read needs them, and building a timedelta from
    # a float costs more than the comparison it serves.
    @cached_property
    def sent_after(self) -> timedelta:
        return timedelta(seconds=self.sent_after_s)

    @cached_property
    def delivered_after(self) -> timedelta:
        return timedelta(seconds=self.delivered_after_s)

    @cached_property
    def sent_after_us(self) -> int:
        return self.sent_after // _MICROSECOND

    @cached_property
    def delivered_after_us(self) -> int:
        return self.delivered_after // _MICROSECOND


def status_at(
    created_at: datetime,
    now: datetime,
    lifecycle: Lifecycle,
    outcome: Outcome,
    inbound: bool,
) -> tuple[Status, datetime]:
    """The status at `now` and the instant it was reached (see `status_after`)."""
    status, reached = status_after((now - created_at) // _MICROSECOND, lifecycle, outcome, inbound)
    return status, created_at + reached


def status_after(
    age_us: int, lifecycle: Lifecycle, outcome: Outcome, inbound: bool
) -> tuple[Status, timedelta]:
    """The status `age_us` microseconds after creation, and how long after creation it was
    reached.

    Transitions happen at exactly `created + delay` (inclusive): `queued` before `sent_after`,
    `sent` from then until `delivered_after`, then `delivered` or `undelivered`. A `failed`
    message never reaches the carrier, so it goes from `queued` straight to `failed` at
    `sent_after` (the moment it would have been sent). When both delays are equal the later
    status wins. An inbound message is `received` from its creation on.

    On integers (the store's unit) rather than datetimes, and with the enum members read from
    module globals (in Python 3.11 `Status.SENT` is a metaclass lookup costing several times a
    global's): every message of every page read goes through here.
    """
    if inbound:
        return _RECEIVED, _ZERO
    if outcome is _SERVER_ERROR:
        raise ValueError("a server_error send is never stored, so it has no status")
    if outcome is _FAILED_OUTCOME:
        if age_us >= lifecycle.sent_after_us:
            return _FAILED, lifecycle.sent_after
        return _QUEUED, _ZERO
    if age_us >= lifecycle.delivered_after_us:
        final = _DELIVERED if outcome is _DELIVERED_OUTCOME else _UNDELIVERED
        return final, lifecycle.delivered_after
    if age_us >= lifecycle.sent_after_us:
        return _SENT, lifecycle.sent_after
    return _QUEUED, _ZERO


def arrival_delay(lifecycle: Lifecycle, outcome: Outcome, inbound: bool) -> timedelta | None:
    """How long after its creation a message reaches its `to` number's inbox; None: never."""
    if inbound:
        return timedelta(0)
    if outcome is Outcome.DELIVERED:
        return lifecycle.delivered_after
    return None


def arrival_at(
    created_at: datetime, lifecycle: Lifecycle, outcome: Outcome, inbound: bool
) -> datetime | None:
    """When the message reaches its `to` number's inbox: on delivery, or at once if inbound."""
    delay = arrival_delay(lifecycle, outcome, inbound)
    return None if delay is None else created_at + delay


def status_history(
    age_us: int, lifecycle: Lifecycle, outcome: Outcome, inbound: bool
) -> tuple[tuple[Status, timedelta], ...]:
    """Every status reached `age_us` microseconds after creation, oldest first, each with how
    long after creation it was reached: the steps `status_after` walks through, so the last one
    is always what `status_after` says. Statuses reached at the same instant (equal delays, or a
    delay of 0) are all listed, in their order.
    """
    return tuple(
        step for step in _plan(lifecycle, outcome, inbound) if step[1] // _MICROSECOND <= age_us
    )


def next_transition(
    age_us: int, lifecycle: Lifecycle, outcome: Outcome, inbound: bool
) -> timedelta | None:
    """How long after creation the next status will be reached, or None when the status is final."""
    later = [at for _, at in _plan(lifecycle, outcome, inbound) if at // _MICROSECOND > age_us]
    return min(later, default=None)


def _plan(
    lifecycle: Lifecycle, outcome: Outcome, inbound: bool
) -> tuple[tuple[Status, timedelta], ...]:
    """Every status the message will ever have, with its delay after creation."""
    if inbound:
        return ((Status.RECEIVED, _ZERO),)
    if outcome is Outcome.SERVER_ERROR:
        raise ValueError("a server_error send is never stored, so it has no status")
    if outcome is Outcome.FAILED:
        return ((Status.QUEUED, _ZERO), (Status.FAILED, lifecycle.sent_after))
    final = Status.DELIVERED if outcome is Outcome.DELIVERED else Status.UNDELIVERED
    return (
        (Status.QUEUED, _ZERO),
        (Status.SENT, lifecycle.sent_after),
        (final, lifecycle.delivered_after),
    )
