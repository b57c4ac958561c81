"""Faults a user asks for: public calls answered 500, and added latency.

An HTTP matter, not an SMS rule: `FaultMiddleware` applies them before a request reaches the
API. The settings live in the store's small key-value state, not in this process, so that every
worker sharing one store obeys the same settings, and counts the same `fail_next`. Their bounds
are control.yaml's `Faults` schema (`mock_server.contract.FaultBounds`), checked again when they
are set.

Two kinds: random (`error_rate`, a share of the matching calls fails) and deterministic
(`fail_next`: exactly the next N matching calls fail, then the faults turn themselves off).
A call matches when its operation is one of `operations` (None: every public call) and, when
`accounts` are named, its token is one of theirs; the others are neither slowed, failed nor
counted.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass

from connexion.exceptions import ProblemException
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.contract import FaultBounds
from mock_server.http.pipeline.authorization import bearer_token
from mock_server.http.pipeline.store_calls import StoreCalls
from mock_server.http.problems.documents import problem
from mock_server.sms.state import StateStore

STATE_KEY = "faults"  # its key in the store's shared state


@dataclass(frozen=True)
class Faults:
    """`error_rate` is the share (0 to 1) of matching calls answered 500; `latency_ms` is added
    to each matching call; `fail_next`, when set, is how many more matching calls are answered
    500 (then none: error_rate must be 0 with it); `operations` the operationIds that match;
    `accounts`: only the calls whose token belongs to one of these accounts (empty: any call)."""

    error_rate: float = 0.0
    latency_ms: int = 0
    fail_next: int | None = None
    operations: tuple[str, ...] | None = None
    accounts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # From JSON (the store, a request body) lists: kept as tuples, hashable and frozen.
        object.__setattr__(self, "accounts", tuple(self.accounts))
        if self.fail_next is not None and self.fail_next < 1:
            raise ValueError("fail_next must be 1 or more")
        if self.fail_next is not None and self.error_rate:
            raise ValueError("error_rate must be 0 with fail_next")  # the schema refuses both
        if self.operations is not None:
            object.__setattr__(self, "operations", tuple(self.operations))  # from JSON's list

    def matches(self, operation_id: str | None, account: Callable[[], str | None]) -> bool:
        """Whether a call of `operation_id` is touched; `account` names the caller's account
        (asked only when the faults are scoped to accounts: it reads the token)."""
        if self.operations is not None and operation_id not in self.operations:
            return False
        return not self.accounts or account() in self.accounts

    def to_json(self) -> str:
        return json.dumps(asdict(self))


_OFF = Faults()


class FaultSwitch:
    """Reads and sets the faults in a store's state."""

    def __init__(self, state: StateStore, bounds: FaultBounds) -> None:
        self._state = state
        self._bounds = bounds
        # The last settings read, with the text they were parsed from: `current` runs on every
        # public call, and the settings seldom change. One tuple, so threads swap it whole.
        self._last: tuple[str | None, Faults] = (None, Faults())

    def current(self) -> Faults:
        raw = self._state.get_state(STATE_KEY)
        last_raw, faults = self._last
        if raw != last_raw:
            faults = _parse(raw)
            self._last = (raw, faults)
        return faults

    def set(self, faults: Faults) -> Faults:
        """Raises ValueError for faults outside the contract's bounds (which request validation
        has already refused: this guards every other caller)."""
        self._bounds.check(faults.error_rate, faults.latency_ms)
        self._state.set_state(STATE_KEY, faults.to_json())
        return faults

    def clear(self) -> Faults:
        return self.set(Faults())

    def take_one(self) -> bool:
        """Count one matching call against `fail_next`, atomically (workers sharing the store
        share the count): True when this call is one of the N to fail. The last one turns the
        faults off."""
        taken = False

        def count(raw: str | None) -> str:
            nonlocal taken
            faults = _parse(raw)
            if faults.fail_next is None:  # turned off, or changed, since the caller looked
                taken = False
                return raw if raw is not None else _OFF.to_json()
            taken = True
            left = faults.fail_next - 1
            return (Faults(**{**asdict(faults), "fail_next": left}) if left else _OFF).to_json()

        self._state.update_state(STATE_KEY, count)
        return taken


def _parse(raw: str | None) -> Faults:
    return Faults(**json.loads(raw)) if raw else Faults()


class FaultMiddleware:
    """Slow down, or fail with a 500, the public API's calls, as the control API set.

    The settings are read on every call (from the shared store), so every worker process obeys
    the same `PUT /_mock/faults`. Only calls of the chosen operations match (`operation_of`
    names a call's operationId: this runs before connexion's routing); with `fail_next`,
    `take_one` counts a matching call against it (in the store, atomically) and says whether
    it is one of those to fail. Faults scoped to `accounts` apply only to calls whose bearer
    token `account_of` names one of them (read as authentication reads it).
    """

    def __init__(
        self,
        app: ASGIApp,
        faults: Callable[[], Faults],
        prefix: str,
        operation_of: Callable[[str, str], str | None],
        take_one: Callable[[], bool],
        account_of: Callable[[str], str | None],
        rng: random.Random | None = None,
        calls: StoreCalls | None = None,
    ) -> None:
        self.account_of = account_of
        # The settings are read (and `fail_next` counted) off the event loop when the store may
        # wait (`store_calls`).
        self.calls = calls or StoreCalls(blocks=False)
        self.app = app
        self.faults = faults
        self.prefix = prefix
        self.operation_of = operation_of
        self.take_one = take_one
        self.rng = rng or random.Random()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            faults = await self.calls(self._touching, scope)
            if faults is not None:
                await self._apply(faults)
        await self.app(scope, receive, send)

    def _touching(self, scope: Scope) -> Faults | None:
        """The faults set, if they touch this call (on a store thread: both reads may wait)."""
        faults = self.faults()
        operation_id = self.operation_of(scope["method"], scope["path"])
        if faults != _OFF and faults.matches(operation_id, lambda: self._account(scope)):
            return faults
        return None

    def _account(self, scope: Scope) -> str | None:
        token = bearer_token(scope["headers"])
        return None if token is None else self.account_of(token)

    async def _apply(self, faults: Faults) -> None:
        if faults.fail_next is not None:
            # Counted first: the latency must not let another call past.
            if await self.calls(self.take_one):
                await self._delay(faults)
                raise _injected()
            return
        await self._delay(faults)
        if faults.error_rate and self.rng.random() < faults.error_rate:
            raise _injected()

    @staticmethod
    async def _delay(faults: Faults) -> None:
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)


def _injected() -> ProblemException:
    return problem(500, "A fault injected through the mock's control API.")
