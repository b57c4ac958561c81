"""Message ids: random without a seed; with one, a repeatable sequence that survives restarts on
the same store and starts again on reset."""

from __future__ import annotations

import re

from mock_server.sms.ids import RandomIds, SeededIds, cursor_secret, message_ids
from mock_server.sms.store import MemoryStore

MESSAGE_ID = re.compile(r"msg_[0-9a-f]{24}")


def test_random_ids_have_the_spec_shape_and_do_not_repeat() -> None:
    ids = RandomIds().take(500)
    assert all(MESSAGE_ID.fullmatch(i) for i in ids)
    assert len(set(ids)) == 500


def test_the_same_seed_gives_the_same_sequence_on_a_fresh_store() -> None:
    first = SeededIds(7, MemoryStore()).take(3)
    again = SeededIds(7, MemoryStore())
    assert again.take(1) + again.take(2) == first
    assert all(MESSAGE_ID.fullmatch(i) for i in first)
    assert len(set(first)) == 3


def test_another_seed_gives_other_ids() -> None:
    assert set(SeededIds(7, MemoryStore()).take(3)).isdisjoint(SeededIds(8, MemoryStore()).take(3))


def test_a_restart_on_the_same_store_goes_on_instead_of_repeating() -> None:
    store = MemoryStore()
    before = SeededIds(7, store).take(2)
    after = SeededIds(7, store).take(2)  # a new process on the same SQLite file, say
    assert set(before).isdisjoint(after)


def test_reset_starts_the_sequence_again() -> None:
    ids = SeededIds(7, MemoryStore())
    first = ids.take(2)
    ids.reset()
    assert ids.take(2) == first


def test_message_ids_is_seeded_only_with_a_seed() -> None:
    assert isinstance(message_ids(None, MemoryStore()), RandomIds)
    assert isinstance(message_ids(0, MemoryStore()), SeededIds)


def test_the_cursor_secret_follows_the_seed_and_differs_from_the_id_key() -> None:
    assert cursor_secret(7) == cursor_secret(7) != cursor_secret(8)
    assert cursor_secret(7).hex()[:24] not in SeededIds(7, MemoryStore()).take(1)[0]
