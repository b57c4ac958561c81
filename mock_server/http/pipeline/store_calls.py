"""Calls that need the store, kept off the event loop when the store may wait.

A durable store's call may wait on a lock, a disk or a database server. Made on the event loop,
that wait stalled every request of the process, health and the inbox page's files included. So
for a store that `blocks`, each call runs on a thread of a small pool of its own, and the loop
goes on serving every call that does not need the store. The memory store never waits: its
calls stay inline, where a thread hop would cost more than the call itself.

The hand-off is made for its cost, since every call of a durable store pays it once or twice:
a queue the threads take calls from, and the result set on the caller's future from the thread
(`call_soon_threadsafe`), without `concurrent.futures`' futures, their conditions and the
chaining of one future to another that `run_in_executor` pays for.

The store bounds its own waits (`--store-timeout`) and then fails with `StoreUnavailableError`,
rolled back. This module's bound is a backstop a little longer, for a wait the store's own limit
cannot cut (a driver stuck on a dead network); a call still queued for a thread when its caller
gave up (the backstop, or its task cancelled) never starts, so a send answered 500, or not
answered at all, is not stored later behind the caller's back. The threads end when their
`StoreCalls` is collected, as `ThreadPoolExecutor`'s do.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from mock_server.sms.store.base import DEFAULT_TIMEOUT_S, StoreUnavailableError

_P = ParamSpec("_P")
_R = TypeVar("_R")

#: Threads for store calls: enough to overlap a database server's round trips, few enough to
#: stay under a connection pool's size (each thread may hold one connection).
THREADS = 8
#: How much longer than the store's own limit the backstop waits.
_BACKSTOP_MARGIN_S = 1.0


@dataclass
class _Call:
    run: Callable[[], Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    abandoned: bool = field(default=False)  # set by the caller that gave up waiting


class StoreCalls:
    """`await calls(fn, *args)`: `fn(*args)`, inline or on a store thread (see the module)."""

    def __init__(self, blocks: bool, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.blocks = blocks
        self.timeout_s = timeout_s
        self._queue: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._started = False
        self._start_lock = threading.Lock()

    async def __call__(self, fn: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs) -> _R:
        if not self.blocks:
            return fn(*args, **kwargs)
        if not self._started:
            self._start_threads()
        loop = asyncio.get_running_loop()
        call = _Call(lambda: fn(*args, **kwargs), loop, loop.create_future())
        self._queue.put(call)
        try:
            async with asyncio.timeout(self.timeout_s + _BACKSTOP_MARGIN_S):
                result: _R = await call.future
                return result
        except TimeoutError:
            call.abandoned = True
            raise StoreUnavailableError(
                f"The message store did not answer within {self.timeout_s:g} s"
                " (--store-timeout); the call may not have been stored."
            ) from None
        except BaseException:  # cancelled: nobody will answer for this call, so it must not run
            call.abandoned = True
            raise

    def _start_threads(self) -> None:
        # Started on first use, in the process that serves (a worker forked after the app was
        # built must not inherit a parent's threads: they would not be running in it).
        with self._start_lock:
            if not self._started:
                for number in range(THREADS):
                    threading.Thread(
                        target=_work, args=(self._queue,), name=f"store-{number}", daemon=True
                    ).start()
                # The threads hold the queue, not this object: once it is collected, each
                # thread takes a None and ends.
                weakref.finalize(self, _stop, self._queue)
                self._started = True


def _stop(calls: queue.SimpleQueue[_Call | None]) -> None:
    for _ in range(THREADS):
        calls.put(None)


def _work(calls: queue.SimpleQueue[_Call | None]) -> None:
    while (call := calls.get()) is not None:
        if not call.abandoned:  # else its caller was answered already: it must not run now
            _run(call)
        call = None  # an idle thread keeps no caller's closure, loop or result alive


def _run(call: _Call) -> None:
    try:
        result = call.run()
    except BaseException as exc:  # handed to the caller, as run_in_executor does
        _settle_soon(call, None, exc)
    else:
        _settle_soon(call, result, None)


def _settle_soon(call: _Call, result: Any, error: BaseException | None) -> None:
    with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting any more
        call.loop.call_soon_threadsafe(_settle, call.future, result, error)


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # its caller gave up (the backstop) and was answered
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
