"""Fixtures: one app per store kind for the whole session (an app takes ~0.25 s to build),
reset before each test, so that every test starts with no messages, no faults, and the manual
clock at the real time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mock_server.sms.store import MemoryStore, SqliteStore
from mock_server.sms.store.postgres import PostgresStore
from tests.api.harness import Mock, running
from tests.support import postgres


@pytest.fixture(scope="session")
def _memory_mock() -> Iterator[Mock]:
    with running(store=MemoryStore()) as mock:
        yield mock


@pytest.fixture(scope="session")
def _sqlite_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    store = SqliteStore(tmp_path_factory.mktemp("api") / "db.sqlite")
    with running(store=store) as mock:
        yield mock
    store.close()


@pytest.fixture(scope="session")
def _postgres_mock(postgres_cluster: postgres.Cluster) -> Iterator[Mock]:
    store = PostgresStore(postgres_cluster.new_database())
    with running(store=store) as mock:
        yield mock
    store.close()


@pytest.fixture
def mock(_memory_mock: Mock) -> Mock:
    """The mock with the in-memory store, freshly reset."""
    _memory_mock.reset()
    return _memory_mock


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def any_store_mock(request: pytest.FixtureRequest) -> Mock:
    """The mock over each store kind, freshly reset: for the promises a store could break."""
    chosen: Mock = request.getfixturevalue(f"_{request.param}_mock")
    chosen.reset()
    return chosen
