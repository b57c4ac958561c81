"""Cursors: opaque, sealed to one listing, deterministic, and revealing nothing."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.sms.paging import Cursors, InvalidCursor, listing

MAX_LENGTH = 512
CURSORS = Cursors(b"k" * 32, MAX_LENGTH)
QUERY = listing("receive", "acme", "+61491570156", None)
POSITIONS = st.tuples(st.integers(-(2**63), 2**63 - 1), st.integers(0, 2**63 - 1))


def _raw(cursor: str) -> bytes:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))


@given(POSITIONS)
def test_a_cursor_gives_back_its_position(position: tuple[int, int]) -> None:
    cursor = CURSORS.encode(position, QUERY)
    assert CURSORS.decode(cursor, QUERY) == position
    assert len(cursor) <= MAX_LENGTH
    assert cursor.replace("-", "").replace("_", "").isalnum()


@given(POSITIONS, POSITIONS)
def test_every_cursor_of_a_listing_has_the_same_length(
    one: tuple[int, int], other: tuple[int, int]
) -> None:
    # A length that grew with the sequence number would tell its magnitude.
    assert len(CURSORS.encode(one, QUERY)) == len(CURSORS.encode(other, QUERY))


def test_a_cursor_holds_no_position_in_the_clear() -> None:
    position = (1710749160000000, 42)
    raw = _raw(CURSORS.encode(position, QUERY))
    for part in position:
        for spelling in (str(part).encode(), part.to_bytes(8, "big"), part.to_bytes(8, "little")):
            assert spelling not in raw


def test_neighbouring_positions_give_unrelated_cursors() -> None:
    one, two = (_raw(CURSORS.encode((0, seq), QUERY)) for seq in (41, 42))
    same = sum(a == b for a, b in zip(one, two, strict=True))
    assert same < len(one) // 2  # a counter mode would differ in one byte


def test_a_cursor_is_a_function_of_secret_listing_and_position() -> None:
    again = Cursors(b"k" * 32, MAX_LENGTH)
    assert again.encode((7, 8), QUERY) == CURSORS.encode((7, 8), QUERY)
    assert Cursors(b"o" * 32, MAX_LENGTH).encode((7, 8), QUERY) != CURSORS.encode((7, 8), QUERY)


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
    cursor = Cursors(b"o" * 32, MAX_LENGTH).encode((1, 2), QUERY)
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


def test_a_forged_position_in_the_clear_is_refused() -> None:
    for payload in (b"v1:0.0" + b"\0" * 16, b"\x02" + b"\0" * 16, b"\0" * 40):
        forged = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
        with pytest.raises(InvalidCursor):
            CURSORS.decode(forged, QUERY)


@pytest.mark.parametrize(
    "cursor",
    ["", "a", "abc", "!!!!", "YQ==", "a" * (MAX_LENGTH + 1), "é", "abcd\n", " " * 8],
)
def test_garbage_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        CURSORS.decode(cursor, QUERY)


def test_a_cursor_longer_than_the_limit_is_refused_before_decoding() -> None:
    cursor = CURSORS.encode((1, 2), QUERY)
    with pytest.raises(InvalidCursor):
        Cursors(b"k" * 32, len(cursor) - 1).decode(cursor, QUERY)


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        Cursors(b"short", MAX_LENGTH)


def test_listing_is_unambiguous_whatever_the_parts_hold() -> None:
    assert listing("a|b", "c") != listing("a", "b|c")
    assert listing("a", None) != listing("a", "None")
