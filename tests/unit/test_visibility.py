"""One visibility rule for every read, from the config in force: the sender's account, and
whoever owns the `to` number now. A store reopened under a new config (a restart with --db)
answers details, history and inbox alike."""

from __future__ import annotations

import pytest

from mock_server.sms.accounts import Account
from mock_server.sms.clock import ManualClock
from mock_server.sms.config import DEFAULT_CONFIG_YAML, Config, load_config
from mock_server.sms.control import ControlService
from mock_server.sms.errors import NotFound, NotOwned
from mock_server.sms.limits import Limits
from mock_server.sms.service import SmsService
from mock_server.sms.store import MemoryStore, MessageStore
from tests.unit.conftest import StoreFactory

MOVED, KEPT, OUTSIDE = "+61491570156", "+61491570157", "+61400000001"
BEFORE = DEFAULT_CONFIG_YAML.replace("clock: real", "clock: manual").replace(
    "  - {name: acme,", "  - {name: beta, tokens: [beta-token], numbers: []}\n  - {name: acme,"
)
AFTER = BEFORE.replace(f'numbers: ["{MOVED}", "{KEPT}"]', f'numbers: ["{KEPT}"]').replace(
    "numbers: []", f'numbers: ["{MOVED}"]'
)


@pytest.fixture
def reopen(store_factory: StoreFactory, store: MessageStore) -> StoreFactory:
    """Opens the store again: SQLite, the same file (as after a restart); memory, the same
    store (as if the config changed while it ran)."""
    return (lambda: store) if isinstance(store, MemoryStore) else store_factory


def _service(text: str, reopen: StoreFactory, limits: Limits) -> tuple[SmsService, Config]:
    config = load_config(text)
    store = reopen()
    return SmsService(config, store, ManualClock(store), limits=limits), config


def _account(config: Config, name: str) -> Account:
    account = config.accounts.by_name(name)
    assert account is not None
    return account


def _sees(service: SmsService, account: Account, id_: str) -> tuple[bool, bool, bool]:
    try:
        details = service.details(account, id_).id == id_
    except NotFound:
        details = False
    history = id_ in [view.id for view in service.history(account, 1000, None).items]
    try:
        inbox = id_ in [view.id for view in service.receive(account, MOVED, None, 1000, None).items]
    except NotOwned:
        inbox = False
    return details, history, inbox


@pytest.fixture
def inbound_to_moved(reopen: StoreFactory, limits: Limits) -> str:
    service, _ = _service(BEFORE, reopen, limits)
    return ControlService(service).inject_inbound(OUTSIDE, MOVED, "hi").id


def test_the_new_owner_of_a_number_sees_its_old_messages_everywhere(
    reopen: StoreFactory, limits: Limits, inbound_to_moved: str
) -> None:
    service, config = _service(AFTER, reopen, limits)
    assert _sees(service, _account(config, "beta"), inbound_to_moved) == (True, True, True)


def test_the_old_owner_of_a_number_no_longer_sees_its_messages_anywhere(
    reopen: StoreFactory, limits: Limits, inbound_to_moved: str
) -> None:
    service, config = _service(AFTER, reopen, limits)
    assert _sees(service, _account(config, "acme"), inbound_to_moved) == (False, False, False)


def test_the_sender_keeps_seeing_what_it_sent_after_losing_the_number(
    reopen: StoreFactory, limits: Limits
) -> None:
    before, config = _service(BEFORE, reopen, limits)
    sent = before.send(_account(config, "acme"), MOVED, OUTSIDE, "from the moved number")
    after, config = _service(AFTER, reopen, limits)
    assert _sees(after, _account(config, "acme"), sent.id)[:2] == (True, True)
    assert _sees(after, _account(config, "beta"), sent.id)[:2] == (False, False)


def test_an_account_given_every_number_sees_every_old_message(
    reopen: StoreFactory, limits: Limits, inbound_to_moved: str
) -> None:
    service, config = _service(BEFORE.replace("numbers: []", 'numbers: ["*"]'), reopen, limits)
    assert _sees(service, _account(config, "beta"), inbound_to_moved) == (True, True, True)
