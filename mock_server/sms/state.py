"""A tiny shared key-value state, kept by the message store.

Control settings (the manual clock's instant, faults, the cursor secret) live in the store rather
than in one process's memory, so that several worker processes sharing one SQLite file agree.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from typing import Protocol


class StateStore(Protocol):
    def get_state(self, key: str) -> str | None:
        """The value stored under `key`, or None."""
        ...

    def set_state(self, key: str, value: str) -> None:
        """Store `value` under `key`, replacing any value."""
        ...

    def delete_state(self, key: str) -> None:
        """Forget `key`; no error when it is absent."""
        ...

    def update_state(self, key: str, update: Callable[[str | None], str]) -> str:
        """Atomically replace the value with `update(old)` and return it.

        Atomic across threads and, for a shared SQLite file, across processes: two workers that
        advance the clock at once both count, and two that initialise a value agree on one.
        """
        ...

    def reading_together(self, keys: Collection[str]) -> AbstractContextManager[None]:
        """A block in which this thread's `get_state` of `keys` answers from one read of them
        all, made as it starts: for a store whose every read is a round trip to a server, the
        reads every call makes (the faults, the accounts' generation) cost one trip, and see
        one snapshot. A store whose reads are local may read each when asked."""
        ...
