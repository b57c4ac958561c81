"""The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038, 6.2.1 and 6.2.1.1).

Why our own table instead of the `gsm0338` codec from PyPI: that codec counts extension
characters as two septets and rejects characters outside the alphabet, as it should, but it also
encodes U+001B (ESC) as a one-septet character. 0x1B is the escape to the extension table, not a
character a text can hold, so a text containing U+001B is not GSM-7 text. The codec also builds
its output by repeated `bytes` concatenation (about 0.7 ms for 1600 characters) and ships no type
information. The tables below are short enough to read against the standard; the unit tests check
them against the `gsm0338` codec for every other code point of the BMP.
"""

from __future__ import annotations

# Code points 0x00..0x7F of the default alphabet, in order. Position 0x1B (ESC) is left out on
# purpose (see above); "\x00" stands in for it and is removed below.
_DEFAULT_ALPHABET = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x00ÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)

#: Characters that take one septet.
BASIC: frozenset[str] = frozenset(_DEFAULT_ALPHABET) - {"\x00"}

#: Characters of the extension table: ESC plus one septet, so two septets each.
EXTENSION: frozenset[str] = frozenset("\f^{}\\[~]|€")


def septets(text: str) -> int | None:
    """How many septets `text` takes in GSM-7, or None when it holds a character GSM-7 lacks."""
    count = 0
    for char in text:
        if char in BASIC:
            count += 1
        elif char in EXTENSION:
            count += 2
        else:
            return None
    return count
