from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.encoding import Encoding, check_encoding
from ..models.message_status import MessageStatus, check_message_status

T = TypeVar("T", bound="Message")


@_attrs_define
class Message:
    """A message. The guide's five fields keep their names (`to_addr`, `from_addr`, `status`,
    `status_at`, `segment_count`); `id`, `text`, `encoding` and `created_at` are this
    spec's additions.

    """

    id: str
    """ A message id, `msg_` and 24 lowercase hex digits. """
    from_addr: str
    """ An E.164 phone number, `+` then 8 to 15 digits, no spaces. """
    to_addr: str
    """ An E.164 phone number, `+` then 8 to 15 digits, no spaces. """
    text: str
    """ The text, 1 to 1600 characters (for the disclaimer endpoint, the limit applies to the
    text with its disclaimer).
     """
    status: MessageStatus
    """ `queued` (accepted), `sent` (handed to the carrier), `delivered` (reached the handset),
    `undelivered` (the carrier gave up), `failed` (could not be sent), `received` (a message
    that arrived at one of your numbers).
     """
    status_at: datetime.datetime
    """ When the message reached its current status. """
    segment_count: int
    """ How many SMS segments the text takes (3GPP TS 23.038). """
    encoding: Encoding
    """ `gsm7` when every character is in the GSM 03.38 alphabet, else `ucs2`. """
    created_at: datetime.datetime
    """ When the message was accepted (or, for a received message, arrived). """

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        from_addr = self.from_addr

        to_addr = self.to_addr

        text = self.text

        status: str = self.status

        status_at = self.status_at.isoformat()

        segment_count = self.segment_count

        encoding: str = self.encoding

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "from_addr": from_addr,
                "to_addr": to_addr,
                "text": text,
                "status": status,
                "status_at": status_at,
                "segment_count": segment_count,
                "encoding": encoding,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        from_addr = d.pop("from_addr")

        to_addr = d.pop("to_addr")

        text = d.pop("text")

        status = check_message_status(d.pop("status"))

        status_at = datetime.datetime.fromisoformat(d.pop("status_at"))

        segment_count = d.pop("segment_count")

        encoding = check_encoding(d.pop("encoding"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        message = cls(
            id=id,
            from_addr=from_addr,
            to_addr=to_addr,
            text=text,
            status=status,
            status_at=status_at,
            segment_count=segment_count,
            encoding=encoding,
            created_at=created_at,
        )

        return message
