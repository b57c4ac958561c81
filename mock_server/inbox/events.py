"""`GET /_mock/events`: one server-sent event stream that tells the inbox page what changed.

Nothing runs in the background: statuses are derived from the clock when read. The stream only
says *when* to read again: `messages` after any call that may have changed the store, the clock
or the faults (every call that is not a GET or HEAD), `requests` when the journal recorded a
call (those two cues come from `observer.CallObserver`), and `messages` again at the next status
transition of a message (with the real clock; a manual clock moves only through the control API,
which is a call). The page then reads the control API, as any client could.

A stream ends after `LIFETIME_S`: the browser's EventSource reconnects at once (the `retry`
field), and on each connect the page reads what changed since the newest message it saw
(`GET /_mock/conversations?changed_after=`), so nothing is missed. The bound keeps
a stopping server from waiting on an open page (uvicorn waits for running responses), and no
client holds a connection forever.

The cues come from this process's calls: with several workers (`--workers`, SQLite), a change
served by another worker shows on the next cue or reconnect. A store with a change feed
(PostgreSQL's LISTEN/NOTIFY) also cues `messages` for changes that other processes and hosts
made, through `notify_from_thread`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime

MESSAGES = "messages"
REQUESTS = "requests"
LIFETIME_S = 15.0
#: What the browser waits before it reconnects, in milliseconds.
RETRY_MS = 200
#: Cues that arrive this close together go out as one event.
_COALESCE_S = 0.02


class Changes:
    """Cues for the open streams of this process; a no-op when no stream listens."""

    def __init__(self) -> None:
        self._listeners: set[Listener] = set()
        # -- issue 19 (several hosts): the loop the streams run on, for cues from other threads.
        self._loop: asyncio.AbstractEventLoop | None = None

    def notify_from_thread(self, topic: str) -> None:
        """`notify`, from a thread other than the event loop's (a store's change feed)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.notify, topic)

    # -- end of issue 19's addition

    def notify(self, topic: str) -> None:
        for listener in self._listeners:
            listener.cue(topic)

    def listen(self) -> Listener:
        with contextlib.suppress(RuntimeError):  # issue 19: see notify_from_thread
            self._loop = asyncio.get_running_loop()  # (none when called outside a stream)
        listener = Listener(self)
        self._listeners.add(listener)
        return listener

    def stop(self, listener: Listener) -> None:
        self._listeners.discard(listener)


class Listener:
    def __init__(self, changes: Changes) -> None:
        self._changes = changes
        self._topics: set[str] = set()
        self._woken = asyncio.Event()

    def cue(self, topic: str) -> None:
        self._topics.add(topic)
        self._woken.set()

    async def wait(self, timeout: float) -> set[str]:
        """The topics cued since the last call, waiting up to `timeout` seconds for one."""
        try:
            await asyncio.wait_for(self._woken.wait(), timeout)
            await asyncio.sleep(_COALESCE_S)
        except TimeoutError:
            pass
        self._woken.clear()
        topics, self._topics = self._topics, set()
        return topics

    def close(self) -> None:
        self._changes.stop(self)


def event(name: str, data: str = "") -> bytes:
    return f"event: {name}\ndata: {data}\n\n".encode()


async def stream(
    changes: Changes,
    next_change: Callable[[], float | Awaitable[float | None] | None],
    lifetime_s: float = LIFETIME_S,
) -> AsyncIterator[bytes]:
    """The event stream: `retry`, both topics at once (the page loads everything), then each
    cue as it comes. `next_change()` is how many seconds until the next status transition
    (None: none is due); it may be a coroutine (issue 19: a store read kept off the loop)."""
    listener = changes.listen()
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        yield event(MESSAGES) + event(REQUESTS)
        ends = time.monotonic() + lifetime_s
        while (left := ends - time.monotonic()) > 0:
            due = next_change()
            if inspect.isawaitable(due):  # issue 19: see the docstring
                due = await due
            topics = await listener.wait(left if due is None else min(left, max(due, 0.0)))
            if due is not None and due <= left and not topics:
                topics = {MESSAGES}  # a status changed on the clock
            for topic in sorted(topics):
                yield event(topic)
    finally:
        listener.close()


#: How long after a status transition its cue goes out: asyncio's timers may fire up to the
#: loop's clock resolution early, and statuses are read on the wall clock, not the loop's, so a
#: cue exactly on the instant could still find the old status.
_AFTER_TRANSITION_S = 0.01


def seconds_until(instant: datetime | None, now: datetime) -> float | None:
    """Seconds from `now` until just after `instant` (None: no transition is due)."""
    return None if instant is None else (instant - now).total_seconds() + _AFTER_TRANSITION_S
