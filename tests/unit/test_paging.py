from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.sms.paging import MAX_CURSOR_LENGTH, Cursors, InvalidCursor, listing

CURSORS = Cursors(b"k" * 32)
QUERY = listing("receive", "acme", "+61491570156", None)


@given(st.tuples(st.integers(-(2**62), 2**62), st.integers(0, 2**62)))
def test_a_cursor_gives_back_its_position(position: tuple[int, int]) -> None:
    cursor = CURSORS.encode(position, QUERY)
    assert CURSORS.decode(cursor, QUERY) == position
    assert len(cursor) <= MAX_CURSOR_LENGTH
    assert cursor.replace("-", "").replace("_", "").isalnum()


def test_a_cursor_for_another_listing_is_refused() -> None:
    cursor = CURSORS.encode((1, 2), QUERY)
    for other in (
        listing("receive", "acme", "+61491570157", None),  # another recipient
        listing("receive", "dev", "+61491570156", None),  # another account
        listing("receive", "acme", "+61491570156", "+61491570157"),  # another filter
        listing("history", "acme", None, None),  # another endpoint
    ):
        with pytest.raises(InvalidCursor):
            CURSORS.decode(cursor, other)


def test_a_cursor_from_another_secret_is_refused() -> None:
    cursor = Cursors(b"o" * 32).encode((1, 2), QUERY)
    with pytest.raises(InvalidCursor):
        CURSORS.decode(cursor, QUERY)


def test_every_single_character_change_is_refused() -> None:
    cursor = CURSORS.encode((1710749160000000, 42), QUERY)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for index, char in enumerate(cursor):
        for replacement in alphabet:
            if replacement != char:
                tampered = cursor[:index] + replacement + cursor[index + 1 :]
                with pytest.raises(InvalidCursor):
                    CURSORS.decode(tampered, QUERY)


def test_a_forged_position_without_the_mac_is_refused() -> None:
    payload = b"v1:0.0" + b"\0" * 16
    forged = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    with pytest.raises(InvalidCursor):
        CURSORS.decode(forged, QUERY)


@pytest.mark.parametrize(
    "cursor",
    ["", "a", "abc", "!!!!", "YQ==", "a" * (MAX_CURSOR_LENGTH + 1), "é", "abcd\n", " " * 8],
)
def test_garbage_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        CURSORS.decode(cursor, QUERY)


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        Cursors(b"short")


def test_listing_is_unambiguous_whatever_the_parts_hold() -> None:
    assert listing("a|b", "c") != listing("a", "b|c")
    assert listing("a", None) != listing("a", "None")
