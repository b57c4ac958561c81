"""The use cases, on a manual clock, over both stores."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from mock_server.sms.accounts import Account
from mock_server.sms.clock import ManualClock
from mock_server.sms.config import Config, ConfigError, load_config
from mock_server.sms.control import ControlService
from mock_server.sms.lifecycle import Status
from mock_server.sms.limits import Limits
from mock_server.sms.service import (
    FieldError,
    InvalidCursor,
    MessageView,
    NotFound,
    NotOwned,
    SimulatedServerError,
    SmsService,
    ValidationFailed,
)
from mock_server.sms.store import MessageStore
from tests.unit.conftest import fields

ACME_1, ACME_2 = "+61491570156", "+61491570157"  # owned by acme (and dev, which owns "*")
OTHER = "+61491570158"  # owned by dev only
UNDELIVERED, FAILED, SERVER_ERROR = "+61491570006", "+61491570110", "+61491570737"
ACME_DISCLAIMER = "Acme Pty Ltd. Reply STOP to opt out."
DEFAULT_DISCLAIMER = "Reply STOP to opt out."


# -- send -----------------------------------------------------------------------------------


def test_send_stores_a_queued_message(service: SmsService, acme: Account) -> None:
    view = service.send(acme, ACME_1, OTHER, "Hello")
    assert view.id.startswith("msg_")
    assert len(view.id) == 28
    assert (view.from_addr, view.to_addr, view.text) == (ACME_1, OTHER, "Hello")
    assert view.status is Status.QUEUED
    assert view.status_at == view.created_at == service.now()
    assert (view.encoding, view.segment_count) == ("gsm7", 1)
    assert view.direction == "outbound"
    assert service.details(acme, view.id) == view


def test_send_from_a_number_the_account_does_not_own_is_not_owned(
    service: SmsService, acme: Account, control: ControlService
) -> None:
    with pytest.raises(NotOwned, match=re.escape(OTHER)):
        service.send(acme, OTHER, ACME_1, "Hello")
    assert control.all_messages() == []


def test_send_validates_every_field_before_ownership(service: SmsService, acme: Account) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service.send(acme, "0491570156", "+1", "")
    assert fields(raised) == ["from", "to", "text"]


def test_send_refuses_text_over_the_limit(
    service: SmsService, acme: Account, limits: Limits
) -> None:
    most = limits.text_length
    service.send(acme, ACME_1, OTHER, "a" * most)
    with pytest.raises(ValidationFailed) as raised:
        service.send(acme, ACME_1, OTHER, "a" * (most + 1))
    assert raised.value.errors == [
        FieldError("text", f"is {most + 1} characters long; at most {most}")
    ]


def test_send_refuses_an_unpaired_surrogate(service: SmsService, acme: Account) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service.send(acme, ACME_1, OTHER, "broken \ud83d")
    assert fields(raised) == ["text"]


def test_send_counts_segments_of_the_stored_text(service: SmsService, acme: Account) -> None:
    view = service.send(acme, ACME_1, OTHER, "😀" * 36)
    assert (view.encoding, view.segment_count) == ("ucs2", 2)


# -- disclaimers ----------------------------------------------------------------------------


def test_disclaimer_of_the_sender_is_appended(service: SmsService, acme: Account) -> None:
    view = service.send(acme, ACME_1, OTHER, "Hi", disclaimer=True)
    assert view.text == f"Hi\n{ACME_DISCLAIMER}"


def test_default_disclaimer_for_senders_without_one(service: SmsService, acme: Account) -> None:
    view = service.send(acme, ACME_2, OTHER, "Hi", disclaimer=True)
    assert view.text == f"Hi\n{DEFAULT_DISCLAIMER}"


def test_disclaimer_counts_toward_the_text_limit(
    service: SmsService, acme: Account, limits: Limits
) -> None:
    most = limits.text_length
    room = most - 1 - len(ACME_DISCLAIMER)
    assert len(service.send(acme, ACME_1, OTHER, "a" * room, disclaimer=True).text) == most
    with pytest.raises(ValidationFailed) as raised:
        service.send(acme, ACME_1, OTHER, "a" * (room + 1), disclaimer=True)
    assert raised.value.errors == [
        FieldError("text", f"is {most + 1} characters long with its disclaimer; at most {most}")
    ]


def test_disclaimer_can_add_a_segment(service: SmsService, acme: Account) -> None:
    text = "a" * (160 - 1 - len(ACME_DISCLAIMER))
    assert service.send(acme, ACME_1, OTHER, text, disclaimer=True).segment_count == 1
    assert service.send(acme, ACME_1, OTHER, text + "a", disclaimer=True).segment_count == 2


# -- bulk -----------------------------------------------------------------------------------


def test_bulk_sends_one_message_per_recipient_in_order(service: SmsService, acme: Account) -> None:
    recipients = [f"+614915701{n:02d}" for n in range(60, 90)]
    views = service.send_bulk(acme, ACME_1, recipients, "Reminder")
    assert [view.to_addr for view in views] == recipients
    assert len({view.id for view in views}) == len(recipients)
    assert all(view.status is Status.QUEUED for view in views)


def test_bulk_is_all_or_nothing_and_names_the_bad_index(
    service: SmsService, acme: Account, control: ControlService
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service.send_bulk(acme, ACME_1, [OTHER, ACME_2, "+12", OTHER], "Hi")
    assert raised.value.errors == [
        FieldError("to[2]", "'+12' is not an E.164 number (+ then 8-15 digits)"),
        FieldError("to[3]", "repeats to[0]"),
    ]
    assert control.all_messages() == []


@pytest.mark.parametrize("over", [False, True], ids=["none", "one-too-many"])
def test_bulk_needs_1_to_the_limit_of_recipients(
    service: SmsService, acme: Account, over: bool, control: ControlService, limits: Limits
) -> None:
    recipients = [f"+6148157{n:04d}" for n in range(limits.bulk_recipients + 1 if over else 0)]
    with pytest.raises(ValidationFailed) as raised:
        service.send_bulk(acme, ACME_1, recipients, "Hi")
    assert fields(raised) == ["to"]
    assert control.all_messages() == []


def test_bulk_of_the_limit_is_accepted(
    service: SmsService, acme: Account, control: ControlService, limits: Limits
) -> None:
    recipients = [f"+6148157{n:04d}" for n in range(limits.bulk_recipients)]
    assert len(service.send_bulk(acme, ACME_1, recipients, "Hi")) == limits.bulk_recipients
    assert len(control.all_messages()) == limits.bulk_recipients


def test_bulk_from_a_foreign_number_is_not_owned(
    service: SmsService, acme: Account, control: ControlService
) -> None:
    with pytest.raises(NotOwned):
        service.send_bulk(acme, OTHER, [ACME_1], "Hi")
    assert control.all_messages() == []


# -- outcomes -------------------------------------------------------------------------------


def test_server_error_outcome_stores_nothing(
    service: SmsService, acme: Account, control: ControlService
) -> None:
    with pytest.raises(SimulatedServerError):
        service.send(acme, ACME_1, SERVER_ERROR, "Hi")
    with pytest.raises(SimulatedServerError, match=r"to\[1\]"):
        service.send_bulk(acme, ACME_1, [OTHER, SERVER_ERROR], "Hi")
    assert control.all_messages() == []


def test_validation_comes_before_the_simulated_server_error(
    service: SmsService, acme: Account
) -> None:
    with pytest.raises(ValidationFailed):
        service.send_bulk(acme, ACME_1, [SERVER_ERROR, "bad"], "Hi")


def test_lifecycle_follows_the_clock_per_outcome(
    service: SmsService, acme: Account, clock: ManualClock
) -> None:
    delivered = service.send(acme, ACME_1, OTHER, "Hi")
    undelivered = service.send(acme, ACME_1, UNDELIVERED, "Hi")
    failed = service.send(acme, ACME_1, FAILED, "Hi")

    def statuses() -> list[Status]:
        return [service.details(acme, v.id).status for v in (delivered, undelivered, failed)]

    assert statuses() == [Status.QUEUED] * 3
    clock.advance(0.5)
    assert statuses() == [Status.SENT, Status.SENT, Status.FAILED]
    clock.advance(0.5)
    assert statuses() == [Status.DELIVERED, Status.UNDELIVERED, Status.FAILED]
    assert service.details(acme, delivered.id).status_at == delivered.created_at + timedelta(
        seconds=1
    )


# -- details: 403 versus 404 ----------------------------------------------------------------


def test_details_of_an_unknown_id_is_not_found(service: SmsService, acme: Account) -> None:
    with pytest.raises(NotFound):
        service.details(acme, "msg_000000000000000000000000")
    with pytest.raises(NotFound):
        service.details(acme, "not-an-id")


def test_details_of_someone_elses_message_is_not_found_like_an_unknown_id(
    service: SmsService, acme: Account, dev: Account
) -> None:
    theirs = service.send(dev, OTHER, "+61491570199", "private")
    with pytest.raises(NotFound) as raised:
        service.details(acme, theirs.id)
    assert "private" not in str(raised.value)
    assert service.details(dev, theirs.id).text == "private"


def test_details_of_a_message_to_an_owned_number_is_visible(
    service: SmsService, acme: Account, dev: Account
) -> None:
    to_acme = service.send(dev, OTHER, ACME_2, "for acme")
    view = service.details(acme, to_acme.id)
    assert view.direction == "inbound"
    assert service.details(dev, to_acme.id).direction == "outbound"


# -- receive --------------------------------------------------------------------------------


def test_receive_lists_delivered_and_injected_messages_oldest_first(
    service: SmsService, acme: Account, dev: Account, clock: ManualClock, control: ControlService
) -> None:
    sent = service.send(dev, OTHER, ACME_1, "sent to acme")
    assert service.receive(acme, ACME_1, None, 100, None).items == ()  # not delivered yet
    clock.advance(0.5)
    injected = control.inject_inbound("+61400000000", ACME_1, "from outside")
    clock.advance(0.5)
    page = service.receive(acme, ACME_1, None, 100, None)
    assert [v.id for v in page.items] == [injected.id, sent.id]
    assert [v.status for v in page.items] == [Status.RECEIVED, Status.DELIVERED]
    assert page.next_cursor is None


def test_receive_never_lists_undelivered_or_failed(
    service: SmsService, dev: Account, clock: ManualClock
) -> None:
    service.send(dev, OTHER, UNDELIVERED, "Hi")
    service.send(dev, OTHER, FAILED, "Hi")
    clock.advance(60)
    assert service.receive(dev, UNDELIVERED, None, 100, None).items == ()
    assert service.receive(dev, FAILED, None, 100, None).items == ()


def test_receive_for_a_number_not_owned_is_not_owned(service: SmsService, acme: Account) -> None:
    with pytest.raises(NotOwned):
        service.receive(acme, OTHER, None, 100, None)


def test_receive_validates_its_parameters(
    service: SmsService, acme: Account, limits: Limits
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service.receive(acme, "nope", "+1", 0, None)
    assert fields(raised) == ["to", "from", "limit"]
    with pytest.raises(ValidationFailed):
        service.receive(acme, ACME_1, None, limits.page_size + 1, None)


def test_receive_filters_by_sender(
    service: SmsService, acme: Account, control: ControlService
) -> None:
    from_a = control.inject_inbound("+61400000001", ACME_1, "a")
    control.inject_inbound("+61400000002", ACME_1, "b")
    page = service.receive(acme, ACME_1, "+61400000001", 100, None)
    assert [v.id for v in page.items] == [from_a.id]


def test_receive_pages_with_cursors_to_the_end(
    service: SmsService, acme: Account, control: ControlService
) -> None:
    sent = [control.inject_inbound("+61400000001", ACME_1, str(n)).id for n in range(5)]
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = service.receive(acme, ACME_1, None, 2, cursor)
        seen += [v.id for v in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == sent


def test_a_receive_cursor_is_refused_by_another_listing(
    service: SmsService, acme: Account, dev: Account, control: ControlService
) -> None:
    for n in range(3):
        control.inject_inbound("+61400000001", ACME_1, str(n))
    cursor = service.receive(acme, ACME_1, None, 1, None).next_cursor
    assert cursor is not None
    with pytest.raises(InvalidCursor):
        service.receive(acme, ACME_2, None, 1, cursor)  # another inbox
    with pytest.raises(InvalidCursor):
        service.receive(dev, ACME_1, None, 1, cursor)  # another account
    with pytest.raises(InvalidCursor):
        service.receive(acme, ACME_1, "+61400000001", 1, cursor)  # another filter
    with pytest.raises(InvalidCursor):
        service.history(acme, 1, cursor)  # another endpoint
    # Tampered: the last two characters changed (to "AA", or "BB" where they were "AA").
    tampered = cursor[:-2] + ("BB" if cursor.endswith("AA") else "AA")
    with pytest.raises(InvalidCursor):
        service.receive(acme, ACME_1, None, 1, tampered)


def test_a_cursor_survives_a_new_service_on_the_same_store(
    config: Config, store: MessageStore, clock: ManualClock, acme: Account, limits: Limits
) -> None:
    """Every worker builds its own service; the cursor secret is shared through the store."""
    first = SmsService(config, store, clock, limits=limits)
    for n in range(3):
        ControlService(first).inject_inbound("+61400000001", ACME_1, str(n))
    cursor = first.receive(acme, ACME_1, None, 1, None).next_cursor
    second = SmsService(config, store, clock, limits=limits)
    assert len(second.receive(acme, ACME_1, None, 5, cursor).items) == 2


# -- history --------------------------------------------------------------------------------


def test_history_shows_sent_and_received_with_direction(
    service: SmsService, acme: Account, dev: Account, control: ControlService
) -> None:
    mine = service.send(acme, ACME_1, OTHER, "mine")
    to_me = service.send(dev, OTHER, ACME_2, "to me")
    service.send(dev, OTHER, "+61491570199", "not for acme")
    injected = control.inject_inbound("+61400000001", ACME_1, "outside")
    page = service.history(acme, 100, None)
    assert [(v.id, v.direction) for v in page.items] == [
        (mine.id, "outbound"),
        (to_me.id, "inbound"),
        (injected.id, "inbound"),
    ]
    assert len(service.history(dev, 100, None).items) == 4  # "*" sees everything


def test_history_pages_and_bounds(service: SmsService, acme: Account, clock: ManualClock) -> None:
    views: list[MessageView] = []
    for _ in range(5):
        views.append(service.send(acme, ACME_1, OTHER, "x"))
        clock.advance(1)
    since, until = views[1].created_at, views[4].created_at
    first = service.history(acme, 2, None, since, until)
    assert [v.id for v in first.items] == [views[1].id, views[2].id]
    assert first.next_cursor is not None
    rest = service.history(acme, 2, first.next_cursor, since, until)
    assert [v.id for v in rest.items] == [views[3].id]
    assert rest.next_cursor is None
    with pytest.raises(InvalidCursor):
        service.history(acme, 2, first.next_cursor, since, None)  # other bounds, other listing


# -- limits ---------------------------------------------------------------------------------

SMALL = Limits(text_length=50, bulk_recipients=2, page_size=3, cursor_length=512)


@pytest.fixture
def small(config: Config, store: MessageStore, clock: ManualClock) -> SmsService:
    """A service given other limits than the contract's: it follows them."""
    return SmsService(config, store, clock, limits=SMALL)


