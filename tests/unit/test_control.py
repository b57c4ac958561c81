"""The control API's use cases, on a manual clock, over both stores."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mock_server.sms.accounts import Account
from mock_server.sms.clock import ClockNotAdjustableError, ManualClock, RealClock
from mock_server.sms.config import DEFAULT_CONFIG_YAML, Config, load_config
from mock_server.sms.control import ControlService
from mock_server.sms.lifecycle import Status
from mock_server.sms.limits import Limits
from mock_server.sms.service import NotFound, SmsService, ValidationFailed
from mock_server.sms.store import MessageStore
from tests.unit.conftest import fields

ACME_1 = "+61491570156"  # owned by acme (and dev, which owns "*")
OTHER = "+61491570158"  # owned by dev only


def test_inject_inbound_is_received_and_visible_to_the_owner(
    service: SmsService, acme: Account, control: ControlService
) -> None:
    view = control.inject_inbound("+61400000001", ACME_1, "Hi")
    assert view.status is Status.RECEIVED
    assert view.direction == "inbound"
    assert service.details(acme, view.id).status is Status.RECEIVED


def test_inject_inbound_validates(service: SmsService, control: ControlService) -> None:
    with pytest.raises(ValidationFailed) as raised:
        control.inject_inbound("x", "y", "")
    assert fields(raised) == ["from", "to", "text"]


def test_all_messages_lists_every_account_with_filters(
    service: SmsService, acme: Account, dev: Account, control: ControlService
) -> None:
    a = service.send(acme, ACME_1, OTHER, "a")
    b = service.send(dev, OTHER, ACME_1, "b")
    assert [v.id for v in control.all_messages()] == [a.id, b.id]
    assert [v.id for v in control.all_messages(from_addr=OTHER)] == [b.id]
    assert [v.id for v in control.all_messages(to_addr=OTHER)] == [a.id]


def test_reset_forgets_messages_and_brings_the_clock_back(
    service: SmsService, acme: Account, clock: ManualClock, control: ControlService
) -> None:
    real_now = clock.now()
    sent = service.send(acme, ACME_1, OTHER, "a")
    control.advance_clock(3600)
    control.reset()
    assert control.all_messages() == []
    with pytest.raises(NotFound):
        service.details(acme, sent.id)
    assert abs(clock.now() - real_now) < timedelta(seconds=60)


def test_advance_clock_returns_the_new_now_and_refuses_negative(
    service: SmsService, control: ControlService
) -> None:
    start = service.now()
    assert control.advance_clock(2.5) == start + timedelta(seconds=2.5)
    with pytest.raises(ValidationFailed) as raised:
        control.advance_clock(-1)
    assert fields(raised) == ["seconds"]


def test_a_real_clock_cannot_be_advanced(
    config: Config, store: MessageStore, limits: Limits
) -> None:
    control = ControlService(SmsService(config, store, RealClock(), limits=limits))
    with pytest.raises(ClockNotAdjustableError):
        control.advance_clock(1)


def test_the_next_status_change_reads_only_messages_young_enough_to_change(
    store: MessageStore, clock: ManualClock, limits: Limits
) -> None:
    # The real-clock config (next_status_change answers None on a manual one), read from a
    # clock this test moves.
    service = SmsService(load_config(DEFAULT_CONFIG_YAML), store, clock, limits=limits)
    control = ControlService(service)
    dev = service.config.accounts.authenticate("dev-token")
    assert dev is not None
    old = service.send(dev, "+61491570156", "+61491570157", "Old")
    clock.advance(5)  # delivered: final
    assert control.next_status_change() is None
    young = service.send(dev, "+61491570156", "+61491570158", "Young")
    lifecycle = service.config.lifecycle
    assert control.next_status_change() == young.created_at + lifecycle.sent_after
    clock.advance(lifecycle.sent_after_s)
    assert control.next_status_change() == young.created_at + lifecycle.delivered_after
    clock.advance(lifecycle.delivered_after_s)
    assert control.next_status_change() is None
    assert old.created_at < young.created_at
