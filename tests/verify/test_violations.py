"""What a violation quotes: the offending value itself, bounded, whoever found it."""

from __future__ import annotations

from contract_verify import violations


def test_a_quoted_value_is_cut_at_the_bound_and_says_so() -> None:
    quoted = violations.quote("x" * 10_000)
    assert len(quoted) == violations.MAX_QUOTE
    assert quoted.startswith('"xxx')
    assert quoted.endswith("…")
    assert violations.quote("accepted") == '"accepted"'


def test_prism_s_entry_quotes_the_value_at_its_location() -> None:
    entry = {
        "location": ["response", "body", "messages", "1", "direction"],
        "severity": "Error",
        "code": "enum",
        "message": "Response body property messages.1.direction must be equal to one of ...",
    }
    document = {"messages": [{"direction": "inbound"}, {"direction": "sideways"}]}
    found = violations.from_prism(
        entry, operation="listMessageHistory", status=200, curl="curl", document=document
    )
    assert (found.where, found.spec_says, found.got) == (
        "body /messages/1/direction",
        "enum",
        '"sideways"',
    )
    assert found.found_by == "prism: Error"


def test_a_negative_case_answered_otherwise_names_both_statuses() -> None:
    found = violations.unexpected_status(
        operation="listMessageHistory",
        expected=401,
        got=200,
        why="no token",
        curl="curl",
        body='{"messages": [], "next_cursor": null}',
    )
    assert found.status == 401
    assert found.spec_says == "401 (no token)"
    assert found.got == '200, body {"messages": [], "next_cursor": null}'
