"""Phone numbers: E.164, as the public API's `PhoneNumber` schema writes it."""

from __future__ import annotations

import re

# The same text as the spec's pattern, so the two cannot drift apart unnoticed (a test compares,
# and the app refuses to serve a spec whose `PhoneNumber` pattern is another).
E164_PATTERN = r"^\+[1-9][0-9]{7,14}$"

# `fullmatch` on the pattern without its anchors: `re.match("...$")` would accept a trailing
# newline, since `$` also matches before a final "\n".
_E164 = re.compile(E164_PATTERN.removeprefix("^").removesuffix("$"))


def is_e164(value: str) -> bool:
    """True when `value` is `+`, a non-zero digit, then 7 to 14 more ASCII digits, nothing else."""
    return _E164.fullmatch(value) is not None
