"""The status history the inbox page shows: every status reached so far, with its instant."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from mock_server.sms.lifecycle import (
    Lifecycle,
    Outcome,
    Status,
    next_transition,
    status_after,
    status_history,
)

LIFECYCLE = Lifecycle(sent_after_s=0.5, delivered_after_s=1.0)
HALF, ONE = timedelta(seconds=0.5), timedelta(seconds=1)
STORED_OUTCOMES = [o for o in Outcome if o is not Outcome.SERVER_ERROR]


def test_a_delivered_message_lists_queued_sent_delivered_at_their_instants() -> None:
    history = status_history(1_000_000, LIFECYCLE, Outcome.DELIVERED, inbound=False)
    assert history == ((Status.QUEUED, timedelta(0)), (Status.SENT, HALF), (Status.DELIVERED, ONE))


def test_the_history_holds_only_what_was_reached_by_now() -> None:
    assert status_history(499_999, LIFECYCLE, Outcome.DELIVERED, inbound=False) == (
        (Status.QUEUED, timedelta(0)),
    )
    assert [s for s, _ in status_history(500_000, LIFECYCLE, Outcome.DELIVERED, False)] == [
        Status.QUEUED,
        Status.SENT,
    ]


def test_a_failed_message_goes_from_queued_to_failed() -> None:
    history = status_history(10**9, LIFECYCLE, Outcome.FAILED, inbound=False)
    assert history == ((Status.QUEUED, timedelta(0)), (Status.FAILED, HALF))


def test_an_undelivered_message_is_sent_then_undelivered() -> None:
    history = status_history(10**9, LIFECYCLE, Outcome.UNDELIVERED, inbound=False)
    assert [s for s, _ in history] == [Status.QUEUED, Status.SENT, Status.UNDELIVERED]


def test_an_inbound_message_is_received_at_once_and_never_changes() -> None:
    assert status_history(0, LIFECYCLE, Outcome.DELIVERED, inbound=True) == (
        (Status.RECEIVED, timedelta(0)),
    )
    assert next_transition(0, LIFECYCLE, Outcome.DELIVERED, inbound=True) is None


def test_next_transition_is_the_next_step_then_none() -> None:
    assert next_transition(0, LIFECYCLE, Outcome.DELIVERED, False) == HALF
    assert next_transition(500_000, LIFECYCLE, Outcome.DELIVERED, False) == ONE
    assert next_transition(1_000_000, LIFECYCLE, Outcome.DELIVERED, False) is None
    assert next_transition(500_000, LIFECYCLE, Outcome.FAILED, False) is None


@given(
    age_us=st.integers(min_value=0, max_value=5_000_000),
    sent=st.integers(min_value=0, max_value=2_000_000),
    extra=st.integers(min_value=0, max_value=2_000_000),
    outcome=st.sampled_from(STORED_OUTCOMES),
    inbound=st.booleans(),
)
def test_the_last_step_is_the_status_read_at_that_age(
    age_us: int, sent: int, extra: int, outcome: Outcome, inbound: bool
) -> None:
    lifecycle = Lifecycle(sent_after_s=sent / 1e6, delivered_after_s=(sent + extra) / 1e6)
    history = status_history(age_us, lifecycle, outcome, inbound)
    assert history[-1] == status_after(age_us, lifecycle, outcome, inbound)
    assert [at for _, at in history] == sorted(at for _, at in history)
    upcoming = next_transition(age_us, lifecycle, outcome, inbound)
    if upcoming is not None:
        later = upcoming // timedelta(microseconds=1)
        assert later > age_us
        assert status_after(later, lifecycle, outcome, inbound) != history[-1]
