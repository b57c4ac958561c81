"""Calls that need the store, kept off the event loop when the store may wait.

A durable store's call may wait on a lock, a disk or a database server. Made on the event loop,
that wait stalled every request of the process, health and the inbox page's files included. So
for a store that `blocks`, each call runs on a thread of a small pool of its own, and the loop
goes on serving every call that does not need the store. The memory store never waits: its
calls stay inline, where a thread hop would cost more than the call itself.

The store bounds its own waits (`--store-timeout`) and then fails with `StoreUnavailableError`,
rolled back. This module's bound is a backstop a little longer, for a wait the store's own limit
cannot cut (a driver stuck on a dead network); a call still queued for a thread when its caller
gave up never starts, so a send answered 500 is not stored later behind the caller's back.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from mock_server.sms.store.base import DEFAULT_TIMEOUT_S, StoreUnavailableError

_P = ParamSpec("_P")
_R = TypeVar("_R")

#: Threads for store calls: enough to overlap a database server's round trips, few enough to
#: stay under a connection pool's size (each thread may hold one connection).
THREADS = 8
#: How much longer than the store's own limit the backstop waits.
_BACKSTOP_MARGIN_S = 1.0


class StoreCalls:
    """`await calls(fn, *args)`: `fn(*args)`, inline or on a store thread (see the module)."""

    def __init__(self, blocks: bool, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.blocks = blocks
        self.timeout_s = timeout_s
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()

    async def __call__(self, fn: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs) -> _R:
        if not self.blocks:
            return fn(*args, **kwargs)
        abandoned = threading.Event()

        def run() -> _R:
            if abandoned.is_set():
                raise StoreUnavailableError("The call was abandoned before it started.")
            return fn(*args, **kwargs)

        future = asyncio.get_running_loop().run_in_executor(self._threads(), run)
        try:
            return await asyncio.wait_for(future, self.timeout_s + _BACKSTOP_MARGIN_S)
        except TimeoutError:
            abandoned.set()
            raise StoreUnavailableError(
                f"The message store did not answer within {self.timeout_s:g} s"
                " (--store-timeout); the call may not have been stored."
            ) from None

    def _threads(self) -> ThreadPoolExecutor:
        # Made on first use, in the process that serves (a worker forked after the app was
        # built must not inherit a parent's pool).
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(THREADS, thread_name_prefix="store")
            return self._executor
