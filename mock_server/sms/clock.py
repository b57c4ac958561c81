"""The clock every status is derived from: the real time, or a manual one that tests steer.

Statuses are computed from the clock when read (see `lifecycle`), so moving a manual clock is all
it takes to make queued messages sent and delivered: no background work, nothing to wait for.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Protocol

from mock_server.sms.errors import ClockNotAdjustableError
from mock_server.sms.instants import delta_us, from_us, to_us
from mock_server.sms.state import StateStore

__all__ = ["Clock", "ClockNotAdjustableError", "ManualClock", "RealClock"]


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        ...

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward and return the new now (a real clock raises
        ClockNotAdjustableError)."""
        ...

    def reset(self) -> None:
        """Put the clock back to the real time (a no-op for the real clock)."""
        ...


#: The manual clock stays before this instant (`clock_start`, `advance`): a message's status
#: instants are its creation plus delays of up to a year (config's MAX_DELAY_S), which must
#: still be dates (`datetime` ends with the year 9999).
LATEST = datetime(9998, 1, 1, tzinfo=UTC)
_LATEST_US = to_us(LATEST)


def _real_now() -> datetime:
    return datetime.now(UTC)


class RealClock:
    """The wall clock."""

    def now(self) -> datetime:
        return _real_now()

    def advance(self, seconds: float) -> datetime:
        raise ClockNotAdjustableError("The clock is real; configure `clock: manual` to move it.")

    def reset(self) -> None:
        """Nothing to do: the real clock is always at the real time."""


class ManualClock:
    """A clock frozen at one instant until `advance` moves it.

    The instant lives in the store's shared state under `key` (microseconds since the epoch), not
    in this object, so every worker process sharing one SQLite store reads the same time and an
    advance made through one worker is seen by all. It starts at `start` (`clock_start` in the
    config: a run that repeats its calls repeats its answers), or else at the real time of its
    first read; `reset` puts it back there.
    """

    def __init__(
        self, state: StateStore, key: str = "clock.manual_us", start: datetime | None = None
    ) -> None:
        self._state = state
        self._key = key
        self._start_us = None if start is None else to_us(start)

    def _start(self) -> int:
        return to_us(_real_now()) if self._start_us is None else self._start_us

    def now(self) -> datetime:
        stored = self._state.get_state(self._key)
        if stored is None:
            # Several workers may race to start the clock; update_state lets exactly one win.
            stored = self._state.update_state(self._key, lambda old: old or str(self._start()))
        return from_us(int(stored))

    def advance(self, seconds: float) -> datetime:
        """Move forward by `seconds` (>= 0, finite) and return the new instant.

        Raises ValueError for a negative, infinite or NaN amount, or one that would leave the
        range of `datetime`.
        """
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"seconds must be a finite number >= 0, not {seconds!r}")

        def moved(old: str | None) -> str:
            start = int(old) if old is not None else self._start()
            new = start + delta_us(seconds)
            if new >= _LATEST_US:  # better now than an overflow on every later read
                raise OverflowError(new)
            return str(new)

        try:
            return from_us(int(self._state.update_state(self._key, moved)))
        except OverflowError as exc:
            raise ValueError(
                f"advancing by {seconds} s leaves the range of dates the clock keeps (it ends"
                f" before {LATEST.isoformat()})"
            ) from exc

    def reset(self) -> None:
        self._state.set_state(self._key, str(self._start()))
