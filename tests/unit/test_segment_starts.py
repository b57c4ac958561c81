"""Where a long text's segments split, by the same rules that count them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mock_server.sms.segments import GSM7_PART, UCS2_PART, segment, segment_starts

EMOJI = "😀"  # two UTF-16 code units


def test_a_text_of_one_segment_starts_once() -> None:
    assert segment_starts("a" * 160) == (0,)
    assert segment_starts("ç" * 70) == (0,)


def test_gsm7_parts_hold_153_septets() -> None:
    assert segment_starts("a" * 161) == (0, GSM7_PART)
    assert segment_starts("a" * 307) == (0, GSM7_PART, 2 * GSM7_PART)


def test_ucs2_parts_hold_67_code_units() -> None:
    assert segment_starts("ç" * 71) == (0, UCS2_PART)


def test_a_two_unit_character_across_a_boundary_opens_the_next_segment() -> None:
    # 152 septets, then "€" (septets 153 and 154): it holds the second part's first septet.
    assert segment_starts("a" * 152 + "€" + "a" * 10) == (0, 152)
    # 66 units, then an emoji (units 67 and 68).
    assert segment_starts("ç" * 66 + EMOJI + "ç" * 10) == (0, 66)


@given(st.text(alphabet=st.sampled_from(["a", "€", "ç", EMOJI, "{"]), min_size=1, max_size=400))
def test_one_start_per_counted_segment_in_order(text: str) -> None:
    starts = segment_starts(text)
    assert len(starts) == segment(text).segment_count
    assert starts[0] == 0
    assert list(starts) == sorted(set(starts))
    assert all(start < len(text) for start in starts)
