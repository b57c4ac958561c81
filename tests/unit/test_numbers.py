from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from mock_server.sms.numbers import E164_PATTERN, is_e164

SPEC = Path(__file__).resolve().parents[2] / "openapi.yaml"


@pytest.mark.parametrize(
    "number",
    ["+61491570156", "+12025550123", "+14155552671", "+12345678", "+123456789012345"],
)
def test_e164_numbers_are_accepted(number: str) -> None:
    assert is_e164(number)


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("61491570156", "no plus"),
        ("+0491570156", "leading zero"),
        ("+1234567", "too short: 7 digits"),
        ("+1234567890123456", "too long: 16 digits"),
        ("+61 491 570 156", "spaces"),
        ("+61491570156\n", "trailing newline"),
        ("+6149157015\uff16", "a non-ASCII (fullwidth) digit"),
        ("", "empty"),
        ("+", "just a plus"),
    ],
)
def test_non_e164_numbers_are_rejected(number: str, why: str) -> None:
    assert not is_e164(number), why


def test_pattern_matches_the_public_spec() -> None:
    if not SPEC.exists():
        pytest.fail(f"{SPEC} is missing")
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    assert spec["components"]["schemas"]["PhoneNumber"]["pattern"] == E164_PATTERN
    assert re.fullmatch(E164_PATTERN, "+61491570156") is not None
