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

    def start(self, text: str, sender: str) -> int | None:
        """Where the sender's disclaimer begins in `text` (a character offset), if `text` ends
        with it as `append` writes it; else None. The store does not record which endpoint sent
        a message, so a text that ends so by itself is taken as one with a disclaimer too."""
        suffix = "\n" + self.for_sender(sender)
        return len(text) - len(suffix) + 1 if text.endswith(suffix) else None
