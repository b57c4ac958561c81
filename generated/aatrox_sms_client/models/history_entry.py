from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.history_entry_direction import HistoryEntryDirection, check_history_entry_direction

T = TypeVar("T", bound="HistoryEntry")


@_attrs_define
class HistoryEntry:
    id: str
    """ A message id, `msg_` and 24 lowercase hex digits. """
    timestamp: datetime.datetime
    """ When the message was created. """
    direction: HistoryEntryDirection
    """ `outbound`: your account sent it; `inbound`: it was addressed to you. """

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        timestamp = self.timestamp.isoformat()

        direction: str = self.direction

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "timestamp": timestamp,
                "direction": direction,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        direction = check_history_entry_direction(d.pop("direction"))

        history_entry = cls(
            id=id,
            timestamp=timestamp,
            direction=direction,
        )

        return history_entry
