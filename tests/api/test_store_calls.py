"""Store calls off the event loop (`mock_server.http.pipeline.store_calls`): the result or the
error comes back to the caller, the loop serves others meanwhile, and a call whose caller gave
up (or was cancelled) before a thread took it never runs, one a thread took is answered by its
outcome, not by a time limit; the threads end with their owner."""

from __future__ import annotations

import asyncio
import gc
import threading
import time

import pytest

from mock_server.http.pipeline.store_calls import THREADS, StoreCalls
from mock_server.sms.store import StoreUnavailableError


def test_the_result_and_the_error_reach_the_caller_from_a_store_thread() -> None:
    calls = StoreCalls(blocks=True)

    def where(value: int) -> tuple[int, str]:
        return value, threading.current_thread().name

    def failing() -> None:
        raise StoreUnavailableError("the store failed")

    async def main() -> tuple[int, str]:
        with pytest.raises(StoreUnavailableError, match="the store failed"):
            await calls(failing)
        return await calls(where, 7)

    value, thread = asyncio.run(main())
    assert value == 7
    assert thread.startswith("store-")


def test_a_store_that_does_not_block_is_called_inline() -> None:
    calls = StoreCalls(blocks=False)
    thread = asyncio.run(calls(lambda: threading.current_thread().name))
    assert thread == threading.current_thread().name


def test_a_call_still_queued_when_its_caller_gave_up_never_runs() -> None:
    calls = StoreCalls(blocks=True, timeout_s=0.3)
    release = threading.Event()
    ran: list[str] = []

    async def main() -> None:
        # Every thread busy, so the next call waits in the queue past the limit.
        busy = [asyncio.ensure_future(calls(release.wait)) for _ in range(THREADS)]
        await asyncio.sleep(0)  # they are queued first
        with pytest.raises(StoreUnavailableError, match="did not take this call"):
            await calls(ran.append, "stored behind the caller's back")
        release.set()
        await asyncio.gather(*busy)  # taken in time, so answered by their outcome
        await calls(ran.append, "later")  # the threads are free again

    asyncio.run(main())
    assert ran == ["later"]


def test_a_call_still_queued_when_its_caller_was_cancelled_never_runs() -> None:
    calls = StoreCalls(blocks=True)
    release = threading.Event()
    ran: list[str] = []

    async def main() -> None:
        busy = [asyncio.ensure_future(calls(release.wait)) for _ in range(THREADS)]
        await asyncio.sleep(0)
        queued = asyncio.ensure_future(calls(ran.append, "stored with no answer sent"))
        await asyncio.sleep(0)  # queued behind the busy threads
        queued.cancel()  # as a server that stops cancels the calls still running
        with pytest.raises(asyncio.CancelledError):
            await queued
        release.set()
        await asyncio.gather(*busy)
        await calls(ran.append, "later")

    asyncio.run(main())
    assert ran == ["later"]


def test_the_threads_end_with_their_store_calls() -> None:
    def store_threads() -> set[threading.Thread]:
        return {thread for thread in threading.enumerate() if thread.name.startswith("store-")}

    before = store_threads()
    calls = StoreCalls(blocks=True)
    asyncio.run(calls(lambda: None))
    started = store_threads() - before
    assert len(started) == THREADS
    del calls
    gc.collect()
    for thread in started:
        thread.join(10)
    assert not [thread for thread in started if thread.is_alive()]


def test_a_call_running_past_the_limit_is_answered_by_its_outcome() -> None:
    # The store bounds its own waits: a call that started in time is waited for, so that it is
    # never answered 500 and then stored (its thread would go on and commit).
    calls = StoreCalls(blocks=True, timeout_s=0.6)
    stored: list[str] = []

    def slow_send() -> str:
        time.sleep(2.0)  # past the limit and a second more, within the stuck backstop
        stored.append("msg_1")
        return "msg_1"

    assert asyncio.run(calls(slow_send)) == "msg_1"
    assert stored == ["msg_1"]


def test_a_call_stuck_in_the_store_is_answered_saying_it_may_be_stored() -> None:
    calls = StoreCalls(blocks=True, timeout_s=0.05)
    release = threading.Event()
    try:
        with pytest.raises(StoreUnavailableError, match="may have been stored"):
            asyncio.run(calls(release.wait))  # a driver that never returns
    finally:
        release.set()
