"""What the use cases return: a message as the API shows it, and one page of a listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from mock_server.sms.instants import from_us
from mock_server.sms.lifecycle import Lifecycle, Status, status_at
from mock_server.sms.segments import Encoding
from mock_server.sms.store.base import StoredMessage

Direction = Literal["inbound", "outbound"]


@dataclass(frozen=True, slots=True)
class MessageView:
    """Everything the API's `Message` (and `HistoryEntry`) needs, with the status at read time.

    `direction` is relative to the account reading it: `outbound` for a message that account
    sent, else `inbound`. Read with no account (the control API) it says whether the message was
    sent through the API (`outbound`) or injected from outside (`inbound`).
    """

    id: str
    from_addr: str
    to_addr: str
    text: str
    status: Status
    status_at: datetime
    segment_count: int
    encoding: Encoding
    created_at: datetime
    direction: Direction
    sender_account: str | None


@dataclass(frozen=True)
class Page:
    items: tuple[MessageView, ...]
    #: Pass back as `cursor` for the next page; None on the last page.
    next_cursor: str | None


def view(
    message: StoredMessage, now: datetime, lifecycle: Lifecycle, viewer: str | None
) -> MessageView:
    created = from_us(message.created_at)
    status, since = status_at(created, now, lifecycle, message.outcome, message.inbound)
    if viewer is None:
        direction: Direction = "inbound" if message.inbound else "outbound"
    else:
        direction = "outbound" if message.sender_account == viewer else "inbound"
    return MessageView(
        id=message.id,
        from_addr=message.from_addr,
        to_addr=message.to_addr,
        text=message.text,
        status=status,
        status_at=since,
        segment_count=message.segment_count,
        encoding=message.encoding,
        created_at=created,
        direction=direction,
        sender_account=message.sender_account,
    )
