"""Status transitions at their exact instants, driven by a manual clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mock_server.sms.clock import ManualClock
from mock_server.sms.lifecycle import Lifecycle, Outcome, Status, arrival_at, status_at
from mock_server.sms.store import MessageStore

LIFECYCLE = Lifecycle(sent_after_s=0.5, delivered_after_s=1.0)
CREATED = datetime(2026, 3, 18, 8, 6, tzinfo=UTC)


class Message:
    """A message created at the manual clock's now, whose status is read at the clock's now."""

    def __init__(self, clock: ManualClock, outcome: Outcome, inbound: bool = False) -> None:
        self.clock, self.outcome, self.inbound = clock, outcome, inbound
        self.created = clock.now()

    def status(self) -> tuple[Status, datetime]:
        return status_at(self.created, self.clock.now(), LIFECYCLE, self.outcome, self.inbound)


@pytest.fixture
def clock(store: MessageStore) -> ManualClock:
    return ManualClock(store)


def test_delivered_message_is_queued_then_sent_then_delivered(clock: ManualClock) -> None:
    message = Message(clock, Outcome.DELIVERED)
    created = message.created
    sent_at, delivered_at = created + LIFECYCLE.sent_after, created + LIFECYCLE.delivered_after
    assert message.status() == (Status.QUEUED, created)
    clock.advance(0.499999)
    assert message.status() == (Status.QUEUED, created)
    clock.advance(0.000001)
    assert message.status() == (Status.SENT, sent_at)
    clock.advance(0.499999)
    assert message.status() == (Status.SENT, sent_at)
    clock.advance(0.000001)
    assert message.status() == (Status.DELIVERED, delivered_at)
    clock.advance(3600)
    assert message.status() == (Status.DELIVERED, delivered_at)


def test_undelivered_message_is_sent_then_undelivered(clock: ManualClock) -> None:
    message = Message(clock, Outcome.UNDELIVERED)
    clock.advance(0.5)
    assert message.status() == (Status.SENT, message.created + LIFECYCLE.sent_after)
    clock.advance(0.5)
    assert message.status() == (Status.UNDELIVERED, message.created + LIFECYCLE.delivered_after)


def test_failed_message_goes_from_queued_straight_to_failed(clock: ManualClock) -> None:
    message = Message(clock, Outcome.FAILED)
    clock.advance(0.499999)
    assert message.status() == (Status.QUEUED, message.created)
    clock.advance(0.000001)
    assert message.status() == (Status.FAILED, message.created + LIFECYCLE.sent_after)
    clock.advance(10)
    assert message.status() == (Status.FAILED, message.created + LIFECYCLE.sent_after)


def test_inbound_message_is_received_from_its_creation(clock: ManualClock) -> None:
    message = Message(clock, Outcome.DELIVERED, inbound=True)
    assert message.status() == (Status.RECEIVED, message.created)
    clock.advance(5)
    assert message.status() == (Status.RECEIVED, message.created)


def test_zero_delays_deliver_at_once() -> None:
    instant = Lifecycle(0, 0)
    assert status_at(CREATED, CREATED, instant, Outcome.DELIVERED, False) == (
        Status.DELIVERED,
        CREATED,
    )


def test_server_error_outcome_has_no_status() -> None:
    with pytest.raises(ValueError, match="never stored"):
        status_at(CREATED, CREATED, LIFECYCLE, Outcome.SERVER_ERROR, False)


@pytest.mark.parametrize(
    ("outcome", "inbound", "expected"),
    [
        (Outcome.DELIVERED, False, CREATED + timedelta(seconds=1)),
        (Outcome.UNDELIVERED, False, None),
        (Outcome.FAILED, False, None),
        (Outcome.DELIVERED, True, CREATED),
    ],
)
def test_arrival_is_delivery_or_at_once_for_inbound(
    outcome: Outcome, inbound: bool, expected: datetime | None
) -> None:
    assert arrival_at(CREATED, LIFECYCLE, outcome, inbound) == expected


@pytest.mark.parametrize(
    ("sent", "delivered"), [(-0.1, 1.0), (2.0, 1.0), (float("nan"), 1.0), (0.0, float("inf"))]
)
def test_lifecycle_refuses_bad_delays(sent: float, delivered: float) -> None:
    with pytest.raises(ValueError, match=r"sent_after_s|delivered_after_s"):
        Lifecycle(sent, delivered)


def test_enum_values_are_the_api_strings() -> None:
    assert [s.value for s in Status] == [
        "queued",
        "sent",
        "delivered",
        "undelivered",
        "failed",
        "received",
    ]
    assert [o.value for o in Outcome] == ["delivered", "undelivered", "failed", "server_error"]
