"""The sizes the contract sets, as one plain value the use cases are given.

They are not written down here: the HTTP layer reads them from the resolved `openapi.yaml` at
start (`mock_server.contract`), so editing the contract changes the mock's rules. This
module holds only what the schema cannot say: how the disclaimer counts toward the text limit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    #: The longest text, in characters (Python `len`), a disclaimer included.
    text_length: int
    #: The most recipients of one bulk send.
    bulk_recipients: int
    #: The largest page a listing answers (`limit`).
    page_size: int
    #: The longest cursor a listing accepts, in characters.
    cursor_length: int

    def __post_init__(self) -> None:
        for name in ("text_length", "bulk_recipients", "page_size", "cursor_length"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}")

    @property
    def disclaimer_length(self) -> int:
        """The longest disclaimer: it leaves room for the newline and one character of text."""
        return self.text_length - 2
