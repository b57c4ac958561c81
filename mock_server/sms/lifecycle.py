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
    # message's arrival and its `delivered` status happen at exactly the same instant.
    @property
    def sent_after(self) -> timedelta:
        return timedelta(seconds=self.sent_after_s)

    @property
    def delivered_after(self) -> timedelta:
        return timedelta(seconds=self.delivered_after_s)


def status_at(
    created_at: datetime,
    now: datetime,
    lifecycle: Lifecycle,
    outcome: Outcome,
    inbound: bool,
) -> tuple[Status, datetime]:
    """The status at `now` and the instant it was reached.

    Transitions happen at exactly `created + delay` (inclusive): `queued` before `sent_after`,
    `sent` from then until `delivered_after`, then `delivered` or `undelivered`. A `failed`
    message never reaches the carrier, so it goes from `queued` straight to `failed` at
    `sent_after` (the moment it would have been sent). When both delays are equal the later
    status wins. An inbound message is `received` from its creation on.
    """
    if inbound:
        return Status.RECEIVED, created_at
    if outcome is Outcome.SERVER_ERROR:
        raise ValueError("a server_error send is never stored, so it has no status")
    sent_at = created_at + lifecycle.sent_after
    final_at = created_at + lifecycle.delivered_after
    if outcome is Outcome.FAILED:
        return (Status.FAILED, sent_at) if now >= sent_at else (Status.QUEUED, created_at)
    if now >= final_at:
        final = Status.DELIVERED if outcome is Outcome.DELIVERED else Status.UNDELIVERED
        return final, final_at
    if now >= sent_at:
        return Status.SENT, sent_at
    return Status.QUEUED, created_at


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
