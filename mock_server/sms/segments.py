"""How many SMS segments a text takes, and in which encoding (3GPP TS 23.038 / TS 23.040).

A single SMS carries 140 octets of user data: 160 GSM-7 septets or 70 UCS-2 code units. A longer
text is split into concatenated parts, each of which loses 6 octets to the user data header
(UDH), leaving 153 septets or 67 code units per part.

Real carriers also avoid splitting an escape sequence or a surrogate pair across two parts, which
can add a segment in rare cases; the product spec fixes the plain ceil() rule, so this is it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from mock_server.sms import gsm7

Encoding = Literal["gsm7", "ucs2"]

GSM7_SINGLE = 160
GSM7_PART = 153
UCS2_SINGLE = 70
UCS2_PART = 67


@dataclass(frozen=True)
class Segmentation:
    """`units` are septets for gsm7 and UTF-16 code units for ucs2."""

    encoding: Encoding
    units: int
    segment_count: int


def _count(units: int, single: int, part: int) -> int:
    # An empty text still travels as one (empty) SMS; the API never stores one anyway (min 1).
    return 1 if units <= single else math.ceil(units / part)


def utf16_units(text: str) -> int:
    """UTF-16 code units: one per BMP character, two for anything above U+FFFF (most emoji).

    Counted rather than encoded so that a lone surrogate (which JSON can carry as "\\ud83d")
    counts one unit instead of raising.
    """
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def segment(text: str) -> Segmentation:
    """The encoding and segment count the network would use for `text`."""
    septets = gsm7.septets(text)
    if septets is not None:
        return Segmentation("gsm7", septets, _count(septets, GSM7_SINGLE, GSM7_PART))
    units = utf16_units(text)
    return Segmentation("ucs2", units, _count(units, UCS2_SINGLE, UCS2_PART))


def segment_starts(text: str) -> tuple[int, ...]:
    """Where each segment of `text` begins, as character offsets (code points, Python's `len`):
    one offset per segment, the first 0.

    Segment `i` of a concatenated text holds units `i * part` onwards; it begins at the character
    holding that unit. The count follows the spec's plain ceil() rule (see the module's
    docstring), so a two-septet character or a surrogate pair that straddles a boundary opens
    the next segment, as the count assumes, rather than being moved whole as a carrier would.
    """
    shape = segment(text)
    if shape.segment_count == 1:
        return (0,)
    part = GSM7_PART if shape.encoding == "gsm7" else UCS2_PART
    starts, boundary, units = [], 0, 0
    for offset, char in enumerate(text):
        units += _width(char, shape.encoding)
        if units > boundary:  # this character holds unit number `boundary`
            starts.append(offset)
            boundary += part
    return tuple(starts)


def _width(char: str, encoding: Encoding) -> int:
    if encoding == "gsm7":
        return 2 if char in gsm7.EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1
