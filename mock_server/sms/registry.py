"""Accounts and tokens as they are now: the configured ones, as changed at run time (tokens
issued and revoked, accounts added and removed through the control API).

The live set lives in the store's shared state (`StateStore`), not in one process: every worker
and every process sharing one `--db` file sees a change at once, and it survives a restart.
Two keys:

- `accounts`: the whole set as JSON, each account with its numbers and the SHA-256 digests of
  its tokens: a token itself is never stored, listed or logged. Absent: the configured set.
- `accounts.generation`: a counter bumped after every change. `current()` runs on every public
  call; it reads only this small value (a dict lookup in memory, one primary-key read in
  SQLite) and decodes the set again only when it moved.

No new store method is needed: any store with the `StateStore` protocol (memory, SQLite,
PostgreSQL) holds the registry.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Sequence
from typing import Any

from mock_server.sms.accounts import Account, Accounts, digest
from mock_server.sms.checks import check_number, raise_if
from mock_server.sms.disclaimers import Disclaimers
from mock_server.sms.errors import AccountConflict, FieldError, NotFound
from mock_server.sms.state import StateStore

DOCUMENT_KEY = "accounts"
GENERATION_KEY = "accounts.generation"
#: `*` in a number list: the account owns every number.
EVERY_NUMBER = "*"

Document = dict[str, Any]


def new_token() -> str:
    """A fresh token: 32 random bytes, URL-safe base64 (within RFC 6750's token68)."""
    return "tok_" + secrets.token_urlsafe(32)


def _encode(accounts: Accounts) -> str:
    tokens: dict[str, list[str]] = {account.name: [] for account in accounts}
    for known, account in accounts.digests():
        tokens[account.name].append(known.hex())
    return json.dumps(
        {
            "accounts": [
                {
                    "name": account.name,
                    "numbers": sorted(account.numbers),
                    "all_numbers": account.all_numbers,
                    "disclaimer": account.disclaimer,
                    "tokens": tokens[account.name],
                }
                for account in accounts
            ]
        },
        separators=(",", ":"),
    )


def _decode(raw: str) -> Accounts:
    document: Document = json.loads(raw)
    accounts: list[Account] = []
    digests: list[tuple[bytes, Account]] = []
    for entry in document["accounts"]:
        account = Account(
            entry["name"],
            (),
            frozenset(entry["numbers"]),
            bool(entry["all_numbers"]),
            entry.get("disclaimer"),
        )
        accounts.append(account)
        digests.extend((bytes.fromhex(known), account) for known in entry["tokens"])
    return Accounts(accounts, digests)


def _with(accounts: Accounts, changed: Account, token_digests: Sequence[bytes]) -> Accounts:
    """`accounts` with `changed` replacing the account of its name (or appended), holding its
    old tokens plus `token_digests`."""
    old = accounts.by_name(changed.name)
    listed = [changed if a is old else a for a in accounts]
    if old is None:
        listed.append(changed)
    digests = [(d, changed if a is old else a) for d, a in accounts.digests()]
    digests += [(d, changed) for d in token_digests]
    return Accounts(listed, digests)


class AccountRegistry:
    """The live accounts and tokens of one store, starting from `configured`."""

    def __init__(
        self,
        configured: Accounts,
        state: StateStore,
        make_token: Callable[[], str] = new_token,
        disclaimers: Disclaimers | None = None,
        disclaimer_length: int | None = None,
    ) -> None:
        """`disclaimers` are the config's, which accounts made with a disclaimer extend for
        their numbers; `disclaimer_length` is the longest one the contract leaves room for."""
        self._configured = configured
        self._state = state
        self._make_token = make_token
        self._disclaimers = disclaimers or Disclaimers("", {})
        self._disclaimer_length = disclaimer_length
        # The generation last read and the set decoded then: one tuple, swapped whole.
        self._cache: tuple[str | None, Accounts] = (None, configured)
        self._live_disclaimers: tuple[Accounts, Disclaimers] = (configured, self._disclaimers)

    # -- reading (every public call) ------------------------------------------------------

    def current(self) -> Accounts:
        """The accounts in force now, as every process sharing the store sees them."""
        generation = self._state.get_state(GENERATION_KEY)
        seen, accounts = self._cache
        if generation != seen:
            raw = self._state.get_state(DOCUMENT_KEY)
            accounts = self._configured if raw is None else _decode(raw)
            self._cache = (generation, accounts)
        return accounts

    def authenticate(self, token: str) -> Account | None:
        """The account holding `token` now, or None (compared in constant time: `Accounts`)."""
        return self.current().authenticate(token)

    def disclaimers(self) -> Disclaimers:
        """The config's disclaimers, with each run-time account's own for its numbers."""
        accounts = self.current()
        seen, disclaimers = self._live_disclaimers
        if seen is not accounts:
            own = {n: a.disclaimer for a in accounts if a.disclaimer for n in a.numbers}
            base = self._disclaimers
            disclaimers = Disclaimers(base.default, {**base.by_sender, **own})
            self._live_disclaimers = (accounts, disclaimers)
        return disclaimers

    # -- changes (the control API) --------------------------------------------------------

    def issue_token(self, name: str) -> str:
        """A new token for the account `name` (its other tokens stay valid); NotFound if none."""
        token = self._make_token()

        def issue(accounts: Accounts) -> Accounts:
            account = accounts.by_name(name)
            if account is None:
                raise NotFound(f"No account is named {name!r}.")
            return _with(accounts, account, [digest(token)])

        self._change(issue)
        return token

    def revoke_token(self, token: str) -> str:
        """Revoke `token` at once and answer the name of its account (revoking an account's
        last token is allowed: it then has none until one is issued). NotFound for a token
        that is not valid now, already revoked or never issued."""
        revoked: list[str] = []

        def revoke(accounts: Accounts) -> Accounts:
            account = accounts.authenticate(token)
            if account is None:
                raise NotFound("That token is not valid (unknown, or already revoked).")
            revoked.append(account.name)
            gone = digest(token)
            kept = [(d, a) for d, a in accounts.digests() if d != gone]
            return Accounts(list(accounts), kept)

        self._change(revoke)
        return revoked[0]

    def add_account(self, name: str, numbers: Sequence[str], disclaimer: str | None = None) -> str:
        """Create the account `name` owning `numbers` (E.164, or `*` for every number) and
        answer its first token. AccountConflict (naming it) for a name that exists, or for a
        number that another account owns, unless that account owns every number (`*`).
        `disclaimer`: what `send/disclaimer` appends to a message from one of its numbers."""
        errors: list[FieldError] = []
        if not name.strip():
            errors.append(FieldError("name", "must not be empty"))
        if disclaimer is not None:
            most = self._disclaimer_length
            if not disclaimer:
                errors.append(FieldError("disclaimer", "must not be empty"))
            elif most is not None and len(disclaimer) > most:
                errors.append(
                    FieldError(
                        "disclaimer",
                        f"must be at most {most} characters (the text limit, less a newline"
                        " and a character)",
                    )
                )
        for index, number in enumerate(numbers):
            if number != EVERY_NUMBER:
                check_number(errors, f"numbers[{index}]", number)
        raise_if(errors)
        all_numbers = EVERY_NUMBER in numbers
        owned = frozenset(n for n in numbers if n != EVERY_NUMBER)
        token = self._make_token()

        def add(accounts: Accounts) -> Accounts:
            if accounts.by_name(name) is not None:
                raise AccountConflict(f"An account named {name!r} exists already.")
            for number in sorted(owned):
                other = next((a for a in accounts if number in a.numbers), None)
                if other is not None:
                    raise AccountConflict(
                        f"The number {number} belongs to the account {other.name!r}."
                    )
            account = Account(name, (), owned, all_numbers, disclaimer)
            return _with(accounts, account, [digest(token)])

        self._change(add)
        return token

    def remove_account(self, name: str) -> None:
        """Remove the account `name`: its tokens stop working at once and its numbers are free.
        Its messages stay stored. NotFound if there is no such account."""

        def remove(accounts: Accounts) -> Accounts:
            gone = accounts.by_name(name)
            if gone is None:
                raise NotFound(f"No account is named {name!r}.")
            return Accounts(
                [a for a in accounts if a is not gone],
                [(d, a) for d, a in accounts.digests() if a is not gone],
            )

        self._change(remove)

    def reset(self) -> None:
        """Back to the configured accounts and tokens."""
        self._state.delete_state(DOCUMENT_KEY)
        self._bump()

    def _change(self, change: Callable[[Accounts], Accounts]) -> None:
        """Apply `change` to the stored set atomically (a domain error stores nothing), then
        bump the generation so that every process reloads."""

        def update(raw: str | None) -> str:
            return _encode(change(self._configured if raw is None else _decode(raw)))

        self._state.update_state(DOCUMENT_KEY, update)
        self._bump()

    def _bump(self) -> None:
        # Always after the document is written: a reader that sees the new generation reads
        # the new document (or a newer one, and reloads once more next call).
        self._state.update_state(GENERATION_KEY, lambda old: str(int(old or 0) + 1))
