"""Faults a user asks for: a share of public calls answered 500, and added latency.

An HTTP matter, not an SMS rule: `FaultMiddleware` applies them before a request reaches the
API. The settings live in the store's small key-value state, not in this process, so that every
worker sharing one SQLite file obeys the same settings. Their bounds are control.yaml's `Faults`
schema (`mock_server.contract.FaultBounds`), checked again when they are set.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.contract import FaultBounds
from mock_server.http.problems.documents import problem
from mock_server.sms.state import StateStore

_KEY = "faults"


@dataclass(frozen=True)
class Faults:
    """`error_rate` is the share (0 to 1) of public calls answered 500; `latency_ms` is added."""

    error_rate: float = 0.0
    latency_ms: int = 0


class FaultSwitch:
    """Reads and sets the faults in a store's state."""

    def __init__(self, state: StateStore, bounds: FaultBounds) -> None:
        self._state = state
        self._bounds = bounds
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
        """Raises ValueError for faults outside the contract's bounds (which request validation
        has already refused: this guards every other caller)."""
        self._bounds.check(faults.error_rate, faults.latency_ms)
        self._state.set_state(_KEY, json.dumps(asdict(faults)))
        return faults

    def clear(self) -> Faults:
        return self.set(Faults())


class FaultMiddleware:
    """Slow down, or fail with a 500, a share of the public API's calls, as the control API set.

    The settings are read on every call (from the shared store), so every worker process obeys
    the same `PUT /_mock/faults`.
    """

    def __init__(
        self,
        app: ASGIApp,
        faults: Callable[[], Faults],
        prefix: str,
        rng: random.Random | None = None,
    ) -> None:
        self.app = app
        self.faults = faults
        self.prefix = prefix
        self.rng = rng or random.Random()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            faults = self.faults()
            if faults.latency_ms:
                await asyncio.sleep(faults.latency_ms / 1000)
            if faults.error_rate and self.rng.random() < faults.error_rate:
                raise problem(500, "A fault injected through the mock's control API.")
        await self.app(scope, receive, send)
