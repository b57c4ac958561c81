"""Faults a user asks for: a share of public calls answered 500, and added latency.

An HTTP matter, not an SMS rule: `FaultMiddleware` applies them before a request reaches the
API. The settings live in the store's small key-value state, not in this process, so that every
worker sharing one SQLite file obeys the same settings.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from mock_server.sms.state import StateStore

MAX_LATENCY_MS = 60_000
_KEY = "faults"


@dataclass(frozen=True)
class Faults:
    """`error_rate` is the share (0 to 1) of public calls answered 500; `latency_ms` is added.
    `accounts`: only the calls whose token belongs to one of these accounts; empty: every call."""

    error_rate: float = 0.0
    latency_ms: int = 0
    accounts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # From JSON (the store, a request body) a list: kept as a tuple, hashable and frozen.
        object.__setattr__(self, "accounts", tuple(self.accounts))
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError("error_rate must be between 0 and 1")
        if not 0 <= self.latency_ms <= MAX_LATENCY_MS:
            raise ValueError(f"latency_ms must be between 0 and {MAX_LATENCY_MS}")

    def applies_to(self, account: str | None) -> bool:
        """Whether a call by `account` (None: no known token) is faulted."""
        return not self.accounts or account in self.accounts


class FaultSwitch:
    """Reads and sets the faults in a store's state."""

    def __init__(self, state: StateStore) -> None:
        self._state = state
        # The last settings read, with the text they were parsed from: `current` runs on every
        # public call, and the settings seldom change. One tuple, so threads swap it whole.
        self._last: tuple[str | None, Faults] = (None, Faults())

    def current(self) -> Faults:
        raw = self._state.get_state(_KEY)
        last_raw, faults = self._last
        if raw != last_raw:
            faults = Faults(**json.loads(raw)) if raw else Faults()
            self._last = (raw, faults)
        return faults

    def set(self, faults: Faults) -> Faults:
        self._state.set_state(_KEY, json.dumps(asdict(faults)))
        return faults

    def clear(self) -> Faults:
        return self.set(Faults())
