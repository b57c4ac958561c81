"""The live accounts and tokens (`mock_server.sms.registry`), over each store kind: two
registries on one store stand for two worker processes sharing it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mock_server.sms.errors import AccountConflict, NotFound, ValidationFailed
from mock_server.sms.registry import DOCUMENT_KEY, AccountRegistry
from mock_server.sms.store import MemoryStore, MessageStore, SqliteStore
from tests.api.harness import MANUAL_CONFIG

NEW = "+61491570160"


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MessageStore]:
    opened: MessageStore = (
        MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "db.sqlite")
    )
    yield opened
    opened.close()


def _registry(store: MessageStore) -> AccountRegistry:
    return AccountRegistry(MANUAL_CONFIG.accounts, store)


def test_starts_with_the_configured_accounts_and_stores_nothing(store: MessageStore) -> None:
    registry = _registry(store)
    assert [a.name for a in registry.current()] == ["dev", "acme"]
    acme = registry.authenticate("acme-token")
    assert acme is not None
    assert acme.name == "acme"
    assert store.get_state(DOCUMENT_KEY) is None


def test_a_revoke_through_one_registry_is_seen_by_another_at_once(store: MessageStore) -> None:
    first, second = _registry(store), _registry(store)
    assert second.authenticate("acme-token") is not None  # cached before the change
    assert first.revoke_token("acme-token") == "acme"
    assert second.authenticate("acme-token") is None
    token = second.issue_token("acme")
    found = first.authenticate(token)
    assert found is not None
    assert found.name == "acme"


def test_tokens_are_stored_as_digests_only(store: MessageStore) -> None:
    registry = _registry(store)
    token = registry.issue_token("dev")
    raw = store.get_state(DOCUMENT_KEY)
    assert raw is not None
    assert token not in raw
    assert "acme-token" not in raw


def test_unknown_account_or_token_is_not_found_and_changes_nothing(store: MessageStore) -> None:
    registry = _registry(store)
    with pytest.raises(NotFound, match="nobody"):
        registry.issue_token("nobody")
    with pytest.raises(NotFound):
        registry.revoke_token("never-issued")
    with pytest.raises(NotFound):
        registry.remove_account("nobody")
    assert store.get_state(DOCUMENT_KEY) is None


def test_add_account_conflicts_name_the_name_or_the_number(store: MessageStore) -> None:
    registry = _registry(store)
    with pytest.raises(AccountConflict, match="'acme'"):
        registry.add_account("acme", [NEW])
    with pytest.raises(AccountConflict, match=r"\+61491570156.*'acme'"):
        registry.add_account("team-b", [NEW, "+61491570156"])
    with pytest.raises(ValidationFailed, match=r"numbers\[0\]"):
        registry.add_account("team-b", ["12"])
    assert [a.name for a in registry.current()] == ["dev", "acme"]
    token = registry.add_account("team-b", [NEW])
    account = registry.authenticate(token)
    assert account is not None
    assert account.owns(NEW)
    assert not account.owns("+61491570156")


def test_remove_account_revokes_its_tokens_and_frees_its_numbers(store: MessageStore) -> None:
    registry = _registry(store)
    extra = registry.issue_token("acme")
    registry.remove_account("acme")
    assert registry.authenticate("acme-token") is None
    assert registry.authenticate(extra) is None
    registry.add_account("team-b", ["+61491570156"])
    assert registry.authenticate("dev-token") is not None


def test_reset_returns_to_the_configured_accounts(store: MessageStore) -> None:
    registry, other = _registry(store), _registry(store)
    token = registry.add_account("team-b", [NEW])
    registry.revoke_token("acme-token")
    assert other.authenticate(token) is not None
    registry.reset()
    assert other.authenticate(token) is None
    assert other.authenticate("acme-token") is not None
    assert [a.name for a in other.current()] == ["dev", "acme"]


def test_changes_survive_a_reopened_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    first = SqliteStore(path)
    token = _registry(first).add_account("team-b", [NEW])
    _registry(first).revoke_token("acme-token")
    first.close()
    reopened = SqliteStore(path)
    registry = _registry(reopened)
    assert registry.authenticate(token) is not None
    assert registry.authenticate("acme-token") is None
    reopened.close()


def test_a_disclaimer_longer_than_the_contract_allows_is_refused(store: MessageStore) -> None:
    registry = AccountRegistry(MANUAL_CONFIG.accounts, store, disclaimer_length=10)
    with pytest.raises(ValidationFailed, match="disclaimer: must be at most 10"):
        registry.add_account("team-b", [NEW], "x" * 11)
    registry.add_account("team-b", [NEW], "x" * 10)
    assert registry.disclaimers().for_sender(NEW) == "x" * 10
