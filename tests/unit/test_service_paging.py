"""Receive paging never repeats or skips a message, also while messages keep arriving."""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.app import spec_limits
from mock_server.sms.accounts import Account
from mock_server.sms.clock import ManualClock, RealClock
from mock_server.sms.config import DEFAULT_CONFIG_YAML, load_config
from mock_server.sms.control import ControlService
from mock_server.sms.service import SmsService
from mock_server.sms.store import MemoryStore, MessageStore, SqliteStore
from mock_server.sms.store.postgres import PostgresStore

INBOX = "+61491570156"  # owned by acme
SENDER = "+61491570158"  # dev may send from it (dev owns "*")
OUTSIDE = "+61400000001"
MANUAL_CONFIG_YAML = DEFAULT_CONFIG_YAML.replace("clock: real", "clock: manual")
LIMITS = spec_limits()

Action = tuple[str, float]
ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("send"), st.just(0.0)),  # arrives one second later
        st.tuples(st.just("inject"), st.just(0.0)),  # arrives at once
        st.tuples(st.just("advance"), st.sampled_from([0.0, 0.25, 0.5, 1.0, 2.0])),
        st.tuples(st.just("page"), st.integers(1, 3).map(float)),
    ),
    max_size=40,
)


@contextmanager
def open_store(kind: str, request: pytest.FixtureRequest | None = None) -> Iterator[MessageStore]:
    """A store of `kind`; "postgres" needs the test's `request`, for the session's cluster."""
    with tempfile.TemporaryDirectory() as folder:
        store: MessageStore
        if kind == "postgres":
            assert request is not None
            store = PostgresStore(request.getfixturevalue("postgres_cluster").new_database())
        else:
            store = MemoryStore() if kind == "memory" else SqliteStore(Path(folder) / "sms.db")
        try:
            yield store
        finally:
            store.close()


def _accounts(service: SmsService) -> tuple[Account, Account]:
    acme = service.config.accounts.by_name("acme")
    dev = service.config.accounts.by_name("dev")
    assert acme is not None
    assert dev is not None
    return acme, dev


def _whole_inbox(service: SmsService, acme: Account) -> list[str]:
    return [view.id for view in service.receive(acme, INBOX, None, 1000, None).items]


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@given(actions=ACTIONS)
def test_a_traversal_equals_the_inbox_at_its_end(kind: str, actions: list[Action]) -> None:
    """Following next_cursor to null, with sends, arrivals and clock moves between pages, yields
    exactly the inbox as it stands at the last page: no repeat, no gap."""
    with open_store(kind) as store:
        clock = ManualClock(store)
        service = SmsService(load_config(MANUAL_CONFIG_YAML), store, clock, limits=LIMITS)
        control = ControlService(service)
        acme, dev = _accounts(service)
        seen: list[str] = []
        cursor: str | None = None
        finished = False
        for action, amount in [*actions, ("drain", 0.0)]:
            if action == "send":
                service.send(dev, SENDER, INBOX, "hello")
            elif action == "inject":
                control.inject_inbound(OUTSIDE, INBOX, "hi")
            elif action == "advance":
                clock.advance(amount)
            elif not finished:
                # "page" reads one page; "drain" reads pages until the traversal ends.
                while True:
                    page = service.receive(acme, INBOX, None, max(1, int(amount)), cursor)
                    seen += [view.id for view in page.items]
                    cursor = page.next_cursor
                    if cursor is None:
                        finished = True
                    if finished or action == "page":
                        break
                if finished:
                    assert seen == _whole_inbox(service, acme)
        assert finished


@pytest.mark.parametrize("kind", ["memory", "sqlite", "postgres"])
def test_traversals_under_concurrent_arrivals_never_repeat_or_skip(
    kind: str, request: pytest.FixtureRequest
) -> None:
    """Writers in threads on the real clock while a reader pages: every traversal is a gapless
    prefix of the final inbox order (arrival, seq). This is what reading the clock inside the
    store's lock guarantees."""
    config = load_config("lifecycle: {sent_after_s: 0, delivered_after_s: 0.002}\n")
    with open_store(kind, request) as store:
        service = SmsService(config, store, RealClock(), limits=LIMITS)
        control = ControlService(service)
        acme, dev = _accounts(service)
        writers_done = threading.Event()
        traversals: list[list[str]] = []

        def write(n: int) -> None:
            for i in range(60):
                if i % 2:
                    control.inject_inbound(OUTSIDE, INBOX, f"{n}-{i}")
                else:
                    service.send(dev, SENDER, INBOX, f"{n}-{i}")
                time.sleep(0.001)  # let the reader in between writes

        def traverse() -> list[str]:
            seen: list[str] = []
            cursor: str | None = None
            while True:
                page = service.receive(acme, INBOX, None, 3, cursor)
                seen += [view.id for view in page.items]
                cursor = page.next_cursor
                if cursor is None:
                    return seen

        def read() -> None:
            while not writers_done.is_set():
                traversals.append(traverse())

        threads = [threading.Thread(target=write, args=(n,)) for n in range(3)]
        reader = threading.Thread(target=read)
        reader.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        writers_done.set()
        reader.join(timeout=120)
        assert not reader.is_alive()

        final = sorted(
            (m for m in store.all() if m.arrival_at is not None),
            key=lambda m: (m.arrival_at or 0, m.seq),
        )
        order = [m.id for m in final]
        assert len(order) == 180
        assert len(traversals) >= 2  # the reader did page while the writers wrote
        for seen in traversals:
            assert len(seen) == len(set(seen))
            assert seen == order[: len(seen)]
        time.sleep(0.05)  # past the last delivery
        assert traverse() == order
