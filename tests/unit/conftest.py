"""Fixtures shared by the unit tests: each store kind, and a service on a manual clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mock_server.app import spec_limits
from mock_server.sms.accounts import Account
from mock_server.sms.clock import ManualClock
from mock_server.sms.config import DEFAULT_CONFIG_YAML, Config, load_config
from mock_server.sms.control import ControlService
from mock_server.sms.errors import ValidationFailed
from mock_server.sms.limits import Limits
from mock_server.sms.service import SmsService
from mock_server.sms.store import MemoryStore, MessageStore, SqliteStore
from mock_server.sms.store.postgres import PostgresStore

StoreFactory = Callable[[], MessageStore]

MANUAL_CONFIG_YAML = DEFAULT_CONFIG_YAML.replace("clock: real", "clock: manual")


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Opens a store of one kind; for SQLite every call opens the same file again, for
    PostgreSQL the same new database (on the session's cluster)."""
    opened: list[MessageStore] = []
    url = ""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_cluster").new_database()

    def open_store() -> MessageStore:
        store: MessageStore
        if request.param == "memory":
            store = MemoryStore()
        elif request.param == "sqlite":
            store = SqliteStore(tmp_path / "sms.db")
        else:
            store = PostgresStore(url)
        opened.append(store)
        return store

    yield open_store
    for store in opened:
        store.close()


@pytest.fixture
def store(store_factory: StoreFactory) -> MessageStore:
    return store_factory()


@pytest.fixture
def config() -> Config:
    """The built-in config, on a manual clock."""
    return load_config(MANUAL_CONFIG_YAML)


@pytest.fixture
def clock(store: MessageStore) -> ManualClock:
    return ManualClock(store)


@pytest.fixture
def limits() -> Limits:
    """The contract's limits, read from openapi.yaml as the app does."""
    return spec_limits()


@pytest.fixture
def service(config: Config, store: MessageStore, clock: ManualClock, limits: Limits) -> SmsService:
    return SmsService(config, store, clock, limits=limits)


@pytest.fixture
def control(service: SmsService) -> ControlService:
    return ControlService(service)


def _account(config: Config, token: str) -> Account:
    account = config.accounts.authenticate(token)
    assert account is not None
    return account


@pytest.fixture
def acme(config: Config) -> Account:
    """Owns +61491570156 and +61491570157."""
    return _account(config, "acme-token")


@pytest.fixture
def dev(config: Config) -> Account:
    """Owns every number ("*")."""
    return _account(config, "dev-token")


def fields(raised: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    """The fields a ValidationFailed names, in order."""
    return [error.field for error in raised.value.errors]
