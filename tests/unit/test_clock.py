from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from mock_server.sms.clock import ClockNotAdjustableError, ManualClock, RealClock
from mock_server.sms.errors import DomainError
from mock_server.sms.store import MessageStore


def test_real_clock_is_aware_utc_and_follows_the_wall_clock() -> None:
    before = datetime.now(UTC)
    now = RealClock().now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(UTC)


def test_real_clock_cannot_be_advanced_and_reset_does_nothing() -> None:
    clock = RealClock()
    with pytest.raises(ClockNotAdjustableError):
        clock.advance(1)
    # A domain error like the others, so the HTTP layer maps it (409) where it maps them all.
    assert isinstance(ClockNotAdjustableError(), DomainError)
    clock.reset()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_manual_clock_starts_at_the_real_time_and_stays_frozen(store: MessageStore) -> None:
    clock = ManualClock(store)
    first = clock.now()
    assert abs(first - datetime.now(UTC)) < timedelta(seconds=5)
    assert clock.now() == first
    assert first.utcoffset() == timedelta(0)


def test_manual_clock_advances_by_exactly_the_given_seconds(store: MessageStore) -> None:
    clock = ManualClock(store)
    start = clock.now()
    assert clock.advance(1.5) == start + timedelta(seconds=1.5)
    assert clock.advance(0) == start + timedelta(seconds=1.5)
    assert clock.advance(0.000001) == start + timedelta(seconds=1.5, microseconds=1)
    assert clock.now() == start + timedelta(seconds=1.5, microseconds=1)


@pytest.mark.parametrize("seconds", [-1.0, -0.000001, math.nan, math.inf, 1e300])
def test_manual_clock_refuses_negative_or_absurd_amounts(
    store: MessageStore, seconds: float
) -> None:
    clock = ManualClock(store)
    start = clock.now()
    with pytest.raises(ValueError, match=r"seconds|range"):
        clock.advance(seconds)
    assert clock.now() == start


def test_manual_clock_reset_goes_back_to_the_real_time(store: MessageStore) -> None:
    clock = ManualClock(store)
    clock.advance(3600)
    clock.reset()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_manual_clocks_sharing_a_store_share_the_time(
    store_factory: Callable[[], MessageStore],
) -> None:
    """Two workers on one SQLite file (or two clocks on one memory store) agree on the time."""
    first_store = store_factory()
    one = ManualClock(first_store)
    start = one.now()
    other = ManualClock(first_store if _is_memory(first_store) else store_factory())
    assert other.now() == start
    one.advance(10)
    assert other.now() == start + timedelta(seconds=10)
    other.advance(5)
    assert one.now() == start + timedelta(seconds=15)


def _is_memory(store: MessageStore) -> bool:
    return type(store).__name__ == "MemoryStore"
