"""What the check calls, in which order, and with which values taken from earlier answers.

Safe by default for a paid API. Without a sender it only reads: the history, the details of the
first ids it lists, its second page if there is one, and the negative cases that cost nothing (no
token, a number that is not E.164, a malformed and an unknown id). With a sender (`--from`) it
also reads that number's inbox. Only with a sender and a recipient (`--to`) does it send: one
message, one with the disclaimer, one bulk send to the recipient alone (at most SENDS_AT_MOST
messages, all from the sender to the recipient), then follows the spec's links from the message
just sent (its details, the recipient's inbox, the history since it). The negative sends (no
token, a bad recipient) are also from the sender, and name no other real number; a read without a
token names the sender or the spec's example number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

#: Entries per listing page: enough to find ids, little to download.
PAGE = 5
#: How many of the history's ids are looked up.
DETAILS = 3
#: Not E.164 (a national number): every number field must refuse it with a 400.
BAD_NUMBER = "0491570157"
#: A number to name where a call needs one and nothing is read (the spec's example sender).
EXAMPLE_NUMBER = "+61491570156"
#: A well-formed id no server has issued (24 zero digits): a 404.
UNKNOWN_ID = "msg_" + "0" * 24
#: Not the `msg_` + 24 hex digits of MessageId: a 400.
MALFORMED_ID = "not-a-message-id"
#: Messages a run may send when it gets a 2xx for every send (sendSms, with disclaimer, bulk).
SENDS_AT_MOST = 3


@dataclass(frozen=True)
class Step:
    """One call: an operation with chosen values, with or without the token."""

    purpose: str
    operation_id: str
    path: dict[str, str] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    token: bool = True
    #: For a negative case, the status the spec demands, and why.
    expect: int | None = None
    expect_why: str = ""
    #: Whether a 2xx answer means messages were sent (and are counted).
    sends: bool = False


#: Calls a step and returns the answer's JSON document when it is a 2xx, else None.
Call = Callable[[Step], Any]


def run(call: Call, sender: str | None, recipient: str | None) -> None:
    """Read (and, with both numbers, send) through `call`."""
    _read(call, sender)
    if sender is not None and recipient is not None:
        _send(call, sender, recipient)


def _read(call: Call, sender: str | None) -> None:
    page = call(Step("history, first page", "listMessageHistory", query={"limit": PAGE}))
    for entry in _entries(page)[:DETAILS]:
        call(Step("details of an id the history listed", "getMessage", path={"id": entry["id"]}))
    cursor = page.get("next_cursor") if isinstance(page, dict) else None
    if isinstance(cursor, str):
        second = {"limit": PAGE, "cursor": cursor}
        call(Step("history, second page", "listMessageHistory", query=second))
    if sender is not None:
        call(Step("inbox of FROM", "listReceivedMessages", query={"to": sender, "limit": PAGE}))
    reader = sender or EXAMPLE_NUMBER
    unauthenticated: tuple[tuple[str, dict[str, str], dict[str, Any]], ...] = (
        ("listMessageHistory", {}, {"limit": 1}),
        ("listReceivedMessages", {}, {"to": reader, "limit": 1}),
        ("getMessage", {"id": UNKNOWN_ID}, {}),
    )
    for operation_id, path, query in unauthenticated:
        call(_without_token(Step(f"{operation_id} without a token", operation_id, path, query)))
    call(
        Step(
            "history with limit 0",
            "listMessageHistory",
            query={"limit": 0},
            expect=400,
            expect_why="limit below its minimum, 1",
        )
    )
    call(
        Step(
            "inbox of a number that is not E.164",
            "listReceivedMessages",
            query={"to": BAD_NUMBER},
            expect=400,
            expect_why=f"{BAD_NUMBER} is not an E.164 number",
        )
    )
    call(
        Step(
            "details of a malformed id",
            "getMessage",
            path={"id": MALFORMED_ID},
            expect=400,
            expect_why="not a message id",
        )
    )
    call(
        Step(
            "details of an id nobody issued",
            "getMessage",
            path={"id": UNKNOWN_ID},
            expect=404,
            expect_why="no such message",
        )
    )


def _send(call: Call, sender: str, recipient: str) -> None:
    text = f"Aatrox SMS contract check, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. No reply needed."
    body = {"from": sender, "to": recipient, "text": text}
    sent = call(Step("send FROM to TO", "sendSms", body=body, sends=True))
    if isinstance(sent, dict):
        _follow_links(call, sent)
    call(
        Step("send FROM to TO with the disclaimer", "sendSmsWithDisclaimer", body=body, sends=True)
    )
    bulk = {**body, "to": [recipient]}
    call(Step("bulk send from FROM to TO alone", "sendBulkSms", body=bulk, sends=True))
    bad = {**body, "to": BAD_NUMBER}
    for operation_id, good, wrong in (
        ("sendSms", body, bad),
        ("sendSmsWithDisclaimer", body, bad),
        ("sendBulkSms", bulk, {**bad, "to": [BAD_NUMBER]}),
    ):
        why = f"{BAD_NUMBER} is not an E.164 number"
        call(
            Step(
                f"{operation_id} to a bad number",
                operation_id,
                body=wrong,
                expect=400,
                expect_why=why,
            )
        )
        # Sent from FROM to TO only, and counted, should the server send it without a token.
        call(
            _without_token(
                Step(f"{operation_id} without a token", operation_id, body=good, sends=True)
            )
        )


def _without_token(step: Step) -> Step:
    return replace(step, token=False, expect=401, expect_why="no token")


def _follow_links(call: Call, sent: dict[str, Any]) -> None:
    """The spec's links from a sent message: GetMessage, ReceiveAtRecipient, HistoryFromMessage."""
    if isinstance(sent.get("id"), str):
        call(Step("details of the message just sent", "getMessage", path={"id": sent["id"]}))
    if isinstance(sent.get("to_addr"), str):
        query = {"to": sent["to_addr"], "limit": PAGE}
        call(Step("inbox of TO", "listReceivedMessages", query=query))
    if isinstance(sent.get("created_at"), str):
        query = {"since": sent["created_at"], "limit": PAGE}
        call(Step("history since the message just sent", "listMessageHistory", query=query))


def _entries(page: Any) -> list[dict[str, Any]]:
    """The listed entries that carry a string id (a drifting answer may not)."""
    messages = page.get("messages") if isinstance(page, dict) else None
    if not isinstance(messages, list):
        return []
    return [m for m in messages if isinstance(m, dict) and isinstance(m.get("id"), str)]
