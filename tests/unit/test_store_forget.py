"""`MessageStore.forget` (the scoped reset): only the viewer's messages go, and every index still
answers the rest alike on each store kind."""

from __future__ import annotations

from mock_server.sms.store import MessageStore, Viewer
from mock_server.sms.store.base import MessageFilter
from tests.unit.test_store import A, B, C, at, new

OTHER = "+61491570159"


def test_forget_drops_what_the_account_sent_and_what_reached_its_numbers(
    store: MessageStore,
) -> None:
    sent = store.add([new(to_addr=C, from_addr=A, sender="acme", text="acme sent")], at(0))
    to_acme = store.add([new(to_addr=B, from_addr=OTHER, sender=None, text="to acme")], at(1))
    kept = store.add(
        [
            new(to_addr=C, from_addr=OTHER, sender="dev", text="dev to C"),
            new(to_addr=OTHER, from_addr=C, sender="dev", text="dev to other"),
        ],
        at(2),
    )
    assert store.forget(Viewer("acme", frozenset({A, B}))) == 2
    assert [m.text for m in store.all()] == ["dev to C", "dev to other"]
    assert store.get(sent[0].id) is None
    assert store.get(to_acme[0].id) is None
    assert store.get(kept[0].id) == kept[0]
    assert store.count() == 2
    # The indexes answer the rest: inboxes (with and without a sender) and histories.
    assert [m.id for m in store.inbox(C, at(60), None, 10)] == [kept[0].id]
    assert [m.id for m in store.inbox(C, at(60), None, 10, from_addr=OTHER)] == [kept[0].id]
    assert store.inbox(B, at(60), None, 10) == []
    dev = Viewer("dev", frozenset())
    assert [m.id for m in store.history(dev, None, 10)] == [m.id for m in kept]
    assert store.history(Viewer("acme", frozenset({A, B})), None, 10) == []
    assert [m.id for m in store.history(None, None, 10)] == [m.id for m in kept]


def test_forget_of_an_account_with_nothing_stored_forgets_nothing(store: MessageStore) -> None:
    store.add([new(sender="dev")], at(0))
    assert store.forget(Viewer("nobody", frozenset())) == 0
    assert store.count() == 1
    later = store.add([new(sender="dev")], at(1))
    assert later[0].seq == 2  # seqs go on


def test_after_forget_each_conversation_shows_its_newest_message_left(
    store: MessageStore,
) -> None:
    """The inbox page's conversations follow the scoped reset: a conversation whose newest
    message went shows its newest one left, and one with none left goes."""
    older = store.add([new(to_addr=C, from_addr=OTHER, sender="dev", text="dev to C")], at(0))
    store.add([new(to_addr=OTHER, from_addr=C, sender="acme", text="acme answers")], at(1))
    store.add([new(to_addr=B, from_addr=OTHER, sender="dev", text="only to acme")], at(2))
    assert store.forget(Viewer("acme", frozenset({B}))) == 2
    assert [m.id for m in store.conversations(10)] == [older[0].id]
    # The listings' indexes forgot them too.
    assert [m.id for m in store.select(MessageFilter(number=OTHER), 10)] == [older[0].id]
    assert store.select(MessageFilter(number=OTHER, peer=B), 10) == []
