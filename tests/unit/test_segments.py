"""Segment counts at every boundary of 3GPP TS 23.038 (GSM-7) and UCS-2."""

from __future__ import annotations

import pytest

from mock_server.sms.config import default_config
from mock_server.sms.segments import Segmentation, segment

EMOJI = "😀"  # U+1F600: a surrogate pair, two UTF-16 code units
UCS2_CHAR = "ç"  # not in GSM-7 (only the capital Ç is), one UTF-16 code unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a", Segmentation("gsm7", 1, 1), id="one_basic_char"),
        pytest.param("a" * 160, Segmentation("gsm7", 160, 1), id="160_septets_fit_one_segment"),
        pytest.param("a" * 161, Segmentation("gsm7", 161, 2), id="161_septets_take_two"),
        pytest.param("a" * 306, Segmentation("gsm7", 306, 2), id="306_septets_fit_two"),
        pytest.param("a" * 307, Segmentation("gsm7", 307, 3), id="307_septets_take_three"),
        pytest.param("a" * 1530, Segmentation("gsm7", 1530, 10), id="1530_septets_ten"),
        pytest.param("a" * 1600, Segmentation("gsm7", 1600, 11), id="1600_septets_eleven"),
        pytest.param("€", Segmentation("gsm7", 2, 1), id="euro_is_two_septets"),
        pytest.param("a" * 158 + "€", Segmentation("gsm7", 160, 1), id="158_plus_euro_fits_one"),
        pytest.param("a" * 159 + "€", Segmentation("gsm7", 161, 2), id="159_plus_euro_takes_two"),
        pytest.param("{" * 80, Segmentation("gsm7", 160, 1), id="80_braces_fit_one"),
        pytest.param("{" * 81, Segmentation("gsm7", 162, 2), id="81_braces_take_two"),
        pytest.param("^{}\\[~]|€\f", Segmentation("gsm7", 20, 1), id="every_extension_char"),
        pytest.param("£¥èÉ@Δ_ÆßÄÖÑÜ§¿äöñüà", Segmentation("gsm7", 20, 1), id="accented_are_basic"),
        pytest.param("Line\nbreak\r", Segmentation("gsm7", 11, 1), id="lf_cr_are_basic"),
        pytest.param(UCS2_CHAR, Segmentation("ucs2", 1, 1), id="one_non_gsm_char_is_ucs2"),
        pytest.param(UCS2_CHAR * 70, Segmentation("ucs2", 70, 1), id="70_units_fit_one"),
        pytest.param(UCS2_CHAR * 71, Segmentation("ucs2", 71, 2), id="71_units_take_two"),
        pytest.param(UCS2_CHAR * 134, Segmentation("ucs2", 134, 2), id="134_units_fit_two"),
        pytest.param(UCS2_CHAR * 135, Segmentation("ucs2", 135, 3), id="135_units_take_three"),
        pytest.param("€" * 69 + UCS2_CHAR, Segmentation("ucs2", 70, 1), id="euro_is_one_ucs2_unit"),
        pytest.param(EMOJI * 35, Segmentation("ucs2", 70, 1), id="35_emoji_fit_one"),
        pytest.param(EMOJI * 36, Segmentation("ucs2", 72, 2), id="36_emoji_take_two"),
        pytest.param("a" * 69 + EMOJI, Segmentation("ucs2", 71, 2), id="emoji_makes_all_ucs2"),
        pytest.param("\ud83d", Segmentation("ucs2", 1, 1), id="lone_surrogate_counts_one_unit"),
        pytest.param("", Segmentation("gsm7", 0, 1), id="empty_text_is_one_empty_sms"),
    ],
)
def test_segmentation(text: str, expected: Segmentation) -> None:
    assert segment(text) == expected


def test_161_gsm_septets_take_two_segments() -> None:
    assert segment("x" * 161).segment_count == 2


def test_disclaimer_pushes_a_message_across_a_segment_boundary() -> None:
    disclaimers = default_config().disclaimers
    sender = "+61491570156"
    suffix = 1 + len(disclaimers.for_sender(sender))  # the newline, then the disclaimer
    text = "a" * (160 - suffix)
    assert segment(disclaimers.append(text, sender)).segment_count == 1
    assert segment(disclaimers.append(text + "a", sender)).segment_count == 2


def test_disclaimer_with_an_emoji_text_is_counted_as_ucs2() -> None:
    disclaimers = default_config().disclaimers
    full = disclaimers.append(EMOJI, "+61491570157")
    assert segment(full) == Segmentation("ucs2", 2 + 1 + len(disclaimers.default), 1)