def test_the_text_limit_is_the_one_given(small: SmsService, acme: Account) -> None:
    small.send(acme, ACME_1, OTHER, "a" * 50)
    with pytest.raises(ValidationFailed, match="at most 50"):
        small.send(acme, ACME_1, OTHER, "a" * 51)


def test_the_disclaimer_counts_toward_the_text_limit_given(
    small: SmsService, acme: Account
) -> None:
    room = 50 - 1 - len(ACME_DISCLAIMER)
    small.send(acme, ACME_1, OTHER, "a" * room, disclaimer=True)
    with pytest.raises(ValidationFailed, match="with its disclaimer; at most 50"):
        small.send(acme, ACME_1, OTHER, "a" * (room + 1), disclaimer=True)


def test_the_bulk_limit_is_the_one_given(small: SmsService, acme: Account) -> None:
    small.send_bulk(acme, ACME_1, [OTHER, ACME_2], "Hi")
    with pytest.raises(ValidationFailed, match="1 to 2 recipients"):
        small.send_bulk(acme, ACME_1, [OTHER, ACME_2, "+61491570199"], "Hi")


def test_the_page_limit_is_the_one_given(small: SmsService, acme: Account) -> None:
    assert small.history(acme, 3, None).items == ()
    with pytest.raises(ValidationFailed, match="from 1 to 3"):
        small.history(acme, 4, None)


def test_a_config_whose_disclaimer_leaves_no_room_is_refused(
    store: MessageStore, clock: ManualClock
) -> None:
    config = load_config(f"disclaimers: {{default: {'x' * 49}}}")
    with pytest.raises(ConfigError, match="at most 48"):
        SmsService(config, store, clock, limits=SMALL)


# -- cursors reveal nothing -----------------------------------------------------------------


def test_a_history_cursor_is_the_same_length_whatever_other_accounts_sent(
    service: SmsService, acme: Account, dev: Account
) -> None:
    service.send(acme, ACME_1, OTHER, "mine")
    service.send(acme, ACME_1, OTHER, "mine")
    quiet = service.history(acme, 1, None).next_cursor  # after the first message
    service.send_bulk(dev, OTHER, [f"+6148157{n:04d}" for n in range(1000)], "not acme's")
    for _ in range(2):
        service.send(acme, ACME_1, OTHER, "mine again")
    busy = service.history(acme, 3, None).next_cursor  # after the third, 1,000 others later
    assert quiet is not None
    assert busy is not None
    assert len(quiet) == len(busy)  # a length that grew with the seq would tell the count
