"""Message ids, and the secret that signs paging cursors: random, or repeatable from a seed.

Unseeded, an id is 96 random bits (`secrets`). Seeded (`seed:` in the config, `--seed`), the
n-th id is a keyed hash of the seed and n, so that the same calls give the same ids on every
run and tests can snapshot whole answers. The counter n lives in the store's shared state, like
the manual clock: worker processes sharing one SQLite file draw from one sequence, and a mock
restarted on the same file goes on where it stopped instead of repeating ids it already stored.
`reset` starts the sequence again (the store is empty then): each test that resets the mock
sees the same ids whatever ran before it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Protocol

from mock_server.sms.state import StateStore

#: The spec's `MessageId`: `msg_` and 24 lowercase hex digits.
ID_PREFIX = "msg_"
ID_BYTES = 12
_COUNTER_KEY = "ids.next"


class MessageIds(Protocol):
    def take(self, count: int) -> list[str]:
        """`count` new, distinct message ids."""
        ...

    def reset(self) -> None:
        """The store was emptied: a seeded sequence starts again."""
        ...


class RandomIds:
    """Ids of 96 random bits each: unseeded runs."""

    def take(self, count: int) -> list[str]:
        return [ID_PREFIX + secrets.token_hex(ID_BYTES) for _ in range(count)]

    def reset(self) -> None:
        """Nothing to do: random ids do not repeat."""


def _key(seed: int, purpose: bytes) -> bytes:
    # Distinct keys per purpose: an id never reveals the cursor secret, nor the other way round.
    return hashlib.sha256(b"aatrox-sms-mock\0" + purpose + b"\0" + str(seed).encode()).digest()


class SeededIds:
    """The n-th id is HMAC-SHA256(key(seed), n), first 96 bits: repeatable and collision-free
    in practice, with n counted in the store's shared state."""

    def __init__(self, seed: int, state: StateStore) -> None:
        self._key = _key(seed, b"message-ids")
        self._state = state

    def take(self, count: int) -> list[str]:
        if count < 0:
            raise ValueError(f"count must be >= 0, not {count}")
        # One atomic step reserves the whole range: a bulk send costs one state update.
        end = int(self._state.update_state(_COUNTER_KEY, lambda old: str(int(old or 0) + count)))
        return [self._id(n) for n in range(end - count, end)]

    def reset(self) -> None:
        self._state.delete_state(_COUNTER_KEY)

    def _id(self, n: int) -> str:
        digest = hmac.digest(self._key, n.to_bytes(8, "big"), "sha256")
        return ID_PREFIX + digest[:ID_BYTES].hex()


def message_ids(seed: int | None, state: StateStore) -> MessageIds:
    """Seeded ids when there is a seed, random ones otherwise."""
    return RandomIds() if seed is None else SeededIds(seed, state)


def cursor_secret(seed: int) -> bytes:
    """The key that signs cursors, derived from the seed: the same calls give the same cursors
    on every run (unseeded, the service draws a random secret and keeps it in the store)."""
    return _key(seed, b"cursor-secret")
