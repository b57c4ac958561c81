from __future__ import annotations

from types import MappingProxyType

from mock_server.sms.disclaimers import Disclaimers

DISCLAIMERS = Disclaimers(
    "Reply STOP to opt out.", MappingProxyType({"+61491570156": "Acme. Reply STOP."})
)


def test_a_sender_with_its_own_disclaimer_gets_it() -> None:
    assert DISCLAIMERS.append("Hi", "+61491570156") == "Hi\nAcme. Reply STOP."


def test_any_other_sender_gets_the_default() -> None:
    assert DISCLAIMERS.append("Hi", "+61491570157") == "Hi\nReply STOP to opt out."


def test_the_match_is_exact_not_by_prefix() -> None:
    assert DISCLAIMERS.for_sender("+6149157015") == "Reply STOP to opt out."
    assert DISCLAIMERS.for_sender("+614915701560") == "Reply STOP to opt out."
