"""Disclaimers the `send/disclaimer` endpoint appends, chosen by sender number."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Disclaimers:
    default: str
    by_sender: Mapping[str, str]

    def for_sender(self, number: str) -> str:
        """The sender's own disclaimer (exact number match), else the default."""
        return self.by_sender.get(number, self.default)

    def append(self, text: str, sender: str) -> str:
        """`text`, a newline, then the sender's disclaimer: the text that is stored and counted."""
        return f"{text}\n{self.for_sender(sender)}"
