"""A `MessageFilter` as alternatives each served by one index: what `select` reads and merges.

Each alternative (a `Branch`) is a conjunction of equalities on `from_addr`, `to_addr` and
`sender_account`; a message is kept if any alternative holds. An index in seq order exists for
each of them alone and for (from_addr, to_addr), so each alternative is one ordered, limited
read, the conditions its index does not cover checked on the rows read.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import product

from mock_server.sms.store.base import MessageFilter, StoredMessage

#: Column -> the value it must equal; `to_addr_in`: one of several recipients (see `branches`).
Branch = dict[str, str | frozenset[str]]

FROM, TO, SENDER, TO_IN = "from_addr", "to_addr", "sender_account", "to_addr_in"


def _combined(parts: Iterable[Branch]) -> Branch | None:
    """The conjunction of `parts`, or None if two of them ask one column for different values."""
    merged: Branch = {}
    for part in parts:
        for column, value in part.items():
            if merged.setdefault(column, value) != value:
                return None
    return merged


def branches(which: MessageFilter, max_numbers: int | None = None) -> list[Branch]:
    """The alternatives of `which` (at least one; `[{}]` keeps every message). A viewer owning
    more than `max_numbers` numbers reads them as one `to_addr_in` alternative (SQLite caps the
    terms of a compound SELECT)."""
    fixed: Branch = {}
    if which.from_addr is not None:
        fixed[FROM] = which.from_addr
    if which.to_addr is not None:
        fixed[TO] = which.to_addr
    choices: list[list[Branch]] = [[fixed]]
    if which.number is not None:
        number = which.number
        if which.peer is None:
            choices.append([{FROM: number}, {TO: number}])
        else:
            choices.append([{FROM: number, TO: which.peer}, {FROM: which.peer, TO: number}])
    if which.viewer is not None:
        numbers = sorted(which.viewer.numbers)
        mine: list[Branch] = [{SENDER: which.viewer.account}]
        if max_numbers is not None and len(numbers) > max_numbers:
            mine.append({TO_IN: frozenset(numbers)})
        else:
            mine += [{TO: number} for number in numbers]
        choices.append(mine)
    found = [_combined(parts) for parts in product(*choices)]
    kept = [branch for branch in found if branch is not None]
    # Equal alternatives (a number sent to itself) are read once.
    unique = {
        tuple(
            sorted((k, str(sorted(v)) if isinstance(v, frozenset) else v) for k, v in b.items())
        ): b
        for b in kept
    }
    return list(unique.values())


def holds(branch: Branch, message: StoredMessage) -> bool:
    for column, value in branch.items():
        if column == TO_IN:
            if message.to_addr not in value:
                return False
        elif getattr(message, column) != value:
            return False
    return True
