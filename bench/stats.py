"""Medians of repeated runs."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any


def median_of(runs: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> dict[str, float]:
    """The median of each of `keys` over `runs` (each a flat dict of numbers)."""
    return {key: round(float(statistics.median(run[key] for run in runs)), 3) for key in keys}
