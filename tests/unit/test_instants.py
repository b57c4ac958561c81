"""RFC 3339 date-times read into instants (`parse_instant`), and the microsecond round trip."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.sms.instants import from_us, parse_instant, to_us


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2025-11-24T16:00:00Z", datetime(2025, 11, 24, 16, tzinfo=UTC)),
        ("2025-11-24t16:00:00z", datetime(2025, 11, 24, 16, tzinfo=UTC)),
        ("2025-11-25T03:00:00+11:00", datetime(2025, 11, 24, 16, tzinfo=UTC)),
        ("2025-11-24T15:30:00-00:30", datetime(2025, 11, 24, 16, tzinfo=UTC)),
        ("2025-11-24T16:00:00.5Z", datetime(2025, 11, 24, 16, 0, 0, 500_000, tzinfo=UTC)),
        # Beyond the microsecond: dropped, not rounded (instants are whole microseconds).
        ("2025-11-24T16:00:00.1234569Z", datetime(2025, 11, 24, 16, 0, 0, 123_456, tzinfo=UTC)),
        # A leap second is the last microsecond of its minute.
        ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)),
    ],
)
def test_rfc_3339_spellings_are_read_as_their_instant(text: str, instant: datetime) -> None:
    assert parse_instant(text) == instant


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("yesterday", "not an RFC 3339 date-time"),
        ("2025-11-24 16:00:00Z", "not an RFC 3339 date-time"),  # a space: RFC 3339 allows, we don't
        ("2025-11-24T16:00:00", "not an RFC 3339 date-time"),  # no offset: which instant?
        ("2025-11-24T16:00:00Z\n", "not an RFC 3339 date-time"),
        ("0000-01-01T00:00:00Z", "year 0 is out of range"),
        ("0001-01-01T00:00:00+01:00", "out of range"),
        ("2025-02-29T00:00:00Z", "day is out of range"),
        ("2025-11-24T24:00:00Z", "hour must be in 0..23"),
    ],
)
def test_anything_else_is_a_value_error_saying_why(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_instant(text)


@given(st.datetimes(timezones=st.just(UTC)))
def test_the_canonical_form_reads_back_to_the_same_instant(instant: datetime) -> None:
    text = instant.isoformat(timespec="microseconds").replace("+00:00", "Z")
    assert parse_instant(text) == instant
    assert from_us(to_us(instant)) == instant
