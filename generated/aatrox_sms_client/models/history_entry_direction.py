from typing import Literal

HistoryEntryDirection = Literal["inbound", "outbound"]

HISTORY_ENTRY_DIRECTION_VALUES: set[HistoryEntryDirection] = {
    "inbound",
    "outbound",
}


def check_history_entry_direction(value: str) -> HistoryEntryDirection:
    if value in HISTORY_ENTRY_DIRECTION_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {HISTORY_ENTRY_DIRECTION_VALUES!r}")
