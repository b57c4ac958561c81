"""Our GSM-7 table against the `gsm0338` codec, the independent oracle."""

from __future__ import annotations

import importlib

import pytest

from mock_server.sms import gsm7

# The codec registers itself under "gsm03.38" when imported; importlib keeps its untyped module
# out of the type checker's way.
importlib.import_module("gsm0338")
ESC = "\x1b"


def _codec_septets(char: str) -> int | None:
    try:
        return len(char.encode("gsm03.38"))
    except UnicodeEncodeError:
        return None


def test_table_agrees_with_the_gsm0338_codec_on_every_bmp_character() -> None:
    disagreements = [
        (hex(code), gsm7.septets(chr(code)), _codec_septets(chr(code)))
        for code in range(0x10000)
        if chr(code) != ESC
        and not 0xD800 <= code <= 0xDFFF
        and gsm7.septets(chr(code)) != _codec_septets(chr(code))
    ]
    assert disagreements == []


def test_escape_is_not_a_character_although_the_codec_accepts_it() -> None:
    assert _codec_septets(ESC) == 1  # the codec's mistake, the reason for our own table
    assert gsm7.septets(ESC) is None


@pytest.mark.parametrize("char", list("^{}\\[~]|€\f"))
def test_extension_characters_take_two_septets(char: str) -> None:
    assert gsm7.septets(char) == 2


@pytest.mark.parametrize("char", ["😀", "ç", "`", "\u00a0", "\x00"])
def test_characters_outside_the_alphabet_are_not_gsm7(char: str) -> None:
    assert gsm7.septets(f"abc{char}") is None


def test_tables_have_the_standard_sizes() -> None:
    assert len(gsm7.BASIC) == 127  # 128 code points, less ESC
    assert len(gsm7.EXTENSION) == 10
    assert not gsm7.BASIC & gsm7.EXTENSION
