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


def test_start_finds_the_appended_disclaimer_and_nothing_else() -> None:
    disclaimers = Disclaimers("Reply STOP.", {"+61491570156": "Acme. Reply STOP."})
    text = disclaimers.append("Hello", "+61491570156")
    assert text[disclaimers.start(text, "+61491570156") or 0 :] == "Acme. Reply STOP."
    assert disclaimers.start(text, "+61491570157") is None  # another sender's disclaimer
    assert disclaimers.start("Hello", "+61491570156") is None
    assert disclaimers.start("Reply STOP.", "+61491570157") is None  # no newline before it
