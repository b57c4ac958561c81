"""Instants as whole microseconds since the Unix epoch (UTC), the store's and cursors' unit.

Integers instead of `datetime` (48 bytes) or `float` (rounding): exact, cheap to compare and
to put in a cursor or an SQLite INTEGER column, and they round-trip a `datetime` losslessly.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# RFC 3339 `date-time` (section 5.6): `T` and `Z` in either case, any number of fraction digits,
# an offset that is `Z` or +hh:mm. `\Z`, not `$`: a trailing newline is not part of the value.
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))\Z",
    re.ASCII,
)


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


def parse_instant(text: str) -> datetime:
    """An RFC 3339 date-time as an aware UTC datetime, to the microsecond.

    Where RFC 3339 allows what `datetime` cannot hold: a leap second (`23:59:60`) is the last
    microsecond of its minute, and fraction digits beyond the sixth are dropped (instants are
    whole microseconds everywhere else too). Raises ValueError, saying why, for anything else:
    not the format, no such date or time, or outside years 1 to 9999 once in UTC.
    """
    match = _RFC3339.match(text)
    if match is None:
        raise ValueError("is not an RFC 3339 date-time (2025-11-24T16:00:00Z)")
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction, zulu, sign, offset_h, offset_m = match.groups()[6:]
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    if second == 60:  # the leap second
        second, micro = 59, 999_999
    try:
        offset = timedelta(0) if zulu else timedelta(hours=int(offset_h), minutes=int(offset_m))
        zone = timezone(-offset if sign == "-" else offset)
        return datetime(year, month, day, hour, minute, second, micro, zone).astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"is not a date-time this server can hold: {exc}") from None
