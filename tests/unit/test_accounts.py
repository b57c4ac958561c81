from __future__ import annotations

import hmac

import pytest

from mock_server.sms.accounts import Account, Accounts

DEV = Account("dev", ("dev-token",), frozenset(), all_numbers=True)
ACME = Account("acme", ("acme-token", "acme-second"), frozenset({"+61491570156", "+61491570157"}))
SHARED = Account("shared", ("shared-token",), frozenset({"+61491570157"}))
ACCOUNTS = Accounts([DEV, ACME, SHARED])


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("dev-token", DEV),
        ("acme-token", ACME),
        ("acme-second", ACME),
        ("shared-token", SHARED),
    ],
)
def test_authenticate_returns_the_account_holding_the_token(token: str, expected: Account) -> None:
    assert ACCOUNTS.authenticate(token) is expected


@pytest.mark.parametrize(
    "token",
    ["", "dev-toke", "dev-token ", "dev-tokenx", "DEV-TOKEN", "acme", "\ud800", "dev-token\x00"],
)
def test_authenticate_refuses_unknown_empty_and_near_miss_tokens(token: str) -> None:
    assert ACCOUNTS.authenticate(token) is None


def test_authenticate_compares_against_every_token_without_stopping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Constant time with respect to which token matched: every configured token is compared,
    also after a match, with hmac.compare_digest on equal-length bytes."""
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", counting)
    for token in ("dev-token", "shared-token", "nobody"):
        calls.clear()
        ACCOUNTS.authenticate(token)
        assert len(calls) == 4
        assert all(len(a) == len(b) for a, b in calls)


def test_tokens_never_appear_in_repr_or_str() -> None:
    for text in (repr(ACME), str(ACME), repr(ACCOUNTS), str(ACCOUNTS)):
        assert "acme-token" not in text
        assert "acme-second" not in text
    assert "acme" in repr(ACME)


def test_owns_its_numbers_and_star_owns_all() -> None:
    assert ACME.owns("+61491570156")
    assert not ACME.owns("+61491570158")
    assert DEV.owns("+61491570158")


def test_accounts_iterate_in_config_order_and_find_by_name() -> None:
    assert [account.name for account in ACCOUNTS] == ["dev", "acme", "shared"]
    assert ACCOUNTS.by_name("acme") is ACME
    assert ACCOUNTS.by_name("nobody") is None
    assert len(ACCOUNTS) == 3
