"""Store calls off the event loop (`mock_server.http.pipeline.store_calls`): the result or the
error comes back to the caller, the loop serves others meanwhile, and a call whose caller gave
up before a thread took it never runs."""

from __future__ import annotations

import asyncio
import threading

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
    calls = StoreCalls(blocks=True, timeout_s=0)
    release = threading.Event()
    ran: list[str] = []

    async def main() -> None:
        # Every thread busy, so the next call waits in the queue past the backstop.
        busy = [asyncio.ensure_future(calls(release.wait)) for _ in range(THREADS)]
        await asyncio.sleep(0)  # they are queued first
        with pytest.raises(StoreUnavailableError, match="did not answer"):
            await calls(ran.append, "stored behind the caller's back")
        release.set()
        await asyncio.gather(*busy, return_exceptions=True)  # past the backstop too
        await calls(ran.append, "later")  # the threads are free again

    asyncio.run(main())
    assert ran == ["later"]
