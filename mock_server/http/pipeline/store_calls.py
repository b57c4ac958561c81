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

Time limits, so that an answer never says less than what happened:

- A call still queued `timeout_s` after it was made (every thread busy waiting on the store)
  never starts: its caller is answered 500, and nothing of it is stored. The same holds for a
  call whose caller was cancelled (a server stopping) before a thread took it.
- A call a thread has taken is waited for: the store bounds each of its own waits by the same
  limit (`--store-timeout`) and then fails with `StoreUnavailableError`, rolled back, so its
  answer is the store's own, stored or not. Only a call still running `_STUCK_AFTER` limits
  after it started (a driver stuck on a dead network, which the store's limits cannot cut) is
  answered 500 without its outcome, and that answer says it may have been stored.

The threads end when their `StoreCalls` is collected, as `ThreadPoolExecutor`'s do.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
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
#: A running call is given up on after this many store limits: a store call may wait twice in
#: turn (SQLite: this process's writers' queue, then the file's lock), each wait bounded.
_STUCK_AFTER = 3


@dataclass
class _Call:
    run: Callable[[], Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    # Both set under StoreCalls._claim: a call is either started by a thread or abandoned by
    # its caller, never both.
    started: bool = field(default=False)
    abandoned: bool = field(default=False)
    timer: asyncio.TimerHandle | None = field(default=None)


class StoreCalls:
    """`await calls(fn, *args)`: `fn(*args)`, inline or on a store thread (see the module).
    `kind` names the store in the answers of its time limits ("SQLite", "PostgreSQL")."""

    def __init__(
        self, blocks: bool, timeout_s: float = DEFAULT_TIMEOUT_S, kind: str = "message"
    ) -> None:
        self.blocks = blocks
        self.timeout_s = timeout_s
        self.store = f"{kind} store"
        self._queue: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._claim = threading.Lock()
        self._started = False
        self._start_lock = threading.Lock()

    async def __call__(self, fn: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs) -> _R:
        if not self.blocks:
            return fn(*args, **kwargs)
        if not self._started:
            self._start_threads()
        loop = asyncio.get_running_loop()
        call = _Call(functools.partial(fn, *args, **kwargs), loop, loop.create_future())
        call.timer = loop.call_later(self.timeout_s, self._overdue, call)
        self._queue.put(call)
        try:
            result: _R = await call.future
            return result
        except asyncio.CancelledError:
            with self._claim:
                call.abandoned = not call.started  # nobody will answer for it: it must not run
            raise
        finally:
            if call.timer is not None:
                call.timer.cancel()

    def _overdue(self, call: _Call) -> None:
        """On the loop, `timeout_s` after the call was made: refused if no thread took it yet."""
        with self._claim:
            if not call.started:
                call.abandoned = True
                _fail(
                    call.future,
                    f"The {self.store} did not take this call within {self.timeout_s:g} s"
                    " (--store-timeout): every store call was waiting on it. Nothing was stored.",
                )
                return
        call.timer = call.loop.call_later(self.timeout_s * _STUCK_AFTER, self._stuck, call.future)

    def _stuck(self, future: asyncio.Future[Any]) -> None:
        _fail(
            future,
            f"The {self.store} has not answered this call for over"
            f" {self.timeout_s * _STUCK_AFTER:g} s; it may have been stored.",
        )

    def _start_threads(self) -> None:
        # Started on first use, in the process that serves (a worker forked after the app was
        # built must not inherit a parent's threads: they would not be running in it).
        with self._start_lock:
            if not self._started:
                for number in range(THREADS):
                    threading.Thread(
                        target=_work,
                        args=(self._queue, self._claim),
                        name=f"store-{number}",
                        daemon=True,
                    ).start()
                # The threads hold the queue, not this object: once it is collected, each
                # thread takes a None and ends.
                weakref.finalize(self, _stop, self._queue)
                self._started = True


def _fail(future: asyncio.Future[Any], detail: str) -> None:
    if not future.done():
        future.set_exception(StoreUnavailableError(detail))


def _stop(calls: queue.SimpleQueue[_Call | None]) -> None:
    for _ in range(THREADS):
        calls.put(None)


def _work(calls: queue.SimpleQueue[_Call | None], claim: threading.Lock) -> None:
    while (call := calls.get()) is not None:
        with claim:
            call.started = not call.abandoned
        if call.started:  # else its caller was answered already: it must not run now
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
    if future.done():  # its caller gave up (cancelled, or stuck) and was answered
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
