"""What the SQL stores share: the columns of a message row, in `StoredMessage`'s order, and
the conversion of a row to a message."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from mock_server.sms.lifecycle import Outcome
from mock_server.sms.segments import Encoding
from mock_server.sms.store.base import StoredMessage

COLUMNS = (
    "seq, id, sender_account, from_addr, to_addr, text, encoding, segment_count, created_at,"
    " arrival_at, outcome, inbound"
)
if COLUMNS.split(", ") != [field.name for field in fields(StoredMessage)]:
    raise RuntimeError("COLUMNS must list StoredMessage's fields, in order (see message)")
#: "No bound" for seq ranges computed in SQL.
END = 1 << 62

_ENCODINGS: dict[str, Encoding] = {"gsm7": "gsm7", "ucs2": "ucs2"}
_OUTCOMES = {outcome.value: outcome for outcome in Outcome}


def message(row: tuple[Any, ...]) -> StoredMessage:
    """A row of `COLUMNS` as a message: positional, since `COLUMNS` is in the fields' order
    (a page of 1000 converts in about two thirds of the time it took with keywords)."""
    seq, id_, account, from_, to, text, encoding, segments, created, arrival, outcome, inbound = row
    try:
        return StoredMessage(
            seq,
            id_,
            account,
            from_,
            to,
            text,
            _ENCODINGS[encoding],
            segments,
            created,
            arrival,
            _OUTCOMES[outcome],
            bool(inbound),
        )
    except KeyError as exc:
        raise ValueError(f"unknown value {exc.args[0]!r} in the database") from None
