from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="BulkSendRequest")


@_attrs_define
class BulkSendRequest:
    """One text for 1 to 1000 distinct recipients."""

    from_: str
    """ An E.164 phone number, `+` then 8 to 15 digits, no spaces. """
    to: list[str]
    """ The recipients, each at most once. """
    text: str
    """ The text, 1 to 1600 characters (for the disclaimer endpoint, the limit applies to the
    text with its disclaimer).
     """

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_

        to = self.to

        text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "from": from_,
                "to": to,
                "text": text,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        from_ = d.pop("from")

        to = cast(list[str], d.pop("to"))

        text = d.pop("text")

        bulk_send_request = cls(
            from_=from_,
            to=to,
            text=text,
        )

        return bulk_send_request
