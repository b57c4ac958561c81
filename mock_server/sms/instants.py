"""Instants as whole microseconds since the Unix epoch (UTC), the store's and cursors' unit.

Integers instead of `datetime` (48 bytes) or `float` (rounding): exact, cheap to compare and
to put in a cursor or an SQLite INTEGER column, and they round-trip a `datetime` losslessly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def to_us(instant: datetime) -> int:
    """Microseconds since the epoch. A naive datetime is taken to be UTC."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return (instant - EPOCH) // _MICROSECOND


def from_us(us: int) -> datetime:
    """The aware UTC datetime `us` microseconds after the epoch."""
    # Positional: timedelta's keyword parsing costs a third of this call, made once per message
    # a read returns.
    return EPOCH + timedelta(0, 0, us)


def delta_us(seconds: float) -> int:
    """`seconds` as whole microseconds, rounded the way `timedelta` rounds (half to even)."""
    return timedelta(seconds=seconds) // _MICROSECOND
