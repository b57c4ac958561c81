"""Accounts, their tokens and the numbers they own: who may send from, read and see what."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Account:
    """One configured account. `all_numbers` is the config's `"*"`: it owns every number.

    The tokens are kept out of `repr` so that no log line or traceback can show them.
    """

    name: str
    tokens: tuple[str, ...] = field(repr=False)
    numbers: frozenset[str]
    all_numbers: bool = False
    #: The disclaimer `send/disclaimer` appends to a message from one of its numbers; None: the
    #: config's (accounts made at run time may set one).
    disclaimer: str | None = None

    def owns(self, number: str) -> bool:
        return self.all_numbers or number in self.numbers


def digest(token: str) -> bytes:
    # Hashing first gives every comparison the same length, so compare_digest leaks not even
    # the length of a configured token. surrogatepass: any str a header can carry encodes.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


class Accounts:
    """The configured accounts, in config order.

    `digests` replaces the accounts' own tokens with (SHA-256 digest of a token, account) pairs:
    accounts changed at run time (`mock_server.sms.registry`) are kept with their tokens'
    digests only, never the tokens themselves.
    """

    def __init__(
        self,
        accounts: Iterable[Account],
        digests: Iterable[tuple[bytes, Account]] | None = None,
    ) -> None:
        self._accounts = tuple(accounts)
        self._by_name = {account.name: account for account in self._accounts}
        self._digests = (
            tuple(digests)
            if digests is not None
            else tuple(
                (digest(token), account) for account in self._accounts for token in account.tokens
            )
        )

    def authenticate(self, token: str) -> Account | None:
        """The account holding `token`, or None.

        Compares against every configured token in constant time and never stops early, and
        uses no dict keyed by token: the time taken says nothing about which token (if any)
        matched, or how much of it did.
        """
        candidate = digest(token)
        found: Account | None = None
        for known, account in self._digests:
            if hmac.compare_digest(candidate, known):
                found = account
        return found

    def __iter__(self) -> Iterator[Account]:
        return iter(self._accounts)

    def __len__(self) -> int:
        return len(self._accounts)

    def __repr__(self) -> str:
        return f"Accounts({[account.name for account in self._accounts]!r})"

    def by_name(self, name: str) -> Account | None:
        return self._by_name.get(name)

    def digests(self) -> tuple[tuple[bytes, Account], ...]:
        """(digest of a token, its account) for every token, for `mock_server.sms.registry`."""
        return self._digests
